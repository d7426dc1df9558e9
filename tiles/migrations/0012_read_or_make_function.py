"""A tile's lookup and, on a miss only, its making, in a function (tiles/cache.py).

The statements of tiles/sql/cache_read_or_make*.sql held the whole tile statement, which
PostgreSQL parsed and planned on every request, a stored tile too: a warm tile of an
imported layer took 4.9 ms against 1.8 ms for a bare lookup (under load). The function
looks the tile up with its own cached plan and runs the tile statement, passed as text,
with EXECUTE only when none is stored and one is given: a warm tile plans nothing but the
call. The tile statement reads under its own snapshot and returns it, as before.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION tiles_read_or_make(
    p_key text, p_z integer, p_x integer, p_y integer, p_make text,
    OUT data bytea, OUT etag text, OUT mvt bytea, OUT snapshot text)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.data, c.etag INTO data, etag FROM tiles_cachedtile AS c
    WHERE c.layers_key = p_key AND c.z = p_z AND c.x = p_x AND c.y = p_y;
    IF NOT FOUND AND p_make IS NOT NULL THEN
        EXECUTE p_make INTO mvt, snapshot;
    END IF;
END
$$;
"""

BACKWARD = "DROP FUNCTION IF EXISTS tiles_read_or_make(text, integer, integer, integer, text);"


class Migration(migrations.Migration):
    dependencies = [("tiles", "0011_pyramid_finest_level_14")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
