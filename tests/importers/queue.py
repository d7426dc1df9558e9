"""The worker's steps inside a test's transaction: fetch the next job of a queue with
procrastinate's own function, run its task, finish it, all on Django's connection, so a
test that never commits sees its upload run. (A worker process cannot see uncommitted rows:
``tests/importers/test_worker.py`` runs the real ``manage.py procrastinate worker``.)"""

import json

from procrastinate import jobs, sql
from procrastinate.contrib.django import app

from importers.jobs import QUEUE
from importers.models import ImportJob


def run_next(queue: str = QUEUE) -> ImportJob | None:
    """Run the oldest waiting job of ``queue``; its import job (None when none waited)."""
    connector = app.connector  # procrastinate's Django connector: the test's transaction
    query = sql.queries["fetch_job"]
    row = connector.execute_query_one(query=query, queues=[queue], worker_id=None)
    if row["id"] is None:
        return None
    if isinstance(row["args"], str):  # Django's connection leaves jsonb undecoded
        row["args"] = json.loads(row["args"])
    job = jobs.Job.from_row(row)
    status = "failed"
    try:
        app.tasks[job.task_name](**job.task_kwargs)
        status = "succeeded"
    finally:
        connector.execute_query(
            query=sql.queries["finish_job"], job_id=job.id, status=status, delete_job=False
        )
    return ImportJob.objects.get(pk=job.task_kwargs["job_id"])


def queue_status(import_job: ImportJob) -> str:
    """The status of the procrastinate job that runs ``import_job``."""
    return app.job_manager.get_job_status(import_job.queue_job_id).value
