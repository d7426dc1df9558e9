-- One page of a layer's features: the page's rows picked first, by their keys only, then
-- formatted, so that a page deep into a big layer does not format every row it skips.
SELECT {columns}
FROM {source}
WHERE t.id IN (SELECT t.id FROM {source} WHERE {where} ORDER BY {order}{page})
ORDER BY {order}
