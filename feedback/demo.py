"""Demo feedback: synthetic reports near the demo facilities, at every stage of the workflow.

So that a fresh ``make run`` shows reports on the map and in the APIs. Every description
says it is sample data. Each report is submitted through the real intake with an
``Idempotency-Key`` of its own ("demo-feedback-N" in the "demo" scope), so loading again
changes nothing; the steps are taken through the real workflow, by a city-staff actor.
"""

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from core.errors import Unprocessable
from feedback.deadlines import first_deadline
from feedback.intake import Submission, submit_once
from feedback.models import FeedbackEvent, FeedbackItem, Role, Status
from feedback.workflow import Actor, transition
from layers.models import Facility
from layers.wards import resolve_ward

SCOPE = "demo"
SAMPLE = "(Dữ liệu mẫu)"
# (category, share, what residents write)
KINDS = [
    ("den-duong", 0.22, ["Đèn đường không sáng", "Đèn đường chập chờn cả đêm"]),
    ("ngap-nuoc", 0.16, ["Ngập sau cơn mưa chiều", "Nước ngập tới nửa bánh xe máy"]),
    ("rac-thai", 0.18, ["Rác tồn đọng nhiều ngày", "Đổ rác không đúng nơi quy định"]),
    ("tieng-on", 0.08, ["Karaoke ồn sau 22 giờ", "Công trình thi công ồn ban đêm"]),
    ("lan-chiem-via-he", 0.12, ["Quán lấn chiếm vỉa hè", "Xe máy đậu kín lối đi bộ"]),
    ("hu-hong-duong", 0.12, ["Ổ gà giữa đường", "Nắp cống bị vỡ"]),
    ("cay-xanh", 0.07, ["Cây xanh nghiêng sắp đổ", "Cành cây che đèn tín hiệu"]),
    ("cap-thoat-nuoc", 0.05, ["Mất nước từ sáng", "Cống thoát nước bị tắc"]),
]
ADMIN = Actor(None, Role.CITY_STAFF)


@dataclass
class DemoReport:
    """What loading did: reports made now, and those already there."""

    created: int = 0
    existing: int = 0


def _submissions(count: int, seed: int) -> list[Submission]:
    """``count`` reports near demo facilities, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    facilities = list(
        Facility.objects.exclude(ward=None).order_by("id").values_list("geom", flat=True)
    )
    if not facilities:
        return []
    reports = []
    for _ in range(count):
        code, _share, texts = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
        point = rng.choice(facilities)
        # Within about 60 m of the facility, in any direction.
        bearing, metres = rng.uniform(0, 2 * math.pi), rng.uniform(5, 60)
        lat = point.y + metres * math.cos(bearing) / 111_320
        lon = point.x + metres * math.sin(bearing) / (111_320 * math.cos(math.radians(point.y)))
        if resolve_ward(Point(lon, lat, srid=4326)) is None:  # off a coast: the place itself
            lon, lat = point.x, point.y
        reports.append(
            Submission(
                category=code,
                description=f"{rng.choice(texts)} {SAMPLE}",
                channel=rng.choice(["app", "app", "web", "hotline"]),
                lon=round(lon, 7),
                lat=round(lat, 7),
            )
        )
    return reports


def _advance(item: FeedbackItem, rng: random.Random) -> None:
    """Take the item some way through the workflow."""
    roll = rng.random()
    if roll < 0.05:
        transition(
            ADMIN, item.tracking_code, Status.REJECTED, reason=f"Không thuộc thẩm quyền {SAMPLE}"
        )
        return
    steps = []
    if roll < 0.75:
        steps.append(Status.ACCEPTED)
    if roll < 0.55:
        steps.append(Status.IN_PROGRESS)
    if roll < 0.35:
        steps.append(Status.RESOLVED)
    if roll < 0.15:
        steps.append(Status.CLOSED)
    for status in steps:
        transition(ADMIN, item.tracking_code, status, note=SAMPLE)


def load_demo_feedback(count: int = 300, seed: int = 2025) -> DemoReport:
    """Load the demo reports (idempotent); reported over the last 45 days, some overdue."""
    report = DemoReport()
    rng = random.Random(seed + 1)  # noqa: S311
    now = timezone.now()
    for number, submission in enumerate(_submissions(count, seed)):
        age = timedelta(hours=rng.uniform(1, 45 * 24))
        with transaction.atomic():
            try:
                item, created = submit_once(
                    submission,
                    Actor(None, Role.RESIDENT),
                    scope=SCOPE,
                    key=f"demo-feedback-{number}",
                )
            except Unprocessable:  # an older demo report under this key
                report.existing += 1
                continue
            if not created:
                report.existing += 1
                continue
            FeedbackItem.objects.filter(pk=item.pk).update(
                created_at=now - age,
                deadline_at=first_deadline(item.category, now - age),
            )
            _advance(item, rng)
            _date_timeline(item.pk, now - age, now, random.Random(f"{seed}:{number}"))  # noqa: S311
            report.created += 1
    return report


def _date_timeline(item_id: int, reported, now, rng: random.Random) -> None:
    """Back-date an item's timeline, which the workflow stamped at load time: "received"
    when it was reported, each later step after the one before it and before ``now``;
    ``resolved_at`` and ``updated_at`` follow their steps."""
    events = list(FeedbackEvent.objects.filter(item_id=item_id).order_by("at", "id"))
    span = now - reported
    moments = [reported]
    # Sorted shares of the time since the report, one per later step; strictly increasing.
    for share in sorted(rng.uniform(0.05, 0.95) for _ in events[1:]):
        moments.append(max(reported + span * share, moments[-1] + timedelta(microseconds=1)))
    for event, at in zip(events, moments, strict=True):
        FeedbackEvent.objects.filter(pk=event.pk).update(at=at)
    resolved = [
        at for event, at in zip(events, moments, strict=True) if event.to_status == Status.RESOLVED
    ]
    FeedbackItem.objects.filter(pk=item_id).update(
        updated_at=moments[-1], resolved_at=resolved[-1] if resolved else None
    )
