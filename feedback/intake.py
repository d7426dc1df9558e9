"""Intake: a report becomes an item, routed to the ward that holds its location.

The ward is never typed in: it is the current boundary generation's ward covering the point
(on a shared border the lower code, the lookup's rule), and a point outside every ward is
refused with the reason. Each item gets a tracking code a resident can read out on the
phone: Crockford's base 32 (no I, L, O, U), 40 random bits, in two groups.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Channel, FeedbackCategory, FeedbackEvent, FeedbackItem, Status
from feedback.workflow import Actor
from geoportal.errors import InvalidParameter
from layers.facilities import ward_for_point
from layers.names import normalise_name

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "HCM"
MAX_DESCRIPTION = 5000


class OutsideCity(InvalidParameter):
    """The location is outside every ward of the city."""

    code = "outside_city"


@dataclass
class Submission:
    """What a resident (or an operator for them) reports."""

    category: str
    description: str
    channel: str
    lon: float
    lat: float
    address_text: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""


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


def submit(submission: Submission, actor: Actor) -> FeedbackItem:
    """Create the item: category checked, ward found from the point, timeline started."""
    category = FeedbackCategory.objects.filter(code=submission.category, is_active=True).first()
    if category is None:
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
    if not all(math.isfinite(v) for v in (submission.lon, submission.lat)):
        raise InvalidParameter(_("The location needs finite numbers."), parameter="location")
    point = Point(submission.lon, submission.lat, srid=4326)
    ward = ward_for_point(point)
    if ward is None:
        raise OutsideCity(
            _(
                "The location ({lon:.6f}, {lat:.6f}) is outside every ward of the city; "
                "feedback can only be sent for places in the city."
            ).format(lon=submission.lon, lat=submission.lat),
            parameter="location",
        )
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                item = FeedbackItem.objects.create(
                    tracking_code=new_tracking_code(),
                    category=category,
                    description=description,
                    channel=submission.channel,
                    geom=point,
                    address_text=normalise_name(submission.address_text),
                    ward=ward,
                    reporter=actor.user if actor.role == "resident" else None,
                    reporter_name=normalise_name(submission.reporter_name),
                    reporter_phone=submission.reporter_phone.strip(),
                    reporter_email=submission.reporter_email.strip(),
                    deadline_at=now + timedelta(hours=category.deadline_hours),
                )
                FeedbackEvent.objects.create(
                    item=item,
                    actor=actor.user,
                    actor_role=actor.label,
                    from_status="",
                    to_status=Status.RECEIVED,
                )
                return item
        except IntegrityError:  # a tracking code already taken: draw again
            continue
    raise RuntimeError("no free tracking code after 5 draws")
