-- Cells with counts from the pyramid ({rows}: mvt_pyramid_rows.sql), each drawn at the
-- mean of its points: count, cluster, and count_<attribute>_<value> per counted group.
SELECT ST_AsMVTGeom(
           ST_SetSRID(ST_MakePoint(
               sum(c.sx) FILTER (WHERE c.grp = '') / sum(c.n) FILTER (WHERE c.grp = ''),
               sum(c.sy) FILTER (WHERE c.grp = '') / sum(c.n) FILTER (WHERE c.grp = '')), 3857),
           (SELECT e FROM _tile), {extent}, 0, true) AS geom,
       NULL::bigint AS fid,
       jsonb_build_object('count', sum(c.n) FILTER (WHERE c.grp = '')::int, 'cluster', true)
       || coalesce(jsonb_object_agg('count_' || replace(c.grp, '=', '_'), c.n)
                   FILTER (WHERE c.grp <> ''), '{{}}'::jsonb) AS attrs
{rows}
GROUP BY c.cx, c.cy
HAVING sum(c.n) FILTER (WHERE c.grp = '') > 0
