-- SFR predictors: training runs (the job and its report), the trained
-- predictors (model bytes stored with the row, so a predictor is never
-- half-written) and their materialised predictions.
CREATE TABLE training_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status        text NOT NULL DEFAULT 'QUEUED'
                CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  -- The validated TrainPredictorInput, with defaults filled in.
  input         jsonb NOT NULL,
  progress      real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  stage         text,
  iteration     integer,
  backend       text,
  -- The report, filled while and after training.
  hyperparameters jsonb,
  grid          jsonb,
  curves        jsonb,
  metrics       jsonb,
  cv            jsonb,
  split         jsonb,
  timings       jsonb,
  code_version  text,
  error         text,
  -- Which process works on it, and when it last said so (stale → FAILED at restart).
  worker        text,
  heartbeat_at  timestamptz,
  queued_at     timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
CREATE INDEX training_runs_status ON training_runs (status);

CREATE TABLE predictors (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id      bigint NOT NULL UNIQUE REFERENCES training_runs (id),
  name        text NOT NULL,
  -- Everything needed to compute features and predict again: kind, modality,
  -- features, zooms, feature names, fusion weights, calibration.
  spec        jsonb NOT NULL,
  -- The serialised fold-model ensemble (gzip).
  model       bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- log10 SFR predicted (Msun/yr) and its 1-sigma predictive uncertainty.
CREATE TABLE predictions (
  predictor_id bigint NOT NULL REFERENCES predictors (id) ON DELETE CASCADE,
  galaxy_id    bigint NOT NULL REFERENCES galaxies (id) ON DELETE CASCADE,
  value        double precision NOT NULL,
  sigma        double precision NOT NULL CHECK (sigma >= 0),
  PRIMARY KEY (predictor_id, galaxy_id)
);
-- Every predictor's prediction of a galaxy (Galaxy.predictions, DataLink), and cascades from galaxies.
CREATE INDEX predictions_galaxy ON predictions (galaxy_id);
