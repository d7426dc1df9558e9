-- The k nearest features by the index (in degrees) bound the search radius in metres: the
-- farthest of them from the point. Every feature within it is then measured exactly.
WITH _bound AS (
    SELECT max(ST_Distance(_k._g::geography, {point}::geography)) AS d
    FROM (SELECT {geom} AS _g FROM {source} WHERE {where}
          ORDER BY {geom} <-> {point} LIMIT {k}) AS _k)
