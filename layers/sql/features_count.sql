-- How many of a layer's features match (before any page).
SELECT count(*) FROM {source} WHERE {where}
