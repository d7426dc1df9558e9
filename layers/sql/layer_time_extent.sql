-- The first and last time of a layer's features that have a geometry.
SELECT min({time}), max({time}) FROM {source} WHERE {where} AND {geom} IS NOT NULL
