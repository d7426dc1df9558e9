-- A tile of built-in layers from the cache, or made: one statement, one round trip
-- (tiles/services.py). A stored tile comes back as (data, etag, NULL, NULL); only when
-- none is stored does tiles_read_or_make (tiles migration 0012) run {make}, the tile
-- statement (mvt_tile.sql) as text, and the row is (NULL, NULL, mvt, snapshot). The tile
-- statement is planned only when it runs.
SELECT data, etag, mvt, snapshot FROM tiles_read_or_make({key}, {z}, {x}, {y}, {make})
