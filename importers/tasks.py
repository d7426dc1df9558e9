"""The ``imports`` queue's task: run one import job (``importers.jobs.run``).

A lost database connection ends the attempt with an error and procrastinate runs the job
again after a wait; after the last attempt, ``importers.jobs.end_lost_jobs`` (run by the
maintenance queue) says so on the job. Every other outcome is the job's own report or error.
"""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from importers import jobs


@app.task(
    name=jobs.RUN_TASK,
    queue=jobs.QUEUE,
    retry=RetryStrategy(max_attempts=5, wait=30, retry_exceptions=set(jobs.RETRYABLE)),
)
def run_import_job(job_id: str) -> str | None:
    """Run the import job ``job_id``; its final status (None when it had already ended)."""
    job = jobs.run(job_id)
    return job.status if job else None
