"""The GIS staff's pages: upload a file, read the dry run's report, confirm, watch progress.

Thin pages: each renders the frame, the translated texts and the API addresses its script
(``workspace/static/workspace/imports.js``, ``import_job.js``) needs; uploads, jobs and
reports come from the importers' API (``/api/v1/imports/``) with the session. Who may import
is the API's own rule (``importers.views.CanImport``): anyone else gets a 403 page without
the form.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from importers.formats import accepted_extensions
from importers.limits import Limits, megabytes
from importers.models import JobStatus
from importers.params import MODES
from importers.views import CanImport
from layers.registry import reserved_slugs

NIL_JOB = "00000000-0000-0000-0000-000000000000"  # the script puts a job's id in its place


def _refused(request: HttpRequest) -> HttpResponse | None:
    """The 403 page for a signed-in person without the import permission, else None."""
    if CanImport().has_permission(request, None):
        return None
    return render(request, "workspace/imports_refused.html", {"nav": "imports"}, status=403)


def _mode_labels() -> dict[str, str]:
    return {
        "create": _("Create a new layer"),
        "replace": _("Replace an existing layer's features"),
        "append": _("Add to an existing layer"),
        "upsert": _("Update an existing layer by a key field"),
    }


def _texts() -> dict[str, str]:
    """What the scripts show, in the current language ({name} is filled in by the script)."""
    return {
        "uploading": _("Uploading {name}…"),
        "fileTooLarge": _("'{name}' is {size} MB; the limit is {limit} MB."),
        "noJobs": _("You have no imports yet."),
        "dryRun": _("Dry run"),
        "realImport": _("Import"),
        "pageOf": _("Page {page} of {pages}"),
        "rowsOf": _("{read} of {total} rows read ({percent}%)"),
        "rowsRead": _("{read} rows read"),
        "queued": _("Waiting for a worker of the task queue…"),
        "succeeded": _("Done."),
        "dryRunDone": _("The dry run is done: nothing was written. Read the report, then confirm."),
        "rejected": _("Rows were refused: nothing was written."),
        "failed": _("The import failed."),
        "committed": _("The layer was written."),
        "confirming": _("Queuing the import…"),
        "yes": _("yes"),
        "no": _("no"),
        "none": _("None."),
        "listedOf": _("Only the first {listed} of {count} are listed."),
        "crsFile": _("{crs} (from the file)"),
        "crsStated": _("{crs} (as stated in the upload)"),
        "crsAssumed": _("{crs} (assumed: the file states none)"),
        "written": _("Written"),
        "wouldWrite": _("Would be written"),
        "summary": _("{file} → layer {layer}: {mode}"),
        "dryRunSuffix": _("(dry run)"),
    }


@require_GET
@login_required
def imports_page(request: HttpRequest) -> HttpResponse:
    """Upload a file (the import's options as the API takes them) and list the person's
    import jobs."""
    refusal = _refused(request)
    if refusal:
        return refusal
    limits = Limits.from_settings()
    extensions = accepted_extensions()
    modes = _mode_labels()
    return render(
        request,
        "workspace/imports.html",
        {
            "nav": "imports",
            "imports_api": reverse("import-list"),
            "layers_api": reverse("layer-list"),
            "max_size": megabytes(limits.max_file_bytes),
            "max_bytes": limits.max_file_bytes,
            "accept": ",".join(extensions),
            "extensions": ", ".join(extensions),
            "modes": [(mode, modes[mode]) for mode in MODES],
            "reserved": ",".join(sorted(reserved_slugs())),
            "status_labels": {value: str(label) for value, label in JobStatus.choices},
            "texts": _texts(),
        },
    )


@require_GET
@login_required
def import_job_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """One import: its report, the confirm button for a dry run, its progress until done."""
    refusal = _refused(request)
    if refusal:
        return refusal
    return render(
        request,
        "workspace/import_job.html",
        {
            "nav": "imports",
            "job_id": str(job_id),
            "job_api": reverse("import-detail", args=[job_id]),
            "confirm_api": reverse("import-confirm", args=[job_id]),
            "job_page": reverse("workspace:import-job", args=[NIL_JOB]),
            "status_labels": {value: str(label) for value, label in JobStatus.choices},
            "mode_labels": _mode_labels(),
            "texts": _texts(),
        },
    )
