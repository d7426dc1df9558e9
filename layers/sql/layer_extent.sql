-- A layer's bounding box in WGS 84.
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent({geom}) AS e FROM {source} WHERE {where}) AS s
