-- A layer's geometries inside the tile in the supersampled canvas's pixels (y down, as in
-- an image), each with its style key {key}.
SELECT ST_AsMVTGeom({geom}, _tile.e, {extent}, {buffer}, true) AS g, ({key})::text AS k
FROM {source}, _tile
WHERE {where} AND {column} && _tile.e4326
