-- A layer's features inside the tile: {geom} in Web Mercator (simplified for lines and
-- polygons), {feature_id} a bigint or NULL, {attributes} the public properties as jsonb.
SELECT ST_AsMVTGeom({geom}, _tile.e, {extent}, {buffer}, true) AS geom,
       {feature_id} AS fid,
       {attributes} AS attrs
FROM {source}, _tile
WHERE {where} AND {column} && _tile.e4326
