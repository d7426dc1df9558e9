"""Import jobs on the task queue: an upload becomes an ``ImportJob`` row (status, progress,
report: what the API shows) and a procrastinate job on the ``imports`` queue, written in
one transaction, so that a job row never exists without its queue entry.

``manage.py procrastinate worker`` runs ``importers.tasks.run_import_job``, which calls
``run`` here. Progress is written on a separate autocommit connection, so that it is
visible while the import's own transaction is still open. The import and the job's final
status commit together, under a transaction-level advisory lock on the job: a job whose
worker died is run again by procrastinate's stalled-job recovery (``geoportal.tasks``)
from the start, since its transaction was rolled back, and a job that had committed is
never imported twice.
"""

import logging
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from core.errors import CommonMapError, Conflict
from core.sql_files import load_sql
from importers.models import ImportJob, JobStatus
from importers.params import ImportParams
from importers.services import run_import

log = logging.getLogger(__name__)

QUEUE = "imports"
RUN_TASK = "importers.tasks.run_import_job"  # registered by importers/tasks.py
FINAL = (JobStatus.SUCCEEDED, JobStatus.REJECTED, JobStatus.FAILED)
# Queue jobs in these states will not run the import (again): its row must say it ended.
_QUEUE_ENDED = ("succeeded", "failed", "cancelled", "aborted")
_LOST_AFTER = timedelta(minutes=1)  # a queue job ended this long ago with its row open
_PROGRESS_EVERY = 1.0  # seconds between progress writes
# The database went away under the job: procrastinate runs it again (importers.tasks).
RETRYABLE = (OperationalError, InterfaceError)
# A dry run's upload waits this long for its confirmation (``confirm``), then is removed.
KEEP_DRY_RUN_UPLOAD = timedelta(days=1)
CONFIRMS = "confirms"  # the key, in a confirmation's params, naming the dry run it confirms


def upload_dir() -> Path:
    """Where uploads wait for their job (``COMMONMAP_IMPORT_DIR``)."""
    return Path(settings.COMMONMAP["IMPORT_DIR"])


