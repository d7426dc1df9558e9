-- The points of each cell (pts of mvt_grid_cells.sql) counted per value of each counted
-- property ({per_group}: one SELECT cx, cy, k, n per property, joined by UNION ALL).
SELECT cx, cy, jsonb_object_agg(k, n) AS counts
FROM ({per_group}) AS s
GROUP BY cx, cy
