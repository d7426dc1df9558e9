"""Import jobs: an uploaded file waiting for, being read by, or done with a worker of the
task queue (``importers.jobs``)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where a job is; ``rejected`` means the file was read but rows failed (nothing written)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    REJECTED = "rejected", _("Rejected rows")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One upload and its import: parameters, progress, the report or the error."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField()
    upload_path = models.CharField(max_length=500, help_text=_("Removed when the job ends."))
    params = models.JSONField(default=dict)
    language = models.CharField(
        max_length=10, blank=True, help_text=_("The uploader's language, for the report.")
    )
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_read = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(default=-1, help_text=_("-1 while unknown."))
    report = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    queue_job_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The procrastinate job that runs the import.")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.params.get('layer')} ({self.status})"
