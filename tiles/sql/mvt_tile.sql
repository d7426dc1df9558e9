-- One vector tile of several layers, and the snapshot it was read under (tiles/mvt.py).
-- _tile: the tile's envelope in Web Mercator (e), grown by {buffer} metres and in WGS 84
-- (e4326, for the layers' index tests; clipped to the world, or the edge tiles' envelopes
-- wrap round ±180° and miss what they hold), and as it is in WGS 84 (e4326_inner).
-- {layers}: each layer's ST_AsMVT (mvt_layer.sql), concatenated with ||.
WITH _tile AS MATERIALIZED (
    SELECT e,
           ST_Transform(ST_ClipByBox2D(ST_Expand(e, {buffer}), ST_TileEnvelope(0, 0, 0)), 4326) AS e4326,
           ST_Transform(e, 4326) AS e4326_inner
    FROM (SELECT ST_TileEnvelope({z}, {x}, {y}) AS e) AS t)
SELECT {layers}, pg_current_snapshot()::text
