-- A workflow step's notifications and their delivery jobs, in one statement
-- (notifications/outbox.py), inside the step's own transaction.
-- One row per channel and recipient that applies: in-app to the reporter; e-mail to the
-- reporter when "email" (an address given, e-mail enabled); Web Push to each subscription
-- of the item when "push" (a brand-new item has none); each active webhook subscribed to
-- the event kind. The unique (event, channel, recipient) makes a step told at most once:
-- rows already there are skipped, and only the rows inserted get a job, deferred by
-- procrastinate's own SQL function with the delivery task's settings, as
-- ``deliver.defer(notification_id=...)`` does. Nothing is written when the texts were
-- rendered from templates that are no longer the table's (templates_version.sql, at
-- {templates_version}): the first column says so, and the caller reads them again.
-- Parameters: version; event, item, kind, language, texts, now; email, push; queue, task,
-- priority, lock, queueing_lock, scheduled_at (the delivery job's).
WITH current AS (
    SELECT ({templates_version}) = %(version)s AS templates
),
recipients (rank, channel, recipient, push_subscription_id, endpoint_id) AS (
    SELECT 1, 'in_app', 'reporter', NULL::bigint, NULL::bigint
    UNION ALL
    SELECT 2, 'email', 'reporter', NULL, NULL WHERE %(email)s
    UNION ALL
    SELECT 3, 'web_push', 'push:' || s.id, s.id, NULL
    FROM notifications_pushsubscription AS s
    WHERE %(push)s AND s.item_id = %(item)s
    UNION ALL
    SELECT 4, 'webhook', 'webhook:' || e.id, NULL, e.id
    FROM notifications_webhookendpoint AS e
    WHERE e.active AND e.events @> ARRAY[%(kind)s]::varchar[]
),
written AS (
    INSERT INTO notifications_notification (
        event_id, item_id, kind, channel, recipient, push_subscription_id, endpoint_id,
        language, texts, state, attempts, last_error, created_at, sent_at)
    SELECT %(event)s, %(item)s, %(kind)s, r.channel, r.recipient, r.push_subscription_id,
           r.endpoint_id, %(language)s, %(texts)s::jsonb, 'pending', 0, '', %(now)s, NULL
    FROM recipients AS r, current
    WHERE current.templates
    ORDER BY r.rank, r.push_subscription_id, r.endpoint_id
    ON CONFLICT ON CONSTRAINT one_notification_per_recipient DO NOTHING
    RETURNING id, channel, recipient, push_subscription_id, endpoint_id
),
deferred AS (
    SELECT procrastinate_defer_jobs_v1(ARRAY(
        SELECT ROW(%(queue)s, %(task)s, %(priority)s, %(lock)s, %(queueing_lock)s,
                   jsonb_build_object('notification_id', w.id), %(scheduled_at)s
               )::procrastinate_job_to_defer_v1
        FROM written AS w
        ORDER BY w.id
    )) AS job_ids
)
SELECT current.templates, w.id, w.channel, w.recipient, w.push_subscription_id, w.endpoint_id
FROM current
CROSS JOIN deferred
LEFT JOIN written AS w ON true
ORDER BY w.id
