-- Why a training run FAILED, as a code clients can switch on (the text in
-- `error` says it in words): DISK_FULL, ABANDONED,
-- STOPPED, TRAINING_FAILED (models/training/failure.ts). NULL for runs that
-- did not fail, and for runs that failed before this column existed.
ALTER TABLE training_runs ADD COLUMN error_code text;
