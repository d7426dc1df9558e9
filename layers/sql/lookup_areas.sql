-- The areas a lookup found, each once, with its parent and grandparent.
-- Parameters: ids (bigint array).
SELECT a.id,
       a.code, a.name, a.level, a.area_type,
       p.code, p.name, p.level, p.area_type,
       g.code, g.name, g.level, g.area_type
FROM layers_administrativearea AS a
LEFT JOIN layers_administrativearea AS p ON p.id = a.parent_id
LEFT JOIN layers_administrativearea AS g ON g.id = p.parent_id
WHERE a.id = ANY (%(ids)s::bigint[])
