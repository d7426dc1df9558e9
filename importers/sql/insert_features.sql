-- New features from the staged rows, in file order: the staging table is private, filled
-- in order and never updated, so its sequential scan is that order and no sort is needed.
-- The attributes placeholder is the jsonb object of the staged attribute columns
-- (importers/writer.py composes it with psycopg.sql); the only_new placeholder is empty,
-- or for an upsert a condition that skips keys the layer already has. The table placeholder
-- is layers_feature (append, upsert) or the standalone table of a new or replaced layer
-- (importers/swap.py), whose ids come from the same sequence.
INSERT INTO {table} (layer_id, geom, attributes, name, name_search, time, source_key)
SELECT {layer_id}, s._geom, {attributes}, s._name, s._name_search, s._time, coalesce(s._key, '')
FROM import_rows s
WHERE true {only_new}
