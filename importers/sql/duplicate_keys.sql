-- Rows whose key an earlier row of the same file already has: the first one wins.
SELECT s._row, s._key, first_row
FROM (
    SELECT _row, _key, min(_row) OVER (PARTITION BY _key) AS first_row
    FROM import_rows
) s
WHERE s._row <> s.first_row
ORDER BY s._row
