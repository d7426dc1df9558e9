"""The upload API for GIS staff: /api/v1/imports/ (upload → job → report).

Only users with the ``importers.add_importjob`` permission may upload, and each sees
their own jobs (``importers.view_importjob`` sees everyone's). The file's size and format
are checked while the request is still open, so an obvious mistake is a 400/413 at once;
the rest (archive limits, CRS, every row) is the job's report.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidParameter, NotFound
from core.pagination import PageNumberPagination
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.schema import errors
from importers import formats
from importers.errors import FileTooLarge
from importers.jobs import confirm, confirmation_of, enqueue
from importers.limits import Limits, megabytes
from importers.models import ImportJob, JobStatus
from importers.params import AREAS, MODES, ImportParams


class CanImport(permissions.BasePermission):
    """GIS staff: signed in, with the permission to add import jobs."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("importers.add_importjob"))


class UploadSerializer(serializers.Serializer):
    """The multipart form of an upload (the file plus the import's parameters)."""

    file = serializers.FileField()
    layer = serializers.CharField(max_length=80)
    mode = serializers.ChoiceField(MODES, default="create")
    srs = serializers.CharField(required=False, allow_blank=True)
    encoding = serializers.CharField(required=False, allow_blank=True)
    key = serializers.CharField(required=False, allow_blank=True)
    source_layer = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    name_field = serializers.CharField(required=False, allow_blank=True)
    time_field = serializers.CharField(required=False, allow_blank=True)
    x_field = serializers.CharField(required=False, allow_blank=True)
    y_field = serializers.CharField(required=False, allow_blank=True)
    wkt_field = serializers.CharField(required=False, allow_blank=True)
    private_fields = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated staff-only fields."
    )
    swap_xy = serializers.BooleanField(default=False)
    partial = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)
    generation = serializers.CharField(required=False, allow_blank=True)
    code_field = serializers.CharField(required=False, default="code")


class ImportJobSchema(serializers.Serializer):
    """An import job as the API shows it (documentation only: ``job_json`` builds it)."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    status = serializers.ChoiceField(JobStatus.choices)
    file = serializers.CharField()
    file_size = serializers.IntegerField()
    layer = serializers.CharField()
    mode = serializers.CharField()
    dry_run = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.DictField(help_text="rows_read, rows_total (-1: unknown), percent")
    report = serializers.DictField(allow_null=True, help_text="The import report when done.")
    error = serializers.DictField(allow_null=True, help_text="{detail, code, parameter, hint}")
    links = serializers.DictField(help_text="The layer's GeoJSON, OGC and TileJSON URLs.")
    confirmed_by = serializers.URLField(
        allow_null=True, required=False, help_text="A dry run's confirmation (one job only)."
    )


JOB_SCHEMA = ImportJobSchema
NOT_STAFF = "Only GIS staff (the importers.add_importjob permission) may import."


def job_json(job: ImportJob, request) -> dict:
    """A job as the API shows it: status, progress, report or error, and the layer's links."""
    layer = job.params.get("layer", "")
    percent = None
    if job.rows_total and job.rows_total > 0:
        percent = round(100 * min(job.rows_read, job.rows_total) / job.rows_total, 1)
    if job.status in (JobStatus.SUCCEEDED, JobStatus.REJECTED, JobStatus.FAILED):
        percent = 100.0 if job.status == JobStatus.SUCCEEDED else percent
    links = {}
    committed = bool(job.report and job.report.get("committed"))
    if committed and layer != AREAS:
        links = {
            "geojson": request.build_absolute_uri(f"/api/v1/layers/{layer}/features/"),
            "ogc": request.build_absolute_uri(f"/ogc/collections/{layer}/items"),
            "tilejson": request.build_absolute_uri(f"/tiles/{layer}.json"),
        }
    return {
        "id": str(job.id),
        "url": request.build_absolute_uri(reverse("import-detail", args=[job.id])),
        "status": job.status,
        "file": job.file_name,
        "file_size": job.file_size,
        "layer": layer,
        "mode": job.params.get("mode"),
        "dry_run": job.params.get("dry_run", False),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "progress": {"rows_read": job.rows_read, "rows_total": job.rows_total, "percent": percent},
        "report": job.report,
        "error": job.error,
        "links": links,
    }


def _visible_jobs(user):
    jobs = ImportJob.objects.all()
    return jobs if user.has_perm("importers.view_importjob") else jobs.filter(created_by=user)


