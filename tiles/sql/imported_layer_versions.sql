-- Imported layers' rows, each with its version: the md5 of the whole row, the same
-- expression cache_read_or_make_imported.sql compares against (tiles/services.py).
SELECT l.*, md5(l::text) AS version FROM layers_layer AS l WHERE l.slug = ANY (%(slugs)s)
