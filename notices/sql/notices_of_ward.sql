-- The published notices of a ward's feed: those whose area shares ground with the ward
-- (interiors intersect: an area that only touches the ward's border is a neighbour's),
-- newest first, at most %(limit)s.
-- Parameters: ward_id (layers_administrativearea.id), limit.
SELECT n.*
FROM notices_notice AS n
JOIN layers_administrativearea AS w ON w.id = %(ward_id)s
WHERE n.status = 'published'
  AND n.geom && w.geom
  AND ST_Relate(n.geom, w.geom, 'T********')
ORDER BY n.published_at DESC NULLS LAST, n.id DESC
LIMIT %(limit)s
