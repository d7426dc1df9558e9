-- A stored tile, only if every imported layer in it exists, is not hidden, and is public
-- or the caller (staff) may see staff-only layers: one query for a warm tile.
SELECT data, etag FROM tiles_cachedtile
WHERE layers_key = %(key)s AND z = %(z)s AND x = %(x)s AND y = %(y)s
  AND (SELECT count(*) FROM layers_layer AS l
       WHERE l.slug = ANY (%(imported)s) AND NOT l.is_hidden AND (l.is_public OR %(staff)s))
      = cardinality(%(imported)s::text[])
