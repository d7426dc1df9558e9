"""Actions on personal data: the retention run, and residents' requests (export, correct,
delete) with their audit trail. Plain arguments in; the API, the command and the periodic
task are thin wrappers over these functions."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from feedback.models import OPEN_STATUSES, FeedbackItem, Role, StaffMembership
from feedback.workflow import actor_for
from layers.names import normalise_name
from privacy.erasure import erase_personal
from privacy.export import export_for
from privacy.models import DataRequest, DataRequestEvent, RequestKind, RequestStatus
from privacy.notice import answer_hours
from privacy.retention import items_due

# The reporter's fields a correction may change, and the item field each is stored in.
CORRECTABLE = {"name": "reporter_name", "phone": "reporter_phone", "email": "reporter_email"}


def apply_retention(now: datetime, batch: int = 500) -> list[str]:
    """Erase the personal data of every item past its retention at ``now``; their codes.
    Each batch commits on its own, so a long run holds few locks at a time."""
    erased: list[str] = []
    due = items_due(now)
    for start in range(0, len(due), batch):
        erased += erase_personal(due[start : start + batch], now)
    return erased


def handles_requests(user) -> bool:
    """Whether ``user`` answers residents' requests (administrators, city staff)."""
    return actor_for(user).role in (Role.ADMIN, Role.CITY_STAFF)


def reads_access_log(user) -> bool:
    """Whether ``user`` may read the log of contact-detail reads (auditors, administrators)."""
    if user.is_superuser:
        return True
    roles = (Role.AUDITOR, Role.ADMIN)
    return StaffMembership.objects.filter(user=user, role__in=roles).exists()


def _log(request: DataRequest, user, action: str, now: datetime, **detail) -> None:
    DataRequestEvent.objects.create(
        request=request,
        at=now,
        username=user.get_username() if user is not None else "",
        action=action,
        detail=detail,
    )


def _their_items(user, tracking_codes: list[str]) -> QuerySet:
    """The user's items, narrowed to the codes they named (each must be theirs)."""
    items = FeedbackItem.objects.filter(reporter=user)
    if not tracking_codes:
        return items
    named = items.filter(tracking_code__in=tracking_codes)
    found = set(named.values_list("tracking_code", flat=True))
    for code in tracking_codes:
        if code not in found:
            raise InvalidParameter(
                _("{code} is not one of your reports.").format(code=repr(code)),
                parameter="tracking_codes",
            )
    return items.filter(tracking_code__in=tracking_codes)


def _changes(changes: dict) -> dict:
    """A correction's new values, checked: at least one, each within its field's length."""
    if not changes:
        raise InvalidParameter(_("Say what to correct: name, phone or email."), parameter="changes")
    cleaned = {}
    for name, value in changes.items():
        if name not in CORRECTABLE:
            raise InvalidParameter(
                _("{name} cannot be corrected; use name, phone or email.").format(name=repr(name)),
                parameter="changes",
            )
        if not isinstance(value, str):
            raise InvalidParameter(
                _("'{name}' must be text.").format(name=name), parameter="changes"
            )
        limit = FeedbackItem._meta.get_field(CORRECTABLE[name]).max_length
        value = normalise_name(value) if name == "name" else value.strip()
        if len(value) > limit:
            raise InvalidParameter(
                _("'{name}' is over {limit} characters.").format(name=name, limit=limit),
                parameter="changes",
            )
        if name == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                raise InvalidParameter(
                    _("{email} is not an e-mail address.").format(email=repr(value)),
                    parameter="changes",
                ) from None
        cleaned[name] = value
    return cleaned


