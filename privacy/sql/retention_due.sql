-- Items whose reporter's personal data has outlived its retention period at %(now)s.
-- The period runs from when the item was done: the last step into its current status
-- (closed, rejected, merged), or for a resolved item the end of the reopen window after
-- its resolution; it lasts the category's retention_days, else %(default_days)s days.
-- Without a step into its status (an item written by hand) its last change counts.
-- Items already erased are skipped. Bound: now, default_days, done_statuses,
-- resolved (the status), reopen_window (an interval).
SELECT i.id
FROM feedback_feedbackitem AS i
JOIN feedback_feedbackcategory AS c ON c.id = i.category_id
CROSS JOIN LATERAL (
    SELECT max(e.at) AS at
    FROM feedback_feedbackevent AS e
    WHERE e.item_id = i.id AND e.to_status = i.status
) AS done
WHERE i.personal_erased_at IS NULL
  AND (i.status = ANY (%(done_statuses)s) OR i.status = %(resolved)s)
  AND CASE WHEN i.status = %(resolved)s
           THEN coalesce(i.resolved_at, done.at, i.updated_at) + %(reopen_window)s
           ELSE coalesce(done.at, i.updated_at) END
      + make_interval(days => coalesce(c.retention_days, %(default_days)s)) <= %(now)s
ORDER BY i.id
