-- Embeddings (issue 13): 2-D PCA / t-SNE / UMAP coordinates of a feature
-- matrix, computed as a job and cached. A row is keyed by what was asked
-- (method, modality, zoom, features, first, seed: `input_key`, a SHA-256)
-- and by the dataset digest of the galaxies it saw (models/training/
-- dataset-digest.ts): new galaxies, labels or pixels give a new row.
CREATE TABLE embeddings (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  input_key       text NOT NULL,
  dataset_digest  text NOT NULL,
  input           jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  -- { galaxyIds, x, y, label, correlation: { x, y }, explainedVariance, seconds } once SUCCEEDED.
  result          jsonb,
  error           text,
  queued_at       timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (input_key, dataset_digest)
);
