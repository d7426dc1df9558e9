-- Each index of layers_feature as a CREATE INDEX on the side build's table %(tbl)s
-- (importers/side_build.py), with its access method; the longest builds first (GIN, then
-- GiST, then btree). The primary key's index is made UNIQUE under a free name (the third
-- column), which becomes the key once every build is done. From the catalogue only.
WITH pk AS (
    SELECT s.n FROM (
        SELECT %(tbl)s || '_pkey' || CASE WHEN g = 0 THEN '' ELSE g::text END AS n, g
        FROM generate_series(0, 99) AS g
    ) AS s
    WHERE to_regclass(quote_ident(s.n)) IS NULL
    ORDER BY s.g LIMIT 1
)
SELECT regexp_replace(
           pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ ',
           'CREATE \1INDEX '
           || CASE WHEN i.indisprimary THEN quote_ident((SELECT n FROM pk)) || ' ' ELSE '' END
           || 'ON ' || quote_ident(%(tbl)s) || ' '),
       a.amname::text,
       CASE WHEN i.indisprimary THEN (SELECT n FROM pk) END
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_am AS a ON a.oid = c.relam
WHERE i.indrelid = 'layers_feature'::regclass
ORDER BY a.amname = 'btree', a.amname = 'gist', i.indexrelid
