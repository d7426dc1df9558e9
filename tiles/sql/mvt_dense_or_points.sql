-- Below zoom 16 a tile holding more than {max_points} points (the pyramid's count,
-- {rows}: mvt_pyramid_rows.sql) carries the pyramid's cells instead.
(CASE WHEN (SELECT coalesce(sum(c.n), 0) {rows} AND c.grp = '') > {max_points}
      THEN {cells}
      ELSE {points}
 END)
