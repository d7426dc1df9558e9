-- A report written in one statement (feedback/record.py): the point's ward by the one rule
-- (layers' resolve_ward.sql, put in at {resolve_ward}), the category checked to be the
-- version this process holds (feedback/catalogue.py), the admin's working days checked to
-- be as they were when this process read the calendar the deadline was counted on
-- (workdays/calendar.py's STATE_SQL, at {calendar_state}), the item it repeats
-- (repeat_of.sql, at {repeat_of}), then the item, its first timeline event and, with a
-- key, its idempotency record; and the open items the answer offers as possible duplicates
-- (nearby_open.sql, at {nearby_open}; this statement's snapshot does not see the new item).
-- Nothing is written when the point is outside every ward, or the category or the
-- calendar changed: the one row answered says which. Triggers run as for any insert
-- (public point, tiles, dashboard sums). "degrees" is the half side of the box both neighbour searches narrow
-- their rows with before the exact distance: the larger of their two distances.
-- Parameters: lon, lat, day, ward_rank; category_id, version, category (its code);
-- calendar_count, calendar_last;
-- code, description, channel, address, reporter, reporter_name, reporter_phone,
-- reporter_email, api_key, now, deadline, consent_purpose, consent_notice_version;
-- repeat (bool), statuses, since, distance; actor, actor_role; scope, key, fingerprint;
-- open, exclude (the new code), radius, limit; degrees.
WITH points AS (
    SELECT 1 AS key, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
),
hits AS (
{resolve_ward}
),
ward AS (
    SELECT a.id, a.code, a.name
    FROM hits JOIN layers_administrativearea AS a ON a.id = hits.area_id
    WHERE hits.level_rank = %(ward_rank)s
),
category AS (
    SELECT c.id FROM feedback_feedbackcategory AS c
    WHERE c.id = %(category_id)s AND c.is_active AND md5(c::text) = %(version)s
),
calendar AS (
    SELECT state.count = %(calendar_count)s
           AND state.last IS NOT DISTINCT FROM %(calendar_last)s::timestamptz AS current
    FROM ({calendar_state}) AS state (count, last)
),
item AS (
    INSERT INTO feedback_feedbackitem (
        tracking_code, category_id, description, channel, geom, address_text, ward_id,
        status, rejection_reason, reporter_id, reporter_name, reporter_phone, reporter_email,
        api_key_id, created_at, updated_at, deadline_at, rating_comment, paused_seconds,
        repeat_of_id, consent_purpose, consent_notice_version, consent_at)
    SELECT %(code)s, category.id, %(description)s, %(channel)s,
           (SELECT geom FROM points), %(address)s, ward.id,
           'received', '', %(reporter)s::bigint, %(reporter_name)s, %(reporter_phone)s,
           %(reporter_email)s, %(api_key)s::bigint, %(now)s, %(now)s, %(deadline)s, '', 0,
           CASE WHEN %(repeat)s THEN (
{repeat_of}
           ) END,
           %(consent_purpose)s, %(consent_notice_version)s, %(now)s
    FROM ward, category, calendar
    WHERE calendar.current
    RETURNING id, repeat_of_id, ST_X(public_geom) AS public_x, ST_Y(public_geom) AS public_y
),
event AS (
    INSERT INTO feedback_feedbackevent (
        item_id, at, actor_id, actor_role, from_status, to_status, note, internal_note)
    SELECT id, %(now)s, %(actor)s::bigint, %(actor_role)s, '', 'received', '', '' FROM item
    RETURNING id
),
record AS (
    INSERT INTO feedback_idempotencyrecord (scope, key, fingerprint, item_id, created_at)
    SELECT %(scope)s, %(key)s, %(fingerprint)s, id, %(now)s FROM item
    WHERE %(key)s::text IS NOT NULL
),
nearby AS (
{nearby_open}
),
duplicates AS (
    SELECT array_agg(n.tracking_code ORDER BY n.metres, n.created_at, n.tracking_code) AS codes,
           array_agg(n.status ORDER BY n.metres, n.created_at, n.tracking_code) AS statuses,
           array_agg(n.code ORDER BY n.metres, n.created_at, n.tracking_code) AS categories,
           array_agg(n.description ORDER BY n.metres, n.created_at, n.tracking_code) AS texts,
           array_agg(n.created_at ORDER BY n.metres, n.created_at, n.tracking_code) AS created,
           array_agg(n.metres ORDER BY n.metres, n.created_at, n.tracking_code) AS metres
    FROM nearby AS n
)
SELECT EXISTS (SELECT 1 FROM category) AS category_current,
       (SELECT current FROM calendar) AS calendar_current,
       ward.id, ward.code, ward.name,
       item.id, item.repeat_of_id, item.public_x, item.public_y, event.id,
       duplicates.codes, duplicates.statuses, duplicates.categories, duplicates.texts,
       duplicates.created, duplicates.metres
FROM (SELECT 1) AS one
LEFT JOIN ward ON true
LEFT JOIN item ON true
LEFT JOIN event ON true
CROSS JOIN duplicates
