-- Experiments: a grid of training runs ("cells") on one galaxy set, one
-- split and one seed, so that the cells are comparable (issue 13). Each cell
-- is a normal training run; its row says which experiment it belongs to and
-- what it varies (learner, modality, zooms, features, reference or not).
CREATE TABLE experiments (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status       text NOT NULL DEFAULT 'QUEUED'
               CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  -- The validated ExperimentInput, defaults filled in (preset or grid).
  input        jsonb NOT NULL,
  seed         integer NOT NULL,
  -- The split every cell shares (train/validation/test galaxy ids), once the first cell has it.
  split        jsonb,
  progress     real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  error        text,
  queued_at    timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);

ALTER TABLE training_runs ADD COLUMN experiment_id bigint REFERENCES experiments (id);
-- { learner, modality, imageZoom, spectrumZoom, features, reference }: what this cell varies.
ALTER TABLE training_runs ADD COLUMN experiment_cell jsonb;
CREATE INDEX training_runs_experiment ON training_runs (experiment_id) WHERE experiment_id IS NOT NULL;
