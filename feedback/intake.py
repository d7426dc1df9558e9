"""Intake: a report becomes an item, routed to the ward that holds its location.

The ward is never typed in: it is the one point-to-ward rule's (``layers``'
``resolve_ward.sql``: the ward covering the point in the generation valid today, on a
shared border the lower code), and a point outside every ward is refused with the
reason. Each item gets a tracking code a resident can read out on the phone: Crockford's
base 32 (no I, L, O, U), 40 random bits, in two groups.

A report is checked here (``prepare``: no query; the category comes from the process's
catalogue, ``feedback.catalogue``, the deadline from the working calendar it holds,
``workdays.calendar.held``) and written by ``feedback.record`` in one statement that also
checks both are still current, finds the ward, the item it repeats and the duplicates the
answer offers.
"""

import hashlib
import json
import math
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, Unprocessable
from feedback import catalogue, places, record
from feedback.consent import consent_of
from feedback.deadlines import first_deadline
from feedback.models import Channel, FeedbackItem, IdempotencyRecord
from feedback.record import Report, Written
from feedback.workflow import Actor
from layers.names import normalise_name
from workdays import calendar

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "HCM"
MAX_DESCRIPTION = 5000


class OutsideCity(InvalidParameter):
    """The location is outside every ward of the city."""

    code = "outside_city"


class AmbiguousAddress(InvalidParameter):
    """The address names several places; the candidates go back to the operator."""

    code = "ambiguous_address"


class AddressNotFound(InvalidParameter):
    """No ward or facility matches the address."""

    code = "address_not_found"


@dataclass
class Submission:
    """What a resident (or an operator for them) reports: a point, or an address to resolve."""

    category: str
    description: str
    channel: str
    lon: float | None = None
    lat: float | None = None
    address_text: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    photos: tuple = field(default=())  # feedback.photos.CleanPhoto, already vetted
    api_key: object | None = None  # the service account that sent it
    # What the reporter agreed to (Decree 13/2023); empty: the privacy notice's defaults.
    consent_purpose: str = ""
    consent_notice_version: str = ""

    def fingerprint(self) -> str:
        """A hash of what was reported: the same key must come with the same report."""
        content = asdict(self)
        content.pop("api_key")
        content["photos"] = [photo.sha256 for photo in self.photos]
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


# What the REST API calls the Submission's text fields stored with a database length.
_STORED_AS = {
    "address_text": "address",
    "reporter_name": "reporter_name",
    "reporter_phone": "reporter_phone",
    "reporter_email": "reporter_email",
}


def max_length(field: str) -> int:
    """The most characters the database holds in a FeedbackItem field (its max_length)."""
    return FeedbackItem._meta.get_field(field).max_length


def _check_lengths(submission: Submission) -> None:
    """Each text field within its column's length: a 400 naming it, not a database error."""
    for stored, parameter in _STORED_AS.items():
        limit = max_length(stored)
        if len(getattr(submission, stored).strip()) > limit:
            raise InvalidParameter(
                _("'{name}' is over {limit} characters.").format(name=parameter, limit=limit),
                parameter=parameter,
            )