class ImportList(APIView):
    """Upload a file to import (202 with the job), or list your import jobs."""

    permission_classes = [CanImport]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        responses={200: ImportJobSchema(many=True), **errors(403, e403=NOT_STAFF)},
        summary="Your import jobs, newest first",
        operation_id="imports_list",
    )
    def get(self, request):
        paginator = self.pagination_class()
        jobs = paginator.paginate_queryset(_visible_jobs(request.user), request, view=self)
        return paginator.get_paginated_response([job_json(job, request) for job in jobs])

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            202: JOB_SCHEMA,
            **errors(
                400,
                403,
                413,
                e400="Bad parameters or a file refused at once.",
                e403=NOT_STAFF,
                e413="The file is over the size limit.",
            ),
        },
        summary="Upload a file and queue its import",
    )
    def post(self, request):
        limits = Limits.from_settings()
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > limits.max_file_bytes + (1 << 20):
            raise FileTooLarge(
                _("The upload is {size} MB; the limit is {limit} MB.").format(
                    size=megabytes(declared), limit=megabytes(limits.max_file_bytes)
                ),
                parameter="file",
                hint=_("Split the data into several smaller files."),
            )
        form = UploadSerializer(data=request.data)
        if not form.is_valid():
            parameter, messages = next(iter(form.errors.items()))
            raise InvalidParameter(f"{parameter}: {messages[0]}", parameter=parameter)
        data = {k: v for k, v in form.validated_data.items() if v not in ("", None)}
        upload = data.pop("file")
        private = data.pop("private_fields", "")
        name = Path(upload.name).name
        params = ImportParams(
            path=Path(tempfile.gettempdir()),  # replaced by the stored upload
            name=name,
            private_fields=tuple(f.strip() for f in private.split(",") if f.strip()),
            **data,
        )
        params.validate()
        _vet_upload(upload, name, limits)
        job = enqueue(params, upload, request.user)
        body = job_json(job, request)
        return Response(body, status=202, headers={"Location": body["url"]})


def _vet_upload(upload, name: str, limits: "Limits") -> None:
    """Size and format (by content against the extension) before the job is queued."""
    if upload.size > limits.max_file_bytes:
        raise FileTooLarge(
            _("'{name}' is {size} MB; the limit is {limit} MB.").format(
                name=name,
                size=megabytes(upload.size),
                limit=megabytes(limits.max_file_bytes),
            ),
            parameter="file",
            hint=_("Split the data into several smaller files."),
        )
    path = getattr(upload, "temporary_file_path", None)
    if path:
        formats.check_format(Path(path()), name)
        return
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".head") as head:
        for chunk in upload.chunks():
            head.write(chunk)
        head.flush()
        formats.check_format(Path(head.name), name)


class ImportDetail(APIView):
    """One import job: status, progress, and the report when it is done."""

    permission_classes = [CanImport]

    @extend_schema(
        responses={200: JOB_SCHEMA, **errors(403, 404, e403=NOT_STAFF)},
        summary="An import job",
        operation_id="imports_retrieve",
    )
    def get(self, request, job_id):
        job = _visible_job(request.user, job_id)
        body = job_json(job, request)
        confirmation = confirmation_of(job) if body["dry_run"] else None
        body["confirmed_by"] = (
            request.build_absolute_uri(reverse("import-detail", args=[confirmation.id]))
            if confirmation
            else None
        )
        return Response(body)


def _visible_job(user, job_id) -> ImportJob:
    job = _visible_jobs(user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No import job {id}.").format(id=job_id))
    return job


class ConfirmSerializer(serializers.Serializer):
    """Confirming a dry run: ``partial`` imports the rows it did not refuse."""

    partial = serializers.BooleanField(default=False)


class ImportConfirm(APIView):
    """Import a dry run's file for real, with its parameters: a new job (202)."""

    permission_classes = [CanImport]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        request=ConfirmSerializer,
        responses={
            202: JOB_SCHEMA,
            **errors(
                400,
                403,
                404,
                409,
                e400="partial is not a boolean.",
                e403=NOT_STAFF,
                e409="Not a dry run that read its file, confirmed already, rows refused "
                "without partial, or its file no longer kept.",
            ),
        },
        summary="Confirm a dry run: queue the real import of its file",
    )
    def post(self, request, job_id):
        dry_run = _visible_job(request.user, job_id)
        form = ConfirmSerializer(data=request.data)
        if not form.is_valid():
            parameter, messages = next(iter(form.errors.items()))
            raise InvalidParameter(f"{parameter}: {messages[0]}", parameter=parameter)
        job = confirm(dry_run, request.user, partial=form.validated_data["partial"])
        body = job_json(job, request)
        return Response(body, status=202, headers={"Location": body["url"]})
