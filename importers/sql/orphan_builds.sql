-- The side builds' tables (importers/side_build.py) that exist and are no partition: their
-- name and their builder's backend pid. A build swapped in was renamed to the partition.
SELECT c.relname::text, substring(c.relname FROM '^layers_feature_\d+_build_(\d+)$')::int
FROM pg_class AS c
WHERE c.relkind = 'r' AND NOT c.relispartition
  AND c.relnamespace = current_schema()::regnamespace
  AND c.relname ~ '^layers_feature_\d+_build_\d+$'
ORDER BY 1
