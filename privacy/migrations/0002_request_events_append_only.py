"""The audit trail of residents' requests is append-only: the database refuses UPDATE and
DELETE of privacy_datarequestevent's rows, whatever the path (app, admin, psql). TRUNCATE is
left to the database's owner (the test runner empties tables with it)."""

from django.db import migrations

FREEZE = """
CREATE FUNCTION privacy_datarequestevent_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'privacy_datarequestevent is append-only (%)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER privacy_datarequestevent_frozen
    BEFORE UPDATE OR DELETE ON privacy_datarequestevent
    FOR EACH ROW EXECUTE FUNCTION privacy_datarequestevent_frozen();
"""

UNFREEZE = """
DROP TRIGGER privacy_datarequestevent_frozen ON privacy_datarequestevent;
DROP FUNCTION privacy_datarequestevent_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunSQL(FREEZE, UNFREEZE)]
