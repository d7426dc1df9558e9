"""Reading ward ratings: satisfaction per ward and period (the aggregate in
``ratings/sql/ward_scores.sql``), the ratings of resolved feedback beside it, and the
approved comments. Public answers: no resident's key, no rating's id."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import NotFound
from core.sql_files import load_sql
from layers.wards import generations_valid_on, resolve_wards
from ratings.models import CommentStatus, RatingAspect, WardRating
from ratings.periods import Period
from ratings.services import period_ward
from ratings.statistics import mean_interval

DEFAULT_MIN_SAMPLE = 30
SCORES = (1, 2, 3, 4, 5)


def min_sample() -> int:
    """The fewest ratings a ward needs to be scored and ranked (``RATING_MIN_SAMPLE``)."""
    return int(settings.COMMONMAP.get("RATING_MIN_SAMPLE", DEFAULT_MIN_SAMPLE))


def ward_scores_sql(period_start, sample: int) -> sql.Composed:
    """The per-ward aggregate of a period, its values as literals (also the layer's FROM)."""
    return sql.SQL(load_sql("ratings", "ward_scores")).format(
        period_start=sql.Literal(period_start), min_sample=sql.Literal(sample)
    )


def _rows(statement, params=None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _instant(day) -> datetime:
    """The first moment of ``day`` in the city's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _aspects_by_ward(period: Period) -> dict[int, dict]:
    found: dict[int, dict] = defaultdict(dict)
    for row in _rows(load_sql("ratings", "ward_aspects"), {"period_start": period.start}):
        found[row["ward_id"]][row["aspect"]] = {"count": row["n"], "mean": _round(row["mean"])}
    return found


def _feedback_resolution(period: Period, generation_id: int) -> dict[int, list[int]]:
    """ward id → [count, total] of residents' ratings of feedback resolved in the period."""
    rows = _rows(
        load_sql("ratings", "feedback_resolution"),
        {
            "start": _instant(period.start),
            "end": _instant(period.end + timedelta(days=1)),
            "generation": generation_id,
        },
    )
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    elsewhere = [row for row in rows if row["ward_id"] is None]
    for row in rows:
        if row["ward_id"] is not None:
            sums[row["ward_id"]][0] += row["n"]
            sums[row["ward_id"]][1] += row["total"]
    # Items routed before the period's boundaries: the ward their point is in now.
    points = [Point(row["lon"], row["lat"], srid=4326) for row in elsewhere]
    for row, ward in zip(elsewhere, resolve_wards(points, on=period.start), strict=True):
        if ward is not None:
            sums[ward.id][0] += 1
            sums[ward.id][1] += row["total"]
    return sums


def ward_satisfaction(period: Period) -> dict:
    """Satisfaction of every ward of the period's generation: count, mean, distribution,
    95 % interval of the mean, the shrunk score and the rank (enough ratings only), the
    aspects' means, and beside them the ratings of feedback resolved there."""
    sample = min_sample()
    generation = generations_valid_on(period.start).first()
    answer = {
        "period": period.as_dict(),
        "generation": generation.slug if generation else None,
        "min_sample": sample,
        "city": {"count": 0, "mean": None},
        "wards": [],
    }
    if generation is None:
        return answer
    rows = _rows(ward_scores_sql(period.start, sample))
    aspects = _aspects_by_ward(period)
    resolution = _feedback_resolution(period, generation.id)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    for row in rows:
        interval = mean_interval(row["n"], row["mean"], row["sd"])
        count, total = resolution.get(row["ward_id"], (0, 0))
        answer["wards"].append(
            {
                "code": row["code"],
                "name": row["name"],
                "count": row["n"],
                "mean": _round(row["mean"]),
                "distribution": {str(s): row[f"d{s}"] for s in SCORES},
                "ci95": (
                    {"low": _round(interval[0]), "high": _round(interval[1])} if interval else None
                ),
                "enough": row["enough"],
                "score": _round(row["score"]),
                "rank": row["rank"],
                "aspects": aspects.get(row["ward_id"], {}),
                "feedback_resolution": {
                    "count": count,
                    "mean": _round(total / count) if count else None,
                },
            }
        )
    answer["city"] = {
        "count": sum(r["n"] for r in rows),
        "mean": _round(rows[0]["city_mean"]) if rows else None,
    }
    return answer


def approved_comments(code: str, period: Period) -> QuerySet[WardRating]:
    """The approved comments on ward ``code`` in the period, newest first (404: no ward)."""
    ward = period_ward(period, code)
    if ward is None:
        raise NotFound(
            _("There is no ward {code} in the boundaries of period {period}.").format(
                code=repr(code), period=period.label
            )
        )
    return (
        WardRating.objects.filter(
            ward=ward, period_start=period.start, comment_status=CommentStatus.APPROVED
        )
        .exclude(comment="")
        .order_by("-updated_at", "-id")
        .only("comment", "updated_at")
    )


def comment_json(rating: WardRating) -> dict:
    """A public comment: its text and the day it was sent, nothing that names who."""
    return {"comment": rating.comment, "date": timezone.localdate(rating.updated_at)}


def active_aspects(language: str | None = None) -> list[dict]:
    """The aspects residents may score now, in their order, named in ``language``."""
    english = (language or "").startswith("en")
    return [
        {
            "code": aspect.code,
            "name": aspect.name_en if english else aspect.name_vi,
            "name_vi": aspect.name_vi,
            "name_en": aspect.name_en,
        }
        for aspect in RatingAspect.objects.filter(active=True)
    ]
