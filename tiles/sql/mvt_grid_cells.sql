-- Cells counted from the layer's points inside the tile as it is made (no pyramid), with
-- the same count, cluster and count_<attribute>_<value> as mvt_pyramid_cells.sql.
-- {width}: a cell's width in metres; {group_columns}: ", (expression)::text AS gN" per
-- counted property; {counted}: cx, cy and the counts per group as jsonb (or no rows).
WITH pts AS (
    SELECT ST_X(m.p) AS x, ST_Y(m.p) AS y,
           floor((ST_X(m.p) - ST_XMin(_tile.e)) / {width})::int AS cx,
           floor((ST_YMax(_tile.e) - ST_Y(m.p)) / {width})::int AS cy{group_columns}
    FROM {source}, _tile
    CROSS JOIN LATERAL (SELECT ST_Transform({geom}, 3857) AS p) AS m
    WHERE {where} AND {column} && _tile.e4326_inner AND ST_Intersects(m.p, _tile.e)),
cells AS (
    SELECT cx, cy, count(*) AS n, avg(x) AS ax, avg(y) AS ay FROM pts GROUP BY cx, cy),
counted AS ({counted})
SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(cells.ax, cells.ay), 3857),
                    (SELECT e FROM _tile), {extent}, 0, true) AS geom,
       NULL::bigint AS fid,
       jsonb_build_object('count', cells.n::int, 'cluster', true)
       || coalesce(counted.counts, '{{}}'::jsonb) AS attrs
FROM cells LEFT JOIN counted ON counted.cx = cells.cx AND counted.cy = cells.cy
