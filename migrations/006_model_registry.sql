-- The model registry: predictors get a version per name (never reused,
-- even after a deletion), aliases that point at one version, and every
-- stored prediction says whether the galaxy lies in the predictor's
-- applicability domain (and why not).

-- The last version handed out per name; versions are never reused.
CREATE TABLE predictor_names (
  name          text PRIMARY KEY,
  last_version  integer NOT NULL CHECK (last_version >= 1)
);

ALTER TABLE predictors ADD COLUMN version integer;
-- Predictors saved before the registry: versions 1, 2, … per name in id order.
UPDATE predictors p SET version = v.version
  FROM (SELECT id, row_number() OVER (PARTITION BY name ORDER BY id) AS version FROM predictors) v
  WHERE p.id = v.id;
ALTER TABLE predictors ALTER COLUMN version SET NOT NULL;
ALTER TABLE predictors ADD CONSTRAINT predictors_name_version UNIQUE (name, version);
INSERT INTO predictor_names (name, last_version) SELECT name, max(version) FROM predictors GROUP BY name;
-- The applicability domain measured on the training galaxies (classes,
-- redshift and feature percentiles) and the calibration of the predictive
-- distribution; null for predictors saved before the registry.
ALTER TABLE predictors ADD COLUMN domain jsonb;

-- `name@alias` → one predictor; removed with it.
CREATE TABLE predictor_aliases (
  name          text NOT NULL,
  alias         text NOT NULL,
  predictor_id  bigint NOT NULL REFERENCES predictors (id) ON DELETE CASCADE,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, alias)
);
CREATE INDEX predictor_aliases_predictor ON predictor_aliases (predictor_id);

-- Applicability per prediction: null = predicted before the registry (not assessed).
ALTER TABLE predictions ADD COLUMN in_domain boolean;
ALTER TABLE predictions ADD COLUMN domain_notes text[] NOT NULL DEFAULT '{}';
-- The prediction filter of coneSearch / galaxies: one predictor's values in a range.
CREATE INDEX predictions_predictor_value ON predictions (predictor_id, value);

-- Sky-aware evaluation (test metrics per redshift, r-magnitude and HEALPix
-- bin) and what the run was trained on (dataset digest, counts, footprint).
ALTER TABLE training_runs ADD COLUMN evaluation jsonb;
ALTER TABLE training_runs ADD COLUMN dataset jsonb;
