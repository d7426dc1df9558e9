"""A rating's body as plain values: the ward (a code, or a point), the overall score, the
aspects and the comment, each refusal an ``InvalidParameter`` naming the field. Which
aspect codes exist and which wards the period has are checked by ``ratings.services``."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from layers.params import parse_lon_lat
from ratings.models import COMMENT_MAX_LENGTH, SCORE_MAX, SCORE_MIN

WARD_CODE_MAX_LENGTH = 10


@dataclass(frozen=True)
class RatingInput:
    """What a resident sent: a ward code or a point, the scores and the comment."""

    overall: int
    ward_code: str | None = None
    point: tuple[float, float] | None = None
    aspects: dict[str, int] = field(default_factory=dict)
    comment: str = ""


def score(raw: object, name: str) -> int:
    """A whole number from 1 to 5 (a JSON number or its text), else a 400 naming ``name``."""
    value = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdecimal():
        value = int(raw.strip()) if len(raw.strip()) < 4 else None
    if value is None or not SCORE_MIN <= value <= SCORE_MAX:
        if raw is None or raw == "":
            message = _("Missing required parameter '{name}'.").format(name=name)
        else:
            message = _("'{name}' must be a whole number from 1 to 5, got {raw}.").format(
                name=name, raw=repr(raw)
            )
        raise InvalidParameter(message, parameter=name)
    return value


def _text(data: Mapping, name: str, max_length: int) -> str:
    raw = data.get(name)
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise InvalidParameter(_("'{name}' must be text.").format(name=name), parameter=name)
    value = raw.strip()
    if len(value) > max_length:
        raise InvalidParameter(
            _("'{name}' is {length} characters long; at most {max} are allowed.").format(
                name=name, length=len(value), max=max_length
            ),
            parameter=name,
        )
    return value


def _aspects(raw: object) -> dict[str, int]:
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict):
        raise InvalidParameter(
            _("'aspects' must be an object of aspect codes and scores from 1 to 5."),
            parameter="aspects",
        )
    return {str(code): score(value, f"aspects.{code}") for code, value in raw.items()}


def parse_rating(data: object) -> RatingInput:
    """The rating in a JSON request body, each field checked."""
    if not isinstance(data, dict):
        raise InvalidParameter(
            _("The request body must be a JSON object, not {kind}.").format(
                kind=type(data).__name__
            ),
            parameter="body",
        )
    ward_code = _text(data, "ward", WARD_CODE_MAX_LENGTH) or None
    has_point = data.get("lon") not in (None, "") or data.get("lat") not in (None, "")
    if ward_code and has_point:
        raise InvalidParameter(
            _("Give either 'ward' (a ward code) or 'lon' and 'lat', not both."),
            parameter="ward",
        )
    if not ward_code and not has_point:
        raise InvalidParameter(
            _("Missing required parameter 'ward': give a ward code, or 'lon' and 'lat'."),
            parameter="ward",
        )
    point = parse_lon_lat(data.get("lon"), data.get("lat")) if has_point else None
    return RatingInput(
        overall=score(data.get("overall"), "overall"),
        ward_code=ward_code,
        point=point,
        aspects=_aspects(data.get("aspects")),
        comment=_text(data, "comment", COMMENT_MAX_LENGTH),
    )