def enqueue(
    params: ImportParams, upload: UploadedFile, user, language: str | None = None
) -> ImportJob:
    """Store the upload, write its job and defer the job's run, in one transaction (the
    caller's, when there is one); ``params.path`` is set to the stored file."""
    job = ImportJob(
        created_by=user,
        file_name=params.name,
        file_size=upload.size,
        language=language or translation.get_language() or "",
    )
    folder = upload_dir() / str(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (get_valid_filename(Path(params.name).name) or "upload")
    try:
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        params.path = path
        job.upload_path = str(path)
        job.params = params.as_dict()
        with transaction.atomic():
            job.save()
            # Through procrastinate's Django connector: the same connection and transaction.
            deferrer = app.configure_task(RUN_TASK, allow_unknown=False)
            job.queue_job_id = deferrer.defer(job_id=str(job.id))
            job.save(update_fields=["queue_job_id"])
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def run(job_id: str) -> ImportJob | None:
    """Run a job to its end: report (or error) stored, upload removed. None when the job
    had already ended (a run again after its worker died after the commit) or is gone.

    A lost database connection is raised (the queue runs the job again); any other failure
    ends the job with its error, never the worker.
    """
    now = timezone.now()
    ImportJob.objects.filter(pk=job_id).exclude(status__in=FINAL).update(
        status=JobStatus.RUNNING, started_at=now, rows_read=0, rows_total=-1
    )
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(load_sql("importers", "lock_import_job"), [str(job_id)])
            job = ImportJob.objects.filter(pk=job_id).first()
            if job is None or job.status in FINAL:
                return None
            _import(job)
            job.save(update_fields=["status", "error", "report", "rows_read", "finished_at"])
    except IntegrityError as exc:  # checks deferred to the commit
        log.exception("import job %s failed at commit", job_id)
        job = ImportJob.objects.get(pk=job_id)
        _fail(job, exc)
        job.save(update_fields=["status", "error", "report", "rows_read", "finished_at"])
    if not _awaits_confirmation(job):
        shutil.rmtree(Path(job.upload_path).parent, ignore_errors=True)
    return job


def _awaits_confirmation(job: ImportJob) -> bool:
    """A dry run that read its file keeps the upload, so staff can confirm it (``confirm``)."""
    return bool(job.params.get("dry_run")) and job.status in (
        JobStatus.SUCCEEDED,
        JobStatus.REJECTED,
    )


def confirmation_of(dry_run: ImportJob) -> ImportJob | None:
    """The job that imports a dry run's file for real, once staff confirmed it."""
    return ImportJob.objects.filter(**{f"params__{CONFIRMS}": str(dry_run.id)}).first()


def confirm(dry_run: ImportJob, user, *, partial: bool = False) -> ImportJob:
    """Queue the real import of a dry run's file, with the dry run's parameters (and
    ``partial`` to leave out the rows it refused); the kept upload moves to the new job.

    Raises Conflict when the job is not a dry run that read its file, was confirmed
    already, refused rows and ``partial`` is not asked for, or its file is gone.
    """
    with transaction.atomic():
        dry_run = ImportJob.objects.select_for_update().get(pk=dry_run.pk)
        _check_confirmable(dry_run, partial)
        params = ImportParams.from_dict(
            {**dry_run.params, "dry_run": False, "partial": partial or dry_run.params["partial"]}
        )
        source = Path(dry_run.upload_path)
        with source.open("rb") as handle:
            job = enqueue(params, File(handle, name=params.name), user)
        job.params = {**job.params, CONFIRMS: str(dry_run.id)}
        job.save(update_fields=["params"])
    shutil.rmtree(source.parent, ignore_errors=True)
    return job


def _check_confirmable(dry_run: ImportJob, partial: bool) -> None:
    if not dry_run.params.get("dry_run"):
        raise Conflict(_("This import was not a dry run: there is nothing to confirm."))
    if dry_run.status not in (JobStatus.SUCCEEDED, JobStatus.REJECTED):
        raise Conflict(
            _("Only a dry run that read its file can be confirmed (this one is {status}).").format(
                status=JobStatus(dry_run.status).label
            )
        )
    if confirmation_of(dry_run) is not None:
        raise Conflict(_("This dry run was confirmed already."))
    refused = (dry_run.report or {}).get("rejected_count", 0)
    if refused and not (partial or dry_run.params.get("partial")):
        raise Conflict(
            _("The dry run refused {count} rows: import without them, or fix the file.").format(
                count=refused
            ),
            parameter="partial",
        )
    if not Path(dry_run.upload_path).is_file():
        raise Conflict(_("The dry run's file is no longer kept."), hint=_("Upload the file again."))


def drop_unconfirmed_uploads(now=None) -> int:
    """Remove the uploads of dry runs left unconfirmed for ``KEEP_DRY_RUN_UPLOAD``; how many."""
    now = now or timezone.now()
    folder = upload_dir()
    if not folder.is_dir():
        return 0
    kept = {entry.name: entry for entry in folder.iterdir() if entry.is_dir()}
    stale = ImportJob.objects.filter(
        status__in=FINAL, finished_at__lt=now - KEEP_DRY_RUN_UPLOAD
    ).filter(pk__in=[name for name in kept if _is_uuid(name)])
    dropped = 0
    for job_id in stale.values_list("pk", flat=True):
        shutil.rmtree(kept[str(job_id)], ignore_errors=True)
        dropped += 1
    return dropped


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _import(job: ImportJob) -> None:
    """Run the importer core for ``job`` and set its final fields (not saved)."""
    params = ImportParams.from_dict(job.params)
    reporter = _ProgressWriter(job)
    try:
        # The report and errors speak the uploader's language, not the worker's.
        with translation.override(job.language or settings.LANGUAGE_CODE):
            report = run_import(params, reporter)
    except CommonMapError as exc:
        job.status, job.error = JobStatus.FAILED, exc.as_dict()
    except RETRYABLE:
        raise
    except Exception as exc:  # a bug must end the job, not the worker
        log.exception("import job %s failed", job.id)
        _fail(job, exc)
    else:
        job.report = report.as_dict()
        job.rows_read = report.rows_read
        ok = report.committed or (params.dry_run and not report.rejected_count)
        job.status = JobStatus.SUCCEEDED if ok else JobStatus.REJECTED
    finally:
        reporter.close()
    job.finished_at = timezone.now()


def _fail(job: ImportJob, exc: BaseException) -> None:
    job.status, job.report, job.finished_at = JobStatus.FAILED, None, timezone.now()
    job.error = {"detail": f"Internal error: {type(exc).__name__}", "code": "internal_error"}


def requeue(queue_job_ids: list[int]) -> int:
    """Show as queued again the unfinished import jobs of these queue jobs (the stalled-job
    recovery calls this just before it gives them back to the queue); how many."""
    return (
        ImportJob.objects.filter(queue_job_id__in=queue_job_ids)
        .exclude(status__in=FINAL)
        .update(status=JobStatus.QUEUED, rows_read=0, rows_total=-1)
    )


def end_lost_jobs(now=None) -> int:
    """End the import jobs whose queue job ended (failed after its retries, cancelled,
    aborted) or vanished without the import saying how it ended; how many."""
    now = now or timezone.now()
    open_jobs = ImportJob.objects.exclude(status__in=FINAL).filter(created_at__lt=now - _LOST_AFTER)
    alive = ProcrastinateJob.objects.exclude(status__in=_QUEUE_ENDED).values("id")
    lost = open_jobs.exclude(queue_job_id__in=alive)
    ended = 0
    for job in lost:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            error = {
                "detail": _("The import stopped in the task queue before it ended."),
                "code": "job_lost",
                "hint": _("Upload the file again."),
            }
        ended += (
            ImportJob.objects.filter(pk=job.pk)
            .exclude(status__in=FINAL)
            .update(status=JobStatus.FAILED, error=error, finished_at=now)
        )
        shutil.rmtree(Path(job.upload_path).parent, ignore_errors=True)
    return ended


class _ProgressWriter:
    """Writes rows read to the job at most once a second, outside the import's
    transaction."""

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
            "UPDATE importers_importjob SET rows_read = %s, rows_total = %s WHERE id = %s",
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
