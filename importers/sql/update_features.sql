-- Upsert, first half: features whose key is in the file take the file's geometry,
-- attributes, name and time, but only where something differs, so that importing the
-- same file again writes nothing (and the tile triggers see no change).
UPDATE layers_feature f
SET geom = s._geom, attributes = s.attributes, name = s._name, name_search = s._name_search,
    time = s._time
FROM (
    SELECT s._key, s._geom, {attributes} AS attributes, s._name, s._name_search, s._time
    FROM import_rows s
) s
WHERE f.layer_id = {layer_id}
  AND f.source_key = s._key
  AND (f.geom, f.attributes, f.name, f.time) IS DISTINCT FROM
      (s._geom, s.attributes, s._name, s._time)
