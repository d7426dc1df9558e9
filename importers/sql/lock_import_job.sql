-- Held by the transaction that runs an import job (importers.jobs.run) until it commits or
-- rolls back: a second run of the same job (its worker thought dead) waits here, then sees
-- the job ended. An advisory lock, not FOR UPDATE on the job's row, because the progress
-- writer updates that row from another connection while the import runs.
SELECT pg_advisory_xact_lock(hashtextextended('importers.importjob:' || %s, 0))
