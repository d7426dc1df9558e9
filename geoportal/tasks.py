"""The task queue's own upkeep, on the ``maintenance`` queue: jobs whose worker died are
given back to the queue (procrastinate's stalled-job recovery), import jobs whose queue
job ended without them are closed, and succeeded jobs are removed after a week.

Workers send a heartbeat every 10 seconds (procrastinate's default); a worker silent for
``STALLED_AFTER_S`` is dead (killed, machine lost), and its running jobs run again from the
start. Every task must therefore be safe to run twice: an import's transaction was rolled
back with its worker (``importers.jobs``); a notification's row says whether it was sent.
"""

import logging

from asgiref.sync import sync_to_async
from procrastinate import JobContext, builtin_tasks, exceptions
from procrastinate.contrib.django import app
from procrastinate.manager import JobManager

from importers import jobs as import_jobs
from importers.side_build import drop_orphan_builds
from layers.partitions import drop_orphan_partitions
from tiles import cell_partitions

log = logging.getLogger(__name__)

MAINTENANCE = "maintenance"
STALLED_AFTER_S = 60
# Succeeded jobs (a few thousand a day: the scheduled ones) are kept this long; failed,
# cancelled and aborted ones are kept for people to look at.
KEEP_SUCCEEDED_HOURS = 7 * 24


async def retry_stalled_jobs(
    manager: JobManager, seconds_since_heartbeat: float = STALLED_AFTER_S
) -> list[int]:
    """Give the running jobs of dead workers back to their queue; the ids given back."""
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat)
    ids = [job.id for job in stalled]
    if ids:
        # Before the queue can hand them out again: a worker then marks them running.
        await sync_to_async(import_jobs.requeue)(ids)
    retried = []
    for job in stalled:
        try:
            await manager.retry_job(job)
        except exceptions.ConnectorException:  # it ended meanwhile, or another run retried it
            log.warning("stalled job %s was not retried", job.id, exc_info=True)
        else:
            retried.append(job.id)
    return retried


@app.periodic(cron="* * * * *", periodic_id="recover_stalled_jobs")
@app.task(name="geoportal.recover_stalled_jobs", queue=MAINTENANCE, pass_context=True)
async def recover_stalled_jobs(context: JobContext, timestamp: int) -> dict:
    """Every minute: run again the jobs of dead workers, close lost import jobs, drop
    deleted layers' feature partitions left over, the tables of imports that died
    building them, and the empty cell partitions of slugs no point layer has now."""
    retried = await retry_stalled_jobs(context.app.job_manager)
    lost = await sync_to_async(import_jobs.end_lost_jobs)()
    dropped = await sync_to_async(import_jobs.drop_unconfirmed_uploads)()
    # Deleted layers' partitions the deletion's own after-commit drop could not lock.
    partitions = await sync_to_async(drop_orphan_partitions)()
    builds = await sync_to_async(drop_orphan_builds)()
    cells = await sync_to_async(cell_partitions.drop_orphans)()
    return {
        "retried": retried,
        "lost_imports": lost,
        "unconfirmed_uploads": dropped,
        "orphan_partitions": partitions,
        "orphan_builds": builds,
        "orphan_cell_partitions": cells,
    }


@app.periodic(cron="40 3 * * *", periodic_id="remove_old_jobs")
@app.task(name="geoportal.remove_old_jobs", queue=MAINTENANCE, pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Daily: remove the jobs that succeeded more than a week ago (and their events)."""
    await builtin_tasks.remove_old_jobs(context, max_hours=KEEP_SUCCEEDED_HOURS)
