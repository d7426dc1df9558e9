"""The floor: psycopg sessions inserting the same rows (item, first event, idempotency record)
with one ``INSERT ... SELECT`` that finds the ward, as a hand-written service would.
"""

import hashlib
import random
import threading
import time
import uuid

import psycopg

from _feedback.samples import CATEGORY, DESCRIPTION, Sample, report_body, tracking_code
from feedback.consent import consent_of
from feedback.models import FeedbackCategory
from layers.models import LEVEL_RANK, AreaLevel

# The floor: the ward found over the subdivided pieces, then the item, its first event and
# its idempotency record, as one statement (one transaction), as a hand-written service would.
BASELINE_INSERT = """
WITH ward AS (
    SELECT a.id FROM layers_areasubdivision AS s
    JOIN layers_administrativearea AS a ON a.id = s.area_id
    JOIN layers_boundarygeneration AS g ON g.id = s.generation_id
    WHERE g.valid_to IS NULL AND a.level = 'ward' AND s.level_rank = %(rank)s
      AND ST_Covers(s.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
    ORDER BY a.code LIMIT 1
), item AS (
    INSERT INTO feedback_feedbackitem (
        tracking_code, category_id, description, channel, geom, address_text, ward_id, status,
        rejection_reason, reporter_name, reporter_phone, reporter_email, api_key_id,
        created_at, updated_at, deadline_at, rating_comment, paused_seconds,
        consent_purpose, consent_notice_version, consent_at)
    SELECT %(code)s, %(category)s, %(description)s, 'app',
           ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), '', ward.id, 'received',
           '', '', '', '', %(api_key)s,
           now(), now(), now() + %(deadline_amount)s * interval '1 hour', '', 0,
           %(consent_purpose)s, %(consent_notice_version)s, now()
    FROM ward
    RETURNING id
), event AS (
    INSERT INTO feedback_feedbackevent (
        item_id, at, actor_role, from_status, to_status, note, internal_note)
    SELECT id, now(), 'resident', '', 'received', '', '' FROM item
)
INSERT INTO feedback_idempotencyrecord (scope, key, fingerprint, item_id, created_at)
SELECT %(scope)s, %(key)s, %(fingerprint)s, id, now() FROM item
RETURNING item_id
"""
DELETE_BASELINE = [
    "DELETE FROM feedback_feedbackevent WHERE item_id = ANY(%(ids)s)",
    "DELETE FROM feedback_idempotencyrecord WHERE item_id = ANY(%(ids)s)",
    "DELETE FROM feedback_feedbackitem WHERE id = ANY(%(ids)s)",
]


def baseline(
    url: str, samples: list[Sample], clients: int, seconds: float, api_key: int, seed: int
) -> tuple[list[float], list[int]]:
    """The floor: ``clients`` connections inserting for ``seconds``; (latencies of the
    inserts acknowledged in time, ids of every row made)."""
    category = FeedbackCategory.objects.get(code=CATEGORY)
    purpose, version = consent_of("", "")  # the defaults a report without consent records
    latencies: list[float] = []
    ids: list[int] = []
    failures: list[str] = []
    ready, lock = threading.Barrier(clients + 1), threading.Lock()
    start_at: list[float] = []

    def work(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        mine, made = [], []
        with psycopg.connect(url, options="-c jit=off", autocommit=True) as conn:
            ready.wait()
            end = start_at[0] + seconds
            while time.monotonic() < end:
                sample, key = rng.choice(samples), str(uuid.uuid4())
                params = {
                    "rank": LEVEL_RANK[AreaLevel.WARD],
                    "lon": sample.lon,
                    "lat": sample.lat,
                    "code": tracking_code(),
                    "category": category.id,
                    "description": DESCRIPTION.format(key=key[:8]),
                    "api_key": api_key,
                    "deadline_amount": category.deadline_amount,
                    "scope": f"bench-baseline:{api_key}",
                    "key": key,
                    "fingerprint": hashlib.sha256(report_body(key, sample)).hexdigest(),
                    "consent_purpose": purpose,
                    "consent_notice_version": version,
                }
                began = time.monotonic()
                try:
                    item = conn.execute(BASELINE_INSERT, params).fetchone()
                except psycopg.errors.UniqueViolation:  # a tracking code taken: draw again
                    continue
                done = time.monotonic()
                if item is None:  # outside every piece: the floor disagrees with SQL
                    failures.append(f"the floor found no ward for {sample}")
                    break
                made.append(item[0])
                if done <= end:
                    mine.append(done - began)
        with lock:
            latencies.extend(mine)
            ids.extend(made)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_at.append(time.monotonic() + 0.05)
    ready.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return latencies, ids
