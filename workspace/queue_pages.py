"""The ward staff's and operators' pages: the queue, an item, hotline intake.

Thin pages: each renders the frame, the translated texts and the API addresses its script
needs; the data itself comes from the feedback API with the session (which scopes it to
the person's wards and role, and logs reads of contact details). A signed-in person with
no staff role is told so and given no data.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from feedback import queries
from feedback.intake import normalise_code
from feedback.models import Channel, Role, Status
from feedback.workflow import actor_for
from workspace import texts

# The queue's filters, as the page's URL and the feedback list API both name them.
FILTERS = ("status", "category", "overdue", "created_after", "created_before", "sort", "page")


def _no_role(request: HttpRequest) -> HttpResponse | None:
    """The "no staff role" page when the signed-in person has none, else None."""
    role = actor_for(request.user).role
    if role in (Role.RESIDENT, Role.AUDITOR):
        return render(request, "workspace/no_role.html", {"nav": "queue"}, status=403)
    return None


def _categories() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [
        {"code": c.code, "name": c.name_en if english else c.name_vi}
        for c in queries.active_categories()
    ]


def _common() -> dict:
    """What every workspace page's script reads: API addresses and the status names."""
    return {
        "nav": "queue",
        "statuses": [{"value": value, "label": label} for value, label in Status.choices],
        "labels": {
            "status": {value: str(label) for value, label in Status.choices},
            "role": {value: str(label) for value, label in Role.choices},
            "channel": {value: str(label) for value, label in Channel.choices},
        },
        "items_api": reverse("feedback-items"),
        "style_url": reverse("tiles-style"),
    }


@require_GET
@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """The queue of the signed-in person's wards: a list and a map, filters in the URL."""
    refusal = _no_role(request)
    if refusal:
        return refusal
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    context = {
        **_common(),
        "categories": _categories(),
        "chosen": chosen,
        "item_page": reverse("workspace:item", args=["CODE"]),
    }
    return render(request, "workspace/queue.html", context)


@require_GET
@login_required
def item_page(request: HttpRequest, code: str) -> HttpResponse:
    """One item: its timeline, photos, duplicates nearby and the workflow actions."""
    refusal = _no_role(request)
    if refusal:
        return refusal
    code = normalise_code(code)
    context = {
        **_common(),
        "code": code,
        "item_api": reverse("feedback-item", args=[code]),
        "transitions_api": reverse("feedback-transitions", args=[code]),
        "duplicates_api": reverse("feedback-duplicates"),
        "item_page": reverse("workspace:item", args=["CODE"]),
        "actions": texts.action_labels(),
    }
    return render(request, "workspace/item.html", context)


@require_GET
@login_required
def intake_page(request: HttpRequest) -> HttpResponse:
    """Hotline intake by address: candidates from the places API, the operator chooses."""
    refusal = _no_role(request)
    if refusal:
        return refusal
    context = {
        **_common(),
        "categories": _categories(),
        "places_api": reverse("feedback-places"),
        "item_page": reverse("workspace:item", args=["CODE"]),
    }
    return render(request, "workspace/intake.html", context)
