"""The import queue: jobs in PostgreSQL, claimed by workers with SKIP LOCKED.

An upload becomes a queued job; ``manage.py import_worker`` (started by ``make run`` and
docker compose) claims the oldest one, runs the importer core and stores the report.
Progress is written on a separate autocommit connection, so that it is visible while the
import's own transaction is still open. A job whose worker died is queued again: its
transaction was rolled back, so running it again cannot import anything twice.
"""

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from core.errors import CommonMapError
from importers.models import ImportJob, JobStatus
from importers.params import ImportParams
from importers.services import run_import

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)  # no heartbeat for this long: the worker is gone
_PROGRESS_EVERY = 1.0  # seconds between progress writes


def upload_dir() -> Path:
    """Where uploads wait for their job (``COMMONMAP_IMPORT_DIR``)."""
    return Path(settings.COMMONMAP["IMPORT_DIR"])


def enqueue(
    params: ImportParams, upload: UploadedFile, user, language: str | None = None
) -> ImportJob:
    """Store the upload and queue its job; ``params.path`` is set to the stored file."""
    job = ImportJob(
        created_by=user,
        file_name=params.name,
        file_size=upload.size,
        language=language or translation.get_language() or "",
    )
    folder = upload_dir() / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (get_valid_filename(Path(params.name).name) or "upload")
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    params.path = path
    job.upload_path = str(path)
    job.params = params.as_dict()
    job.save()
    return job


def claim() -> ImportJob | None:
    """The oldest queued job, now running (None when the queue is empty)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status=JobStatus.QUEUED)
            .order_by("created_at")
            .first()
        )
        if job is None:
            return None
        now = timezone.now()
        job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, now, now
        job.save(update_fields=["status", "started_at", "heartbeat_at"])
        return job


def requeue_stale() -> int:
    """Queue again the running jobs whose worker stopped sending heartbeats."""
    cutoff = timezone.now() - STALE_AFTER
    return ImportJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=JobStatus.QUEUED, rows_read=0
    )


def run(job: ImportJob) -> ImportJob:
    """Run a claimed job to its end: report (or error) stored, upload removed."""
    params = ImportParams.from_dict(job.params)
    reporter = _ProgressWriter(job)
    try:
        # The report and errors speak the uploader's language, not the worker's.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = run_import(params, reporter)
    except CommonMapError as exc:
        job.status, job.error = JobStatus.FAILED, exc.as_dict()
    except Exception as exc:  # a bug must end the job, not the worker
        log.exception("import job %s failed", job.id)
        job.status = JobStatus.FAILED
        job.error = {"detail": f"Internal error: {type(exc).__name__}", "code": "internal_error"}
    else:
        job.report = report.as_dict()
        job.rows_read = report.rows_read
        ok = report.committed or (params.dry_run and not report.rejected_count)
        job.status = JobStatus.SUCCEEDED if ok else JobStatus.REJECTED
    finally:
        reporter.close()
        shutil.rmtree(Path(job.upload_path).parent, ignore_errors=True)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "rows_read", "finished_at"])
    return job


def run_next() -> ImportJob | None:
    """Claim and run one job; None when there was none."""
    job = claim()
    return run(job) if job else None


def work(poll_seconds: float = 1.0, once: bool = False) -> None:
    """The worker loop: run jobs as they come; ``once`` stops when the queue is empty."""
    while True:
        requeue_stale()
        job = run_next()
        if job is not None:
            log.info("import job %s: %s", job.id, job.status)
            continue
        if once:
            return
        time.sleep(poll_seconds)


class _ProgressWriter:
    """Writes rows read (and a heartbeat) to the job at most once a second, outside the
    import's transaction."""

    def __init__(self, job: ImportJob):
        self.job_id = job.id
        self.last = 0.0
        self.conn: psycopg.Connection | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < _PROGRESS_EVERY:
            return
        self.last = now
        if self.conn is None:
            self.conn = psycopg.connect(**_conninfo(), autocommit=True)
        self.conn.execute(
            "UPDATE importers_importjob SET rows_read = %s, rows_total = %s, "
            "heartbeat_at = now() WHERE id = %s",
            (done, total, self.job_id),
        )

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _conninfo() -> dict:
    """The libpq parameters of Django's connection (sslmode and options included)."""
    params = connection.get_connection_params()
    return {
        k: v for k, v in params.items() if isinstance(v, str | int) and k != "prepare_threshold"
    }
