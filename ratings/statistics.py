"""The statistics of a ward's ratings that SQL does not give: the 95 % confidence interval
of the mean (Student's t), computed from the count, mean and sample standard deviation."""

import math

# Two-sided 95 %: t(0.975, df) for 1..30 degrees of freedom (standard tables).
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip
_Z975 = 1.959964


def t_quantile_975(df: int) -> float:
    """t(0.975, df): the table up to 30 degrees of freedom, beyond it the Cornish–Fisher
    expansion around the normal quantile (off by less than 1e-4 there)."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def mean_interval(
    n: int, mean: float | None, sd: float | None, low: float = 1.0, high: float = 5.0
) -> tuple[float, float] | None:
    """The 95 % confidence interval of the mean, mean ± t·sd/√n, kept within the scale
    [low, high]; None under two ratings (no spread to estimate)."""
    if n < 2 or mean is None or sd is None:
        return None
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return max(low, mean - half), min(high, mean + half)
