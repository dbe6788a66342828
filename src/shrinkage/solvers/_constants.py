"""The solvers' tuning constants, each defined once with what it is.

Where two solvers used different values for one idea, each keeps its own under a name that says
where it applies (no result changes); nothing showed one value right for both.

numba reads ``FAST_MATH`` when a kernel is compiled, and its cache is keyed by the kernel's own
file: after changing it, clear the kernels' caches (``__pycache__/*.nbi``, ``*.nbc``).
"""

from __future__ import annotations

import numpy as np

#: numba fastmath flags of the solvers' loops (never of a certificate kernel): reassociation
#: lets LLVM vectorize dot products; NaN and inf semantics are kept (bounds use inf)
FAST_MATH = {"reassoc", "contract"}
#: numba fastmath flags of the loops that gather through a CSC design's row indices (a dot of a
#: sparse column with a dense vector): without reassociation LLVM keeps them scalar, which was
#: faster than its vectorized gathers (AVX-512 here): one pass over 1e6 stored values took
#: 1.7 ms instead of 2.5 ms, a CD epoch on 25000 columns 2.0 ms instead of 2.35 ms
GATHER_MATH = {"contract"}
#: size of the first working set (coordinates or groups), doubled as it grows
WS_START = 10
#: an inner solve on the working set stops when its largest KKT violation is below this
#: fraction of the outer one
INNER_FRACTION = 0.3
#: Newton steps at most per working set (proximal Newton, multinomial)
MAX_NEWTON = 50
#: the sufficient decrease of the backtracking line searches (Armijo)
ARMIJO = 1e-4
#: relative rounding of an objective value in the in-memory proximal Newton solvers (stall test,
#: line-search slack, smallest step) and the multinomial one
NEWTON_ROUNDING = 1e3 * np.finfo(float).eps
#: relative rounding of an objective value in the Dask Newton solver (line-search slack,
#: accepting a polished point)
DASK_NEWTON_ROUNDING = 64 * np.finfo(float).eps
