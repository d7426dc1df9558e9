"""What residents and moderators do with ward ratings: rate (once per resident, ward and
period; sending again changes it and keeps the earlier version), approve or hide a comment.
Plain arguments in, model rows out; every refusal a domain error that names its cause."""

from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, InvalidParameter, NotAuthenticated, NotFound
from layers.models import AdministrativeArea, AreaLevel
from layers.wards import generations_valid_on, resolve_ward
from ratings.models import CommentStatus, RatingAspect, WardRating, WardRatingVersion
from ratings.params import RatingInput
from ratings.periods import Period, current_period

MODERATE_PERMISSION = "ratings.moderate_wardrating"


def period_ward(period: Period, code: str) -> AdministrativeArea | None:
    """The ward ``code`` of the boundary generation valid on the period's first day."""
    return (
        AdministrativeArea.objects.filter(
            generation__in=generations_valid_on(period.start), level=AreaLevel.WARD, code=code
        )
        .select_related("generation")
        .first()
    )


def _ward_for(data: RatingInput, period: Period) -> AdministrativeArea:
    """The rated ward: by its code, or the ward of the point (the one point-to-ward rule)."""
    if data.point is not None:
        ward = resolve_ward(Point(*data.point, srid=4326), on=period.start)
        if ward is None:
            raise InvalidParameter(
                _("The point {lon}, {lat} is in no ward of period {period}.").format(
                    lon=data.point[0], lat=data.point[1], period=period.label
                ),
                parameter="lon",
            )
        return ward
    ward = period_ward(period, data.ward_code or "")
    if ward is None:
        raise InvalidParameter(
            _("There is no ward {code} in the boundaries of period {period}.").format(
                code=repr(data.ward_code), period=period.label
            ),
            parameter="ward",
        )
    return ward


def _check_aspects(aspects: dict[str, int]) -> None:
    """Only active aspects may be scored."""
    active = set(RatingAspect.objects.filter(active=True).values_list("code", flat=True))
    for code in aspects:
        if code not in active:
            raise InvalidParameter(
                _("Unknown aspect {code}; the aspects are {codes}.").format(
                    code=repr(code), codes=", ".join(sorted(active))
                ),
                parameter=f"aspects.{code}",
            )


def _same(rating: WardRating, data: RatingInput) -> bool:
    return (
        rating.overall == data.overall
        and rating.aspects == data.aspects
        and rating.comment == data.comment
    )


def rate_ward(
    resident_key: str, data: RatingInput, now: datetime | None = None
) -> tuple[WardRating, bool]:
    """Record the resident's rating of a ward for the current period: (rating, created).

    The same rating again changes nothing; a different one replaces it, the earlier
    version kept in the history; a changed comment waits for moderation again."""
    period = current_period(now)
    ward = _ward_for(data, period)
    _check_aspects(data.aspects)
    key = {"resident_key": resident_key, "ward": ward, "period_start": period.start}
    values = {"overall": data.overall, "aspects": data.aspects, "comment": data.comment}
    with transaction.atomic():
        rating = WardRating.objects.select_for_update().filter(**key).first()
        if rating is None:
            try:
                with transaction.atomic():
                    return WardRating.objects.create(**key, **values), True
            except IntegrityError:  # the same resident's other request won the race
                rating = WardRating.objects.select_for_update().get(**key)
        if _same(rating, data):
            return rating, False
        WardRatingVersion.objects.create(
            rating=rating,
            overall=rating.overall,
            aspects=rating.aspects,
            comment=rating.comment,
            comment_status=rating.comment_status,
            rated_at=rating.updated_at,
        )
        if rating.comment != data.comment:
            rating.comment_status = CommentStatus.PENDING
        for name, value in values.items():
            setattr(rating, name, value)
        rating.save()
        return rating, False


def require_moderator(user) -> None:
    """401 without an account, 403 without the moderation permission."""
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(_("Sign in (HTTP Basic, a session or an API key) to do this."))
    if not user.has_perm(MODERATE_PERMISSION):
        raise Forbidden(_("Only moderators of ward ratings may approve or hide comments."))


def moderate_comment(user, rating_id: int, status: str) -> WardRating:
    """Approve or hide the comment of a rating (moderators only)."""
    require_moderator(user)
    rating = WardRating.objects.filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(_("No ward rating {id}.").format(id=rating_id))
    if not rating.comment:
        raise Conflict(_("Rating {id} has no comment to moderate.").format(id=rating_id))
    rating.comment_status = status
    rating.save(update_fields=["comment_status"])
    return rating


def set_comment_status(ratings, status: str) -> int:
    """Set the comment status of many ratings at once (the admin's actions); how many."""
    return ratings.exclude(comment="").update(comment_status=status)
