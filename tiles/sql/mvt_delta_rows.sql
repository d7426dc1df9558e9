-- The cells of layer {layer} inside tile {z}/{x}/{y} kept as compacted pyramid rows plus
-- pending deltas (tiles/cell_deltas.py): level z of tiles_pointcell ({cells} x {cells}
-- cells per tile), and the log's top-level rows divided down to level z ({scale} =
-- 2^(top level - z): integer division halves a non-negative cell once per level), summed
-- per cell and group. A FROM ... WHERE clause, like mvt_pyramid_rows.sql.
FROM (
    SELECT u.cx, u.cy, u.grp, sum(u.n)::int AS n, sum(u.sx) AS sx, sum(u.sy) AS sy
    FROM (
        SELECT p.cx, p.cy, p.grp, p.n, p.sx, p.sy
        FROM tiles_pointcell AS p
        WHERE p.layer = {layer} AND p.z = {z}
          AND p.cx BETWEEN {x} * {cells} AND {x} * {cells} + {last}
          AND p.cy BETWEEN {y} * {cells} AND {y} * {cells} + {last}
        UNION ALL
        SELECT d.cx / {scale}, d.cy / {scale}, d.grp, d.n, d.sx, d.sy
        FROM tiles_pointdelta AS d
        WHERE d.layer = {layer}
          AND d.cx BETWEEN {x} * {cells} * {scale} AND ({x} * {cells} + {cells}) * {scale} - 1
          AND d.cy BETWEEN {y} * {cells} * {scale} AND ({y} * {cells} + {cells}) * {scale} - 1
    ) AS u
    GROUP BY u.cx, u.cy, u.grp
) AS c
WHERE c.n > 0
