-- The dashboard's pre-aggregated facts: one row per feedback item and boundary generation,
-- with everything the measures read, resolved once instead of on every request:
--   area_id      the area the one point-to-ward rule gives the item's exact point on the
--                generation's first day (resolve_ward.sql; NULL: outside every area);
--   created_at, resolved_at, deadline_at, rating, rated_at   copied from the item;
--   open_spans   the times t at which the item counts as open "now" (created before t, and
--                its last event before t leaves it received, accepted or in progress);
--   reopens      the instants it was reopened (resolved -> in progress), NULL when never;
--   paused_spans the times at which it waited for the resident (awaiting_info: the
--                deadline's clock paused, so never overdue then), NULL when never.
-- open_deltas.sql turns the spans into per-day deltas, so "open now" and "overdue now" are
-- summed from a few rows per area instead of read from every open item.
-- Kept current by the statement triggers of facts_install.sql. Never read by the public
-- outputs directly; the dashboard aggregates it (measures_fast.sql).
CREATE TABLE IF NOT EXISTS dashboard_itemfact (
    generation_id bigint NOT NULL,
    item_id bigint NOT NULL,
    area_id bigint,
    created_at timestamptz NOT NULL,
    resolved_at timestamptz,
    deadline_at timestamptz NOT NULL,
    rating smallint,
    rated_at timestamptz,
    open_spans tstzmultirange NOT NULL,
    reopens tstzmultirange,
    paused_spans tstzmultirange,
    PRIMARY KEY (generation_id, item_id)
);
ALTER TABLE dashboard_itemfact ADD COLUMN IF NOT EXISTS paused_spans tstzmultirange;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_item ON dashboard_itemfact (item_id);
CREATE INDEX IF NOT EXISTS dashboard_itemfact_created
    ON dashboard_itemfact (generation_id, created_at);
-- The resolutions of a period are read from this index alone (an index-only scan: no
-- visit to the wide rows), for their counts, on-time share and exact percentiles.
DROP INDEX IF EXISTS dashboard_itemfact_resolved;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_resolved_cover
    ON dashboard_itemfact (generation_id, resolved_at) INCLUDE (area_id, created_at, deadline_at)
    WHERE resolved_at IS NOT NULL;
-- Ratings are counted from the day flows (day_flows.sql); only those dated before their
-- item's creation are read here (none through the workflow).
DROP INDEX IF EXISTS dashboard_itemfact_rated;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_rated_early
    ON dashboard_itemfact (generation_id, rated_at)
    WHERE rated_at < created_at AND rating IS NOT NULL;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_reopened_early
    ON dashboard_itemfact (generation_id, created_at)
    WHERE lower(reopens) < created_at;
-- Open items are counted from the deltas (open_deltas.sql), not through their spans.
DROP INDEX IF EXISTS dashboard_itemfact_open;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_reopens
    ON dashboard_itemfact USING gist (reopens) WHERE reopens IS NOT NULL;
CREATE INDEX IF NOT EXISTS dashboard_itemfact_area
    ON dashboard_itemfact (generation_id, area_id, created_at);
