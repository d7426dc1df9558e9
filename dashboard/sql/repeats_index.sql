-- The repeats of a period (verification_fast.sql: items created in the period that repeat
-- an earlier resolution) read from this small partial index alone, instead of visiting
-- every item created in the period. On the feedback app's table, as the facts' triggers
-- are: the dashboard is the only reader of this shape.
CREATE INDEX IF NOT EXISTS dashboard_feedbackitem_repeats
    ON feedback_feedbackitem (created_at) INCLUDE (repeat_of_id)
    WHERE repeat_of_id IS NOT NULL;
