-- One layer of a vector tile: its rows ({rows}: geom, fid, attrs) as an MVT layer named
-- {name}; empty bytes when it has none.
(SELECT coalesce(ST_AsMVT(q, {name}, {extent}, 'geom', 'fid'), ''::bytea)
 FROM ({rows}) AS q
 WHERE q.geom IS NOT NULL)
