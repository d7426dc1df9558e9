-- Realistic ward boundaries for the lookup benchmark, made from a generation's wards:
-- every shared edge is cut once (the union of the ward outlines), densified to one vertex
-- every %(spacing)s metres (ST_Segmentize in UTM 48N) and moved by one smooth, deterministic
-- displacement field (six octaves of sines, %(amplitude)s m at the coarsest, halving with
-- the wavelength). The field is a function of the position alone, so a vertex two edges
-- share (a junction) moves once and neighbours stay consistent; the moved edges are noded
-- and polygonised, which gives a gap-free, non-overlapping partition by construction, and
-- each face goes to the source ward it overlaps most. Rows: (source ward id, geometry).
WITH wards AS (
    SELECT a.id, a.geom FROM layers_administrativearea AS a
    WHERE a.generation_id = %(source)s AND a.level = 'ward'
),
edges AS (
    SELECT row_number() OVER () AS n, d.geom AS line
    FROM (SELECT ST_LineMerge(ST_Union(ST_Boundary(ST_Transform(w.geom, 32648)))) AS lines
          FROM wards AS w) AS u,
         LATERAL ST_Dump(u.lines) AS d
),
moved AS (
    SELECT e.n,
           ST_MakeLine(ST_MakePoint(ST_X(v.geom) + f.dx, ST_Y(v.geom) + f.dy)
                       ORDER BY v.path[1]) AS line
    FROM edges AS e,
         LATERAL ST_DumpPoints(ST_Segmentize(e.line, %(spacing)s)) AS v,
         LATERAL (
             SELECT sum(a * sin(2 * pi() * (ST_X(v.geom) * cos(k * 2.4) + ST_Y(v.geom) * sin(k * 2.4)) / len + k * 1.7)) AS dx,
                    sum(a * sin(2 * pi() * (ST_X(v.geom) * cos(k * 2.4 + 1.1) + ST_Y(v.geom) * sin(k * 2.4 + 1.1)) / len + k * 0.9)) AS dy
             FROM generate_series(0, 5) AS k,
                  LATERAL (SELECT %(amplitude)s * 0.5 ^ k AS a, 20 * %(amplitude)s * 0.5 ^ k AS len) AS o
         ) AS f
    GROUP BY e.n
),
faces AS (
    SELECT (ST_Dump(ST_Polygonize(m.noded))).geom AS geom
    FROM (SELECT ST_UnaryUnion(ST_Collect(ST_Transform(ST_SetSRID(line, 32648), 4326))) AS noded
          FROM moved) AS m
),
owned AS (
    SELECT best.id, f.geom
    FROM faces AS f,
         LATERAL (SELECT w.id, ST_Area(ST_Intersection(w.geom, f.geom)) AS shared
                  FROM wards AS w WHERE w.geom && f.geom
                  ORDER BY 2 DESC, w.id LIMIT 1) AS best
    WHERE best.shared > 0.5 * ST_Area(f.geom)
)
SELECT o.id, ST_Multi(ST_Union(o.geom)) AS geom FROM owned AS o GROUP BY o.id
