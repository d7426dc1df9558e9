-- Each row of the features query (_id, _geometry: GeoJSON or NULL, _properties: json) as
-- the text of one GeoJSON Feature (layers/features.py).
SELECT '{{"type":"Feature","id":' || to_json(s._id)::text
       || ',"geometry":' || coalesce(s._geometry, 'null')
       || ',"properties":' || s._properties::text || '}}'
FROM ({rows}) AS s