def new_tracking_code() -> str:
    """ "HCM-7K3M-X9QD": 8 random Crockford characters (40 bits), easy to read out."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def normalise_code(text: str) -> str:
    """A tracking code as typed or heard: case, spaces, dashes and look-alikes forgiven."""
    raw = text.upper().replace(" ", "").replace("-", "")
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))
    if raw.startswith(PREFIX):
        raw = raw[len(PREFIX) :]
    return f"{PREFIX}-{raw[:4]}-{raw[4:]}" if len(raw) == 8 else text.strip()


def prepare(submission: Submission, *, reload: bool = False) -> Report:
    """The report checked, ready to write: category (from this process's catalogue),
    channel, texts, consent, the point (given, or resolved from the address) and the
    deadline (on this process's calendar); the catalogue and the calendar are read again
    when ``reload``. Every refusal is a 400 naming the parameter."""
    known = catalogue.entry(submission.category, reload=reload)
    if known is None:
        raise InvalidParameter(
            _("Unknown feedback category {code}.").format(code=repr(submission.category)),
            parameter="category",
        )
    if submission.channel not in Channel.values:
        raise InvalidParameter(
            _("Unknown channel {channel}; use one of {channels}.").format(
                channel=repr(submission.channel), channels=", ".join(Channel.values)
            ),
            parameter="channel",
        )
    description = normalise_name(submission.description)
    if not description:
        raise InvalidParameter(_("Say what the problem is."), parameter="description")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidParameter(
            _("The description is over {limit} characters.").format(limit=MAX_DESCRIPTION),
            parameter="description",
        )
    _check_lengths(submission)
    _check_email(submission.reporter_email.strip())
    purpose, version = consent_of(submission.consent_purpose, submission.consent_notice_version)
    lon, lat = _location(submission)
    working, calendar_state = calendar.held(reload=reload)
    now = timezone.now()
    return Report(
        category=known.category,
        version=known.version,
        lon=lon,
        lat=lat,
        description=description,
        channel=submission.channel,
        address_text=normalise_name(submission.address_text),
        reporter_name=normalise_name(submission.reporter_name),
        reporter_phone=submission.reporter_phone.strip(),
        reporter_email=submission.reporter_email.strip(),
        api_key=submission.api_key,
        consent_purpose=purpose,
        consent_notice_version=version,
        deadline_at=first_deadline(known.category, now, on=working),
        calendar_state=calendar_state,
        now=now,
        photos=tuple(submission.photos),
    )


def submit(submission: Submission, actor: Actor) -> FeedbackItem:
    """Create the item: category checked, the point (given, or resolved from the address),
    the ward found from the point, photos stored, timeline started."""
    return file(submission, actor).item


def file(
    submission: Submission,
    actor: Actor,
    *,
    scope: str = "",
    key: str | None = None,
    fingerprint: str | None = None,
) -> Written:
    """Check and write the report (``record.write``: one statement), with its idempotency
    record when ``key``; OutsideCity (400) when its point is in no ward. A tracking code
    already taken is drawn again; a category or a calendar changed elsewhere is read again
    (and the report checked again). KeyTaken when another request took ``key`` meanwhile."""
    report = prepare(submission)
    for _attempt in range(5):
        try:
            return record.write(
                report, actor, new_tracking_code(), scope=scope, key=key, fingerprint=fingerprint
            )
        except record.Stale:
            report = prepare(submission, reload=True)
        except record.OutsideEveryWard:
            raise OutsideCity(
                _(
                    "The location ({lon:.6f}, {lat:.6f}) is outside every ward of the city; "
                    "feedback can only be sent for places in the city."
                ).format(lon=report.lon, lat=report.lat),
                parameter="location",
            ) from None
        except IntegrityError:  # a tracking code already taken: draw again
            continue
    raise RuntimeError("no free tracking code after 5 draws")


def _check_email(email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidParameter(
            _("{email} is not an e-mail address.").format(email=repr(email)),
            parameter="reporter_email",
        ) from None


def _location(submission: Submission) -> tuple[float, float]:
    """The point given, or the one place the address names (AmbiguousAddress with the
    candidates when it names several, AddressNotFound when none)."""
    given = (submission.lon, submission.lat)
    if given != (None, None):
        if None in given or not all(isinstance(v, int | float) and math.isfinite(v) for v in given):
            raise InvalidParameter(
                _("The location needs both lon and lat, as finite numbers."),
                parameter="location",
            )
        return float(submission.lon), float(submission.lat)
    if not submission.address_text.strip():
        raise InvalidParameter(
            _("Give the location (lon and lat) or an address to find it."), parameter="location"
        )
    found = places.resolve(submission.address_text)
    if found.status == "ambiguous":
        raise AmbiguousAddress(
            _("'{address}' matches more than one place; choose one and send its location.").format(
                address=submission.address_text.strip()
            ),
            parameter="address",
            extra={"candidates": [place.as_dict() for place in found.candidates]},
        )
    if found.place is None:
        raise AddressNotFound(
            _("No ward or public place in the city matches '{address}'.").format(
                address=submission.address_text.strip()
            ),
            parameter="address",
            hint=_("Name the ward (old names work too) or a nearby landmark, or pick the point."),
        )
    return found.place.lon, found.place.lat


def request_fingerprint(fields, files: Iterable) -> str:
    """A hash of a request as sent: its fields (parsed JSON, or form fields) and the bytes
    of its files, read in chunks and never decoded. A retry sends the same; the REST API
    compares it before it counts a request or decodes a photo."""
    digest = hashlib.sha256()
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for upload in files:
        digest.update(b"\0file\0")
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)  # read again when the photo is cleaned
    return digest.hexdigest()


def key_record(scope: str, key: str) -> IdempotencyRecord | None:
    """The record of ``key`` in ``scope`` with its item, if the key was taken (one query)."""
    return (
        IdempotencyRecord.objects.select_related("item", "item__category")
        .filter(scope=scope, key=key)
        .first()
    )


def file_once(
    submission: Submission,
    actor: Actor,
    *,
    scope: str,
    key: str | None,
    fingerprint: str | None = None,
    known: IdempotencyRecord | None = None,
    looked_up: bool = False,
) -> tuple[FeedbackItem, Written | None]:
    """``submit_once``, with what was written (None for a replay); ``looked_up``: the
    caller already read the key's record (``known``, None for a new key)."""
    if not key:
        written = file(submission, actor)
        return written.item, written
    check_key(key)
    fingerprint = fingerprint or submission.fingerprint()
    replayed = replayed_item(known, fingerprint) if looked_up else replay(scope, key, fingerprint)
    if replayed is not None:
        return replayed, None
    try:
        written = file(submission, actor, scope=scope, key=key, fingerprint=fingerprint)
    except record.KeyTaken:  # a race: the other request committed its item; it is ours
        return replay(scope, key, fingerprint), None
    return written.item, written


def submit_once(
    submission: Submission,
    actor: Actor,
    *,
    scope: str,
    key: str | None,
    fingerprint: str | None = None,
) -> tuple[FeedbackItem, bool]:
    """Submit, once per ``Idempotency-Key``: (item, created). The same key from the same
    caller returns the item it created, even when two tries race (the unique key makes the
    second wait for the first, then find its item); the same key with a different report
    is refused (422). ``fingerprint`` (default: the submission's) is what "the same" means;
    the REST API gives the request's own (``request_fingerprint``)."""
    item, written = file_once(submission, actor, scope=scope, key=key, fingerprint=fingerprint)
    return item, written is not None


def check_key(key: str) -> None:
    """An ``Idempotency-Key`` is 1 to 200 printable ASCII characters (a UUID is typical)."""
    if not 0 < len(key) <= 200 or not all(32 < ord(ch) < 127 for ch in key):
        raise InvalidParameter(
            _("An Idempotency-Key is 1 to 200 printable ASCII characters, such as a UUID."),
            parameter="Idempotency-Key",
        )


def replay(scope: str, key: str, fingerprint: str) -> FeedbackItem | None:
    """The item a key was taken for (None: a new key); Unprocessable (422) when the key
    was taken for a different report."""
    return replayed_item(key_record(scope, key), fingerprint)


def replayed_item(found: IdempotencyRecord | None, fingerprint: str) -> FeedbackItem | None:
    """The item of a key's record ``found`` (None: a new key); Unprocessable (422) when
    the key was taken for a different report."""
    if found is None:
        return None
    if found.fingerprint != fingerprint:
        raise Unprocessable(
            _(
                "This Idempotency-Key was already used for a different report; "
                "use a new key for a new report."
            ),
            parameter="Idempotency-Key",
        )
    return found.item
