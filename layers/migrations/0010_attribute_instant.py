"""``layers_attribute_instant(value, zone)``: an imported layer's date-time attribute as the
instant it names, for its filters and its order.

Such an attribute is stored as the file gave its text: a GeoPackage's
``2025-07-01T07:00:00.000+07:00``, a GeoJSON's ``2025-07-01T07:00:00+07:00``, or a time
without an offset. Compared as JSON text, a filter matched only the same spelling: the
GeoPackage's value never matched the instant asked for, nor the same instant with another
offset (``Z``). This reads what the importer reads for a layer's time
(importers/feature_columns.py ``_parse_time``): a date, with ``-`` or ``/``, then
optionally a time and an offset; without an offset, the city's time zone (``zone``); NULL
for anything else, a date out of range included, so that a bad value never fails a query
(its exception block is a subtransaction, which no parallel worker may start: the function
is left parallel unsafe). About 2 microseconds a row (a regular expression
that takes the parts apart took 12).
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION layers_attribute_instant(value text, zone text)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := replace(btrim(value), '/', '-');
BEGIN
    IF v !~ '^\d{4}-\d' THEN  -- not a date: nor 'now', 'epoch' or 'infinity'
        RETURN NULL;
    END IF;
    IF strpos(v, ':') > 0 AND v ~* '(Z|[+-]\d\d(:?\d\d)?)$' THEN  -- a time and an offset
        RETURN v::timestamptz;
    END IF;
    RETURN v::timestamp AT TIME ZONE zone;  -- a timestamp's input ignores an offset
EXCEPTION WHEN data_exception THEN  -- out of range, a bad offset or zone name...
    RETURN NULL;
END
$$;
"""

BACKWARD = "DROP FUNCTION IF EXISTS layers_attribute_instant(text, text);"


class Migration(migrations.Migration):
    dependencies = [("layers", "0009_feature_fewer_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
