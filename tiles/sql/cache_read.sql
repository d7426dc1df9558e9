-- A stored tile: (gzip data, etag).
SELECT data, etag FROM tiles_cachedtile
WHERE layers_key = %(key)s AND z = %(z)s AND x = %(x)s AND y = %(y)s
