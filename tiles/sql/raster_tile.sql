-- One raster tile's rows (tiles/raster.py): layer index, style key, WKB in canvas pixels.
-- _tile: the tile's envelope in Web Mercator (e), and grown by {buffer} metres in WGS 84
-- (e4326, for the layers' index tests; clipped to the world, or the edge tiles' envelopes
-- wrap round ±180° and miss what they hold). {layers}: one part per layer, joined by UNION ALL.
WITH _tile AS MATERIALIZED (
    SELECT e, ST_Transform(ST_ClipByBox2D(ST_Expand(e, {buffer}), ST_TileEnvelope(0, 0, 0)), 4326) AS e4326
    FROM (SELECT ST_TileEnvelope({z}, {x}, {y}) AS e) AS t)
{layers}
ORDER BY 1
