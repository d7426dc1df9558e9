-- Place search: every part of a typed address (layers.place_text.Part) matched against
-- the names of facilities and of administrative units, narrowed by the parts that name a
-- unit exactly, with the ward of each place by the one rule (resolve_ward.sql, included
-- in the CTE "hits"). Units of the generation valid on the day are current; units of a
-- generation that ended before it are old names, which stand for the unit(s) they went
-- into (layers_wardsuccession); units of a generation not yet in force are not matched.
-- Parameters: ords, terms, cores, patterns, area_patterns, prefixes (arrays, one entry
-- per part: see Part), type_prefix (regex of the unit type words), ward (the level),
-- ward_rank, per_part (places kept per part, best first), day (date).
WITH parts AS (
    SELECT *
    FROM unnest(%(ords)s::int[], %(terms)s::text[], %(cores)s::text[], %(patterns)s::text[],
                %(area_patterns)s::text[], %(prefixes)s::text[])
        AS p (ord, term, core, pattern, area_pattern, prefixes)
),
matches AS (
    SELECT p.ord, x.kind, x.id, x.level, x.valid_to, t.tier
    FROM parts AS p
    CROSS JOIN LATERAL (
        -- valid_to is kept only for a generation that ended before the day (an old name).
        SELECT 'area' AS kind, a.id, a.name_search, a.level,
               CASE WHEN g.valid_to < %(day)s THEN g.valid_to END AS valid_to
        FROM layers_administrativearea AS a
        JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
        WHERE a.name_search LIKE p.area_pattern
          AND g.valid_from <= %(day)s
        UNION ALL
        SELECT 'facility', f.id, f.name_search, NULL, NULL
        FROM layers_facility AS f
        WHERE f.name_search LIKE p.pattern
    ) AS x
    CROSS JOIN LATERAL (
        SELECT trim(regexp_replace(x.name_search, '[^[:alnum:]]+', ' ', 'g')) AS norm
    ) AS n
    CROSS JOIN LATERAL (
        SELECT CASE WHEN x.kind = 'area' THEN regexp_replace(n.norm, %(type_prefix)s, '')
               END AS core
    ) AS c
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN p.term IN (n.norm, c.core) THEN 0
            WHEN ' ' || n.norm || ' ' LIKE '%% ' || p.term || ' %%' OR c.core = p.core THEN 1
            WHEN n.norm ~ p.prefixes THEN 2
        END AS tier
    ) AS t
    WHERE t.tier IS NOT NULL
),
-- A part that names a unit exactly narrows the other parts to that unit.
contexts AS (
    SELECT ord, id AS area_id FROM matches WHERE kind = 'area' AND tier = 0
),
context_parts AS (
    SELECT DISTINCT ord FROM contexts
),
places AS (
    -- A ward of the generation valid on the day: its label point.
    SELECT m.ord, m.tier, m.kind, a.name, a.name_search,
           NULL::text AS old_parent, NULL::date AS old_until, ARRAY[]::bigint[] AS ancestors,
           coalesce(a.label_point, ST_PointOnSurface(a.geom)) AS geom
    FROM matches AS m
    JOIN layers_administrativearea AS a ON a.id = m.id
    WHERE m.kind = 'area' AND m.valid_to IS NULL AND m.level = %(ward)s
    UNION ALL
    -- A unit of an earlier generation: a place in each unit it went into, inside both
    -- (its own centre when that is inside the new unit); the new unit's centre when the
    -- two shapes do not overlap at all.
    SELECT m.ord, m.tier, m.kind, o.name, o.name_search,
           up.name, m.valid_to, ARRAY[o.parent_id, up.parent_id]::bigint[],
           CASE
               WHEN i.geom IS NULL THEN o.centre
               WHEN NOT ST_IsEmpty(i.geom) THEN ST_PointOnSurface(i.geom)
               ELSE coalesce(nw.label_point, ST_PointOnSurface(nw.geom))
           END
    FROM matches AS m
    JOIN layers_wardsuccession AS s ON s.old_area_id = m.id
    JOIN LATERAL (
        SELECT a.*, coalesce(a.label_point, ST_PointOnSurface(a.geom)) AS centre
        FROM layers_administrativearea AS a WHERE a.id = m.id
    ) AS o ON true
    JOIN layers_administrativearea AS nw ON nw.id = s.new_area_id
    LEFT JOIN layers_administrativearea AS up ON up.id = o.parent_id
    LEFT JOIN LATERAL (
        SELECT ST_CollectionExtract(ST_Intersection(o.geom, nw.geom), 3) AS geom
        WHERE NOT ST_Contains(nw.geom, o.centre)
    ) AS i ON true
    WHERE m.kind = 'area' AND m.valid_to IS NOT NULL
    UNION ALL
    SELECT m.ord, m.tier, m.kind, f.name, f.name_search,
           NULL, NULL, ARRAY[]::bigint[], f.geom
    FROM matches AS m
    JOIN layers_facility AS f ON f.id = m.id
    WHERE m.kind = 'facility'
),
-- Every other part that names a unit must hold the place: by geometry, or (for an old
-- unit) by being its district or province.
kept AS (
    SELECT c.*,
           row_number() OVER (
               PARTITION BY c.ord ORDER BY c.tier, c.name_search, c.name
           ) AS rank
    FROM places AS c
    WHERE NOT EXISTS (
        SELECT 1
        FROM context_parts AS q
        WHERE q.ord <> c.ord
          AND NOT EXISTS (
              SELECT 1
              FROM contexts AS x
              WHERE x.ord = q.ord
                AND (x.area_id = ANY (c.ancestors)
                     OR EXISTS (SELECT 1
                                FROM layers_areasubdivision AS s
                                WHERE s.area_id = x.area_id AND ST_Covers(s.geom, c.geom)))
          )
    )
),
ranked AS (
    SELECT k.*, row_number() OVER (ORDER BY k.ord, k.rank) AS key
    FROM kept AS k
    WHERE k.rank <= %(per_part)s
),
points AS (
    SELECT key, geom FROM ranked
),
hits AS ({resolve_ward})
-- The ward of each place on the day, by the one rule; a place outside every ward is dropped.
SELECT k.ord, k.kind, k.tier, k.name, k.name_search, k.old_parent, k.old_until,
       ST_X(k.geom), ST_Y(k.geom), w.code, w.name,
       ARRAY(SELECT ord FROM context_parts) AS context_ords
FROM ranked AS k
JOIN hits AS h ON h.key = k.key AND h.level_rank = %(ward_rank)s
JOIN layers_administrativearea AS w ON w.id = h.area_id
ORDER BY k.ord, k.rank
