-- Every leaf area of one generation (a ward, or a district without wards) with the former
-- district and former province it rolls up to. The leaf's label point (its official
-- centre; a point on its surface when it has none) is put through the one point-to-ward
-- rule (resolve_ward.sql) on "day": for today's generation, a day of the former
-- generation, so a current ward goes wholly to the former district holding its centre;
-- for a former generation, its own day, so a leaf finds itself and its own parents.
-- The district is the first area of level 'district' on the hit's chain (the hit itself,
-- its parent, its grandparent); the province likewise. No former generation: NULLs.
-- Parameters: generation_id (bigint), day (date).
WITH leaves AS (
    SELECT a.id, a.code, a.name, COALESCE(a.label_point, ST_PointOnSurface(a.geom)) AS centre
    FROM layers_administrativearea AS a
    WHERE a.generation_id = %(generation_id)s
      AND NOT EXISTS (SELECT 1 FROM layers_administrativearea AS c WHERE c.parent_id = a.id)
),
points AS (
    SELECT leaves.id AS key, leaves.centre AS geom FROM leaves
),
hits AS ({resolve_ward})
SELECT leaves.id, leaves.code, leaves.name,
       district.id AS district_id, district.code AS district_code,
       district.name AS district_name,
       province.id AS province_id, province.code AS province_code,
       province.name AS province_name
FROM leaves
LEFT JOIN hits ON hits.key = leaves.id
LEFT JOIN layers_administrativearea AS a0 ON a0.id = hits.area_id
LEFT JOIN layers_administrativearea AS a1 ON a1.id = a0.parent_id
LEFT JOIN layers_administrativearea AS a2 ON a2.id = a1.parent_id
LEFT JOIN LATERAL (
    SELECT chain.id, chain.code, chain.name
    FROM (VALUES (0, a0.id, a0.code, a0.name, a0.level), (1, a1.id, a1.code, a1.name, a1.level),
                 (2, a2.id, a2.code, a2.name, a2.level)) AS chain (depth, id, code, name, level)
    WHERE chain.level = 'district'
    ORDER BY chain.depth
    LIMIT 1
) AS district ON true
LEFT JOIN LATERAL (
    SELECT chain.id, chain.code, chain.name
    FROM (VALUES (0, a0.id, a0.code, a0.name, a0.level), (1, a1.id, a1.code, a1.name, a1.level),
                 (2, a2.id, a2.code, a2.name, a2.level)) AS chain (depth, id, code, name, level)
    WHERE chain.level = 'province'
    ORDER BY chain.depth
    LIMIT 1
) AS province ON true
ORDER BY leaves.code
