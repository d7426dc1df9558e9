-- The point-count pyramid's rows of layer {layer} inside tile {z}/{x}/{y}: level z holds
-- {cells} x {cells} cells per tile (tiles/pyramid.py). A FROM ... WHERE clause.
FROM tiles_pointcell AS c
WHERE c.layer = {layer} AND c.z = {z}
  AND c.cx BETWEEN {x} * {cells} AND {x} * {cells} + {last}
  AND c.cy BETWEEN {y} * {cells} AND {y} * {cells} + {last}
  AND c.n > 0