def submit_request(
    user,
    kind: str,
    *,
    tracking_codes: list[str] | None = None,
    changes: dict | None = None,
    now: datetime | None = None,
) -> tuple[DataRequest, dict | None]:
    """Record a resident's request and answer it: an export (the JSON, also returned), a
    correction of their items' contact details, or the erasure of their items' personal
    data. An erasure touching items still being handled waits for staff (``decide``)."""
    if kind not in RequestKind.values:
        raise InvalidParameter(
            _("Unknown request kind {kind}; use one of {kinds}.").format(
                kind=repr(kind), kinds=", ".join(RequestKind.values)
            ),
            parameter="kind",
        )
    now = now or timezone.now()
    codes = list(dict.fromkeys(tracking_codes or []))
    if changes and kind != RequestKind.CORRECT:
        raise InvalidParameter(
            _("'changes' are for a correction (kind correct) only."), parameter="changes"
        )
    cleaned = _changes(changes or {}) if kind == RequestKind.CORRECT else {}
    with transaction.atomic():
        items = _their_items(user, codes)
        targets = list(items.values_list("tracking_code", flat=True))
        request = DataRequest.objects.create(
            kind=kind,
            requester=user,
            identification={
                "account": user.get_username(),
                "tracking_codes": codes,
                "items": targets,
            },
            changes=cleaned,
            received_at=now,
            due_at=now + timedelta(hours=answer_hours()[kind]),
        )
        _log(request, user, "received", now, items=targets)
        answer = None
        if kind == RequestKind.EXPORT:
            answer = export_for(user, items)
            _close(request, None, now, "exported", items=targets)
        elif kind == RequestKind.CORRECT:
            fields = {CORRECTABLE[name]: value for name, value in cleaned.items()}
            items.filter(personal_erased_at__isnull=True).update(**fields, updated_at=now)
            _close(request, None, now, "corrected", items=targets, fields=sorted(fields))
        elif items.filter(status__in=OPEN_STATUSES).exists():
            request.note = _("Some of these reports are still being handled; staff will decide.")
            request.save(update_fields=["note"])
            _log(
                request,
                None,
                "held",
                now,
                open_items=list(
                    items.filter(status__in=OPEN_STATUSES).values_list("tracking_code", flat=True)
                ),
            )
        else:
            erased = erase_personal(list(items.values_list("pk", flat=True)), now)
            _close(request, None, now, "erased", items=erased)
    return request, answer


def _close(request: DataRequest, user, now: datetime, action: str, **detail) -> None:
    request.status = RequestStatus.REFUSED if action == "refused" else RequestStatus.DONE
    request.answered_at = now
    request.handled_by = user
    request.save(update_fields=["status", "answered_at", "handled_by", "note"])
    _log(request, user, action, now, **detail)


def decide(user, request_id: int, status: str, note: str = "", now: datetime | None = None):
    """Staff answer a request still waiting: ``done`` erases (for a deletion), ``refused``
    needs the reason in ``note``. Only administrators and city staff may."""
    if not handles_requests(user):
        raise Forbidden(_("Only administrators and city staff answer data requests."))
    now = now or timezone.now()
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise InvalidParameter(
            _("Answer with done or refused, not {status}.").format(status=repr(status)),
            parameter="status",
        )
    if status == RequestStatus.REFUSED and not note.strip():
        raise InvalidParameter(_("Say why the request is refused."), parameter="note")
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound(_("No data request {id}.").format(id=request_id))
        if request.status != RequestStatus.RECEIVED:
            raise Conflict(
                _("Request {id} was already answered ({status}).").format(
                    id=request_id, status=request.status
                )
            )
        request.note = note.strip() or request.note
        if status == RequestStatus.REFUSED:
            _close(request, user, now, "refused")
            return request
        codes = request.identification.get("items", [])
        targets = FeedbackItem.objects.filter(tracking_code__in=codes)
        ids = list(targets.values_list("pk", flat=True))
        erased = erase_personal(ids, now) if request.kind == RequestKind.DELETE else []
        _close(request, user, now, "erased" if erased else "answered", items=erased)
    return request


def requests_for(
    user, *, overdue: bool | None = None, status: str | None = None, now: datetime | None = None
) -> QuerySet:
    """The requests ``user`` may see (staff: all; a resident: their own), narrowed to the
    overdue ones (still waiting past their due time) or a status, oldest due first."""
    rows = (
        DataRequest.objects.all()
        if handles_requests(user)
        else DataRequest.objects.filter(requester=user)
    )
    if status:
        rows = rows.filter(status=status)
    if overdue is not None:
        late = rows.filter(status=RequestStatus.RECEIVED, due_at__lt=now or timezone.now())
        rows = late if overdue else rows.exclude(pk__in=late.values("pk"))
    return rows.order_by("due_at", "pk")
