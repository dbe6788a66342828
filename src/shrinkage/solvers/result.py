"""The result every solver returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Fit:
    """Coefficients with their certificate: ``gap`` is the duality gap in objective units."""

    w: np.ndarray
    gap: float
    n_iter: int
    converged: bool
    tol: float  # the absolute gap the solver was asked to reach
    state: object = field(default=None, repr=False, compare=False)  # warm start for the next fit
