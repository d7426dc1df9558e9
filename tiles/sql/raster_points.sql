-- Points that fall into the same output pixel with the same style are drawn once: a tile
-- never holds more circles than pixels, however dense the layer. {rows}: raster_rows.sql.
SELECT {index} AS layer, p.k,
       ST_AsBinary(ST_MakePoint(avg(ST_X(p.g)), avg(ST_Y(p.g)))) AS wkb
FROM (SELECT (ST_Dump(q.g)).geom AS g, q.k FROM ({rows}) AS q) AS p
GROUP BY p.k, floor(ST_X(p.g) / {supersample}), floor(ST_Y(p.g) / {supersample})
