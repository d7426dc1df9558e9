-- Lines and polygons as they are in the canvas. {rows}: raster_rows.sql.
SELECT {index} AS layer, q.k, ST_AsBinary(q.g) AS wkb
FROM ({rows}) AS q
WHERE q.g IS NOT NULL
