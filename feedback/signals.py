"""What the feedback workflow tells the apps built on it, inside the step's own transaction.

``step_recorded`` is sent right after a step's ``FeedbackEvent`` is written (intake's
"received" included), before the transaction commits: a receiver that writes rows (the
notifications outbox) commits or rolls back with the step, so there is no step without its
message and no message without its step. Receivers must not do network I/O.
"""

from django.dispatch import Signal

# Sent with: item (FeedbackItem, saved), event (FeedbackEvent, saved).
step_recorded = Signal()

# Sent with: user, item, fields (tuple of field names), via (str): a staff read of a
# reporter's contact details (the privacy app logs it).
contact_details_read = Signal()

# Sent with: user, reads (list of (item, fields) pairs), via (str): a staff list page
# showing several reporters' contact details, once per page (logged in one statement).
contact_details_listed = Signal()
