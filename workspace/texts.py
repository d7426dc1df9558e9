"""Texts of the workspace's workflow actions: the button for each status an item may move
to (``feedback.workflow.TRANSITIONS`` decides which the person may take; the item API lists
them as ``allowed_next``)."""

from django.utils.translation import gettext as _

from feedback.models import Status


def action_labels() -> dict[str, str]:
    """The button's words for moving an item to each status, in the current language."""
    return {
        Status.RECEIVED: _("Undo the rejection"),
        Status.ACCEPTED: _("Accept"),
        Status.IN_PROGRESS: _("Work on it"),
        Status.AWAITING_INFO: _("Ask the resident for more"),
        Status.RESOLVED: _("Mark resolved"),
        Status.CLOSED: _("Close"),
        Status.REJECTED: _("Reject"),
        Status.MERGED: _("Merge into another item"),
    }
