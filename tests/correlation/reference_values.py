#!/usr/bin/python3
"""Reference values for tests/correlation/test_correlation.c, computed once
with SciPy 1.10.1 / NumPy 1.24.2 (Debian bookworm python3-scipy) by
    /usr/bin/python3 tests/correlation/reference_values.py
and pasted into the test. Not run by the test suite."""
import math

import numpy as np
from scipy import stats

# No ties (hand-picked reals).
A_X = [0.31, -1.20, 2.45, 0.07, 1.88, -0.66, 3.10, -2.05, 0.94, 1.21, -0.13, 2.02]
A_Y = [0.52, -0.40, 1.75, 0.88, 1.10, -1.35, 2.60, -0.95, 0.15, 1.95, 0.33, 0.71]
# Many ties: integer data with repeats.
B_X = [3, 1, 4, 1, 5, 2, 2, 3, 5, 4, 1, 3, 2, 4, 5, 1, 3, 3, 2, 4]
B_Y = [2, 1, 3, 2, 4, 2, 1, 3, 4, 4, 1, 2, 2, 3, 3, 2, 2, 3, 1, 4]
# Third variable for partial Spearman (no ties, and tied).
A_Z = [1.40, -0.30, 0.85, -1.10, 2.30, 0.05, 1.05, -0.75, -0.20, 0.60, 0.95, 1.70]
B_Z = [2, 0, 3, 1, 3, 1, 2, 2, 4, 3, 0, 2, 1, 3, 4, 0, 2, 3, 1, 3]


def formula_ties(i):
    """n = 300 integers with heavy ties, reproduced in C with the same integer formula."""
    x = (i * 37 + 11) % 17
    y = (i * i * 13 + 5) % 11 + (3 if x > 8 else 0)
    return x, y


def formula_reals(i):
    """n = 300 reals without ties (sin/cos: libm and NumPy agree to ~1 ulp)."""
    x = math.sin(1.7 * i) + 0.01 * i
    y = x + math.cos(2.3 * i)
    return x, y


def partial_by_residuals(x, y, z):
    """Independent partial Spearman: OLS of rank(x), rank(y) on [1, rank(z)], correlate residuals."""
    rx, ry, rz = (stats.rankdata(v) for v in (x, y, z))
    D = np.column_stack([np.ones(len(rz)), rz])
    ex = rx - D @ np.linalg.lstsq(D, rx, rcond=None)[0]
    ey = ry - D @ np.linalg.lstsq(D, ry, rcond=None)[0]
    return stats.pearsonr(ex, ey)[0]


def partial_by_formula(x, y, z):
    rxy = stats.spearmanr(x, y)[0]
    rxz = stats.spearmanr(x, z)[0]
    ryz = stats.spearmanr(y, z)[0]
    return (rxy - rxz * ryz) / math.sqrt((1 - rxz ** 2) * (1 - ryz ** 2))


def show(name, x, y):
    print(f"{name}: pearson {stats.pearsonr(x, y)[0]!r} spearman {stats.spearmanr(x, y)[0]!r} "
          f"kendall_b {stats.kendalltau(x, y)[0]!r}")


print("scipy", __import__("scipy").__version__, "numpy", np.__version__)
show("A", A_X, A_Y)
show("B", B_X, B_Y)
print("rankdata B_X", list(stats.rankdata(B_X)))
print("rankdata B_Y", list(stats.rankdata(B_Y)))
T = [formula_ties(i) for i in range(300)]
show("T300", [t[0] for t in T], [t[1] for t in T])
R = [formula_reals(i) for i in range(300)]
rx = sorted(r[0] for r in R)
ry = sorted(r[1] for r in R)
print("R300 min gaps", min(b - a for a, b in zip(rx, rx[1:])), min(b - a for a, b in zip(ry, ry[1:])))
show("R300", [r[0] for r in R], [r[1] for r in R])
xs = list(range(1, 11))
show("exp", xs, [math.exp(v) for v in xs])
show("negcube", xs, [-v ** 3 for v in xs])
show("hand4", [1, 2, 3, 4], [1, 3, 2, 2])
print("partial A formula", repr(partial_by_formula(A_X, A_Y, A_Z)),
      "residuals", repr(partial_by_residuals(A_X, A_Y, A_Z)))
print("partial B formula", repr(partial_by_formula(B_X, B_Y, B_Z)),
      "residuals", repr(partial_by_residuals(B_X, B_Y, B_Z)))
print("spearman A xz yz", repr(stats.spearmanr(A_X, A_Z)[0]), repr(stats.spearmanr(A_Y, A_Z)[0]))
# (scipy.stats.pearsonr raises on NaN in 1.10; spearmanr/kendalltau propagate it.)
print("nan", stats.spearmanr([1, 2, float("nan"), 4], [1, 2, 3, 4])[0],
      stats.kendalltau([1, 2, float("nan"), 4], [1, 2, 3, 4])[0],
      list(stats.rankdata([1, 2, float("nan"), 4])))
