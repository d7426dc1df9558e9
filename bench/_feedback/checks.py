"""The checks, in SQL after every client has finished: no acknowledged item lost or
duplicated, every item with the right ward, its point as sent and its one timeline event.
"""

from collections import Counter

import psycopg

from _feedback.clients import Ledger
from _feedback.restart import Restart

# The checks' view of the bench key's items: the stored point, the ward the item holds, and
# the ward SQL finds for that point over the full polygons (lowest code on a border).
ITEMS_SQL = """
SELECT i.id, i.tracking_code, ST_X(i.geom), ST_Y(i.geom), w.code,
       (SELECT c.code FROM layers_administrativearea AS c
        JOIN layers_boundarygeneration AS g ON g.id = c.generation_id
        WHERE g.valid_to IS NULL AND c.level = 'ward' AND ST_Covers(c.geom, i.geom)
        ORDER BY c.code LIMIT 1),
       (SELECT count(*) FROM feedback_feedbackevent AS e WHERE e.item_id = i.id)
FROM feedback_feedbackitem AS i
JOIN layers_administrativearea AS w ON w.id = i.ward_id
WHERE i.api_key_id = %s
"""
RECORDS_SQL = "SELECT key, item_id FROM feedback_idempotencyrecord WHERE scope = %s"


def check(
    url: str, api_key: int, scope: str, ledger: Ledger, report: Restart | None
) -> list[tuple[bool, str]]:
    """The correctness checks, against the database: (passed, what was found) each."""
    with psycopg.connect(url, options="-c jit=off") as conn:
        items = {i[0]: i for i in conn.execute(ITEMS_SQL, (api_key,)).fetchall()}
        record_of = dict(conn.execute(RECORDS_SQL, (scope,)).fetchall())  # key -> item id
    codes = {i[1] for i in items.values()}
    acked = {key: code for key, (code, _) in ledger.acked.items()}
    checks = []

    missing = [code for code in acked.values() if code not in codes]
    checks.append(
        (
            not missing,
            f"every acknowledged item is stored: {len(acked) - len(missing):,}/{len(acked):,}"
            + (f"; missing {missing[:5]}" if missing else ""),
        )
    )
    if report is not None:
        checks.append(
            (
                not report.error and report.found_after == report.acked_before,
                "acknowledged before the restart, stored right after it: "
                f"{report.found_after:,}/{report.acked_before:,}",
            )
        )

    # One item per key: as many items as records as keys that reached the server (the
    # acknowledged ones, and the never-acknowledged ones the server did take).
    reached = set(acked) | (set(record_of) & ledger.never)
    per_item = Counter(record_of.values())
    orphans = [i for i in items if per_item[i] != 1]
    strangers = set(record_of) - set(ledger.sent)
    dangling = [key for key, item in record_of.items() if item not in items]
    checks.append(
        (
            len(items) == len(record_of) == len(reached) and not (orphans or strangers or dangling),
            f"one item per key: {len(items):,} items, {len(record_of):,} idempotency records, "
            f"{len(reached):,} keys reached the server"
            + (f"; {len(orphans)} items without exactly one record" if orphans else "")
            + (f"; {len(strangers)} records of keys never sent" if strangers else "")
            + (f"; {len(dangling)} records of other items" if dangling else ""),
        )
    )
    disagree = [
        key for key, code in acked.items() if items.get(record_of.get(key), (0, None))[1] != code
    ]
    checks.append(
        (
            not disagree and not ledger.problems,
            "each acknowledged key's record is the acknowledged item: "
            f"{len(acked) - len(disagree):,}/{len(acked):,}; answers contradicting an earlier "
            f"one, or the SQL ward: {len(ledger.problems)} "
            f"(of {ledger.replays_checked:,} repeats)"
            + (f": {ledger.problems[:3]}" if ledger.problems else ""),
        )
    )

    wrong = [(i[1], i[4], i[5]) for i in items.values() if i[4] != i[5]]
    sent = {item: ledger.sent[key] for key, item in record_of.items() if key in ledger.sent}
    moved = [i for i, s in sent.items() if i in items and (s.lon, s.lat) != items[i][2:4]]
    border = sum(s.on_border for i, s in sent.items() if i in items)
    checks.append(
        (
            not wrong and not moved,
            f"every item's ward is SQL's for its stored point: {len(items) - len(wrong):,}/"
            f"{len(items):,} ({border:,} on shared borders); points as sent: "
            f"{len(sent) - len(moved):,}/{len(sent):,}"
            + (f"; (code, ward, SQL's) {wrong[:5]}" if wrong else ""),
        )
    )
    no_event = [i[1] for i in items.values() if i[6] != 1]
    checks.append(
        (
            not no_event,
            f"every item has one timeline event: {len(items) - len(no_event):,}/{len(items):,}",
        )
    )
    checks.append(
        (
            not ledger.refusals,
            f"no report refused (4xx): {len(ledger.refusals)}"
            + (f": {ledger.refusals[:3]}" if ledger.refusals else ""),
        )
    )
    checks.append(
        (
            not ledger.never,
            f"every report acknowledged before the drain ended: {len(ledger.never)} not",
        )
    )
    calm = [
        f"{text} (sent at {a.at:.1f} s, answered at {a.done:.1f} s)"
        for a, text in ledger.server_errors
        if not (report and report.during(a))
    ]
    checks.append(
        (
            not calm,
            f"no server error outside the restart window: {len(calm)}"
            + (f": {calm[:3]}" if calm else ""),
        )
    )
    return checks
