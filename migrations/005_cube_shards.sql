-- The cube as immutable HDF5 shard files (cube/shards.ts), listed in this
-- manifest. A galaxy's image and spectrum are row `cube_row` of shard
-- `cube_shard`. A batch writes its shard file first (temporary name, fsync,
-- rename) and inserts its manifest row and the galaxy rows that refer to it
-- in one transaction, so a file without a row is an orphan of a crash and is
-- removed at start-up. Shards are never modified: a galaxy whose data change
-- (a repeat spectrum combined in) moves to a row of a newer shard, and
-- `cube compact` merges small shards, retiring the old ones.
CREATE TABLE cube_shards (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Storage key: the path relative to DATA_DIR (cube/shards/o2-0123/….h5; the
  -- single file of cubes made before shards is 'cube.h5').
  name        text NOT NULL UNIQUE,
  -- The shard key: nested HEALPix cell at cell_order holding every row
  -- (NULL for the pre-shard cube, which holds any position).
  cell_order  smallint CHECK (cell_order BETWEEN 0 AND 29),
  cell        bigint,
  row_count   integer CHECK (row_count >= 0),
  bytes       bigint CHECK (bytes >= 0),
  -- SHA-256 of the file's bytes (hex): "same data" is checkable.
  sha256      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Set when compaction moved every galaxy out; the file is deleted after a
  -- grace period (readers may still hold a location read just before).
  retired_at  timestamptz
);
CREATE INDEX cube_shards_cell ON cube_shards (cell_order, cell) WHERE retired_at IS NULL;

ALTER TABLE galaxies ADD COLUMN cube_shard bigint REFERENCES cube_shards (id);
-- Cubes made before shards: one file, DATA_DIR/cube.h5, in the same layout.
INSERT INTO cube_shards (name) SELECT 'cube.h5' WHERE EXISTS (SELECT 1 FROM galaxies WHERE cube_row IS NOT NULL);
UPDATE galaxies SET cube_shard = (SELECT id FROM cube_shards WHERE name = 'cube.h5') WHERE cube_row IS NOT NULL;
ALTER TABLE galaxies DROP CONSTRAINT galaxies_cube_row_key;
ALTER TABLE galaxies ADD CONSTRAINT galaxies_cube_location UNIQUE (cube_shard, cube_row);
ALTER TABLE galaxies ADD CONSTRAINT galaxies_cube_location_whole CHECK ((cube_shard IS NULL) = (cube_row IS NULL));
CREATE INDEX galaxies_cube_shard ON galaxies (cube_shard);

-- Ingest is idempotent per observation: a spectrum file or a HiSS-Cube
-- target already recorded for some galaxy is not loaded again.
CREATE INDEX galaxy_sources_file ON galaxy_sources (file, role);

-- Ingest jobs run by the server (the `ingestFiles` mutation, or the CLI
-- handing its work to the server that holds the data folder).
CREATE TABLE ingest_jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status       text NOT NULL DEFAULT 'QUEUED'
               CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  -- What to ingest: { source: "sdss", spectra, frames, sfr } or { source: "hisscube", path }.
  input        jsonb NOT NULL,
  stage        text,
  done         bigint NOT NULL DEFAULT 0,
  total        bigint NOT NULL DEFAULT 0,
  report       jsonb,
  error        text,
  queued_at    timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
