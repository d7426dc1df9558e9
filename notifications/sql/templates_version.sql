-- The version of the notification templates: md5 of every row as stored, in id order
-- ('' hashed when there are none). Each process keeps the templates it read with this
-- version (notifications/texts.py); the outbox's statement (record_step.sql) writes only
-- when it is still the table's, so an edit made anywhere (the admin, another worker, a
-- bulk update) is noticed by the next step.
SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), ''))
FROM notifications_notificationtemplate AS t
