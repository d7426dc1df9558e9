-- The columns of layers_feature as the column list of a CREATE TABLE (importers/side_build.py):
-- types, collations and NOT NULL as the parent's, the id drawn from the parent's sequence so
-- that ids stay unique across partitions. Read from the catalogue only, which locks nothing:
-- the side build never waits for a lock the import's transaction holds on the parent.
SELECT string_agg(
    quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
    || CASE WHEN a.attcollation <> t.typcollation
            THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
    || CASE WHEN a.attname = 'id'
            THEN ' DEFAULT nextval(' || quote_literal(pg_get_serial_sequence('layers_feature', 'id'))
                 || '::regclass)'
            ELSE '' END,
    ', ' ORDER BY a.attnum)
FROM pg_attribute AS a
JOIN pg_type AS t ON t.oid = a.atttypid
WHERE a.attrelid = 'layers_feature'::regclass AND a.attnum > 0 AND NOT a.attisdropped
