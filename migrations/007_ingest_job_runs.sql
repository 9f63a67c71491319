-- Ingest jobs run by the server (the ingestFiles mutation, and the CLI when
-- a server holds the data folder): who runs a job and when it last showed
-- life, so that a job whose process died is queued again (ingest is
-- idempotent and resumable: the rerun does what the dead one had not).
ALTER TABLE ingest_jobs ADD COLUMN runner       text;
ALTER TABLE ingest_jobs ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE ingest_jobs ADD COLUMN attempts     integer NOT NULL DEFAULT 0;
ALTER TABLE ingest_jobs ADD COLUMN error_code   text;
CREATE INDEX ingest_jobs_waiting ON ingest_jobs (id) WHERE status IN ('QUEUED', 'RUNNING');
