"""The residents' page: follow a report by its tracking code (/track/HCM-XXXX-XXXX/).

Server-rendered: the link a hotline operator reads out or an SMS carries must open on any
phone. It shows the public view only (the same as the API's ``track/``): no reporter, no
address text, no exact point. Once the item is resolved, a signed-in reporter rates the
resolution and confirms or disputes the fix through the feedback API (``track.js``); the
API decides who may, and the page shows its answer.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import NotFound
from feedback.intake import normalise_code
from feedback.models import Role, Status, Verdict
from feedback.queries import public_item
from feedback.shapes import is_public, item_json

TEMPLATE = "feedback/track.html"
RATEABLE = (Status.RESOLVED, Status.CLOSED)


def _done_message(done: str) -> str:
    """What the page says after the reporter's step (``?done=``) reloaded it."""
    messages = {
        "rating": _("Thank you: your rating is recorded."),
        Verdict.CONFIRMED: _("Thank you: you confirmed the fix."),
        Verdict.DISPUTED: _("Thank you: the report is open again with your reason."),
    }
    return messages.get(done, "")


def _not_a_code(request, code: str):
    """The form again, with a 400: a slash can be in no code, nor in the page's URL."""
    error = _("{code} is not a tracking code; a code looks like HCM-7K3M-X9QD.").format(
        code=repr(code)
    )
    context = {"item": None, "error": error, "nav": "track"}
    return render(request, TEMPLATE, context, status=400)


@require_GET
def track_form(request):
    """The form; a code typed or heard ("hcm 7k3m x9qd") goes to its canonical page."""
    code = request.GET.get("code", "").strip()
    if "/" in code:
        return _not_a_code(request, code)
    if code:
        return redirect(reverse("track-page", args=[normalise_code(code)]))
    return render(request, TEMPLATE, {"item": None, "nav": "track"})


@require_GET
def track_page(request, code: str):
    """One report's public page: where it stands, its timeline, its photos."""
    if "/" in code:  # /track/a%2Fb/ arrives as the path /track/a/b/
        return _not_a_code(request, code)
    canonical = normalise_code(code)
    if canonical != code:
        return redirect(reverse("track-page", args=[canonical]))
    try:
        item = public_item(canonical)
    except NotFound:
        error = _("No report has the code {code}.").format(code=code)
        return render(request, TEMPLATE, {"item": None, "error": error, "nav": "track"}, status=404)
    body = item_json(item, request, private=False, language=get_language())
    roles = dict(Role.choices)
    for event in body["timeline"]:
        event["to_label"] = Status(event["to"]).label
        event["role_label"] = roles.get(event["by_role"], "")
    context = {
        "item": body,
        "photos": body["photos"] if is_public(item) else [],
        "nav": "track",
        "can_rate": item.status in RATEABLE and item.rating is None,
        "can_verify": item.status == Status.RESOLVED,
        "done": _done_message(request.GET.get("done", "")),
        "ratings": range(1, 6),
    }
    return render(request, TEMPLATE, context)
