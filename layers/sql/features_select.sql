-- The features of a layer that match, in order, one page of them.
{bound}SELECT {columns}
FROM {source}
WHERE {where}
ORDER BY {order}{page}
