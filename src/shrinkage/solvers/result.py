"""The result every solver returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Fit:
    """Coefficients with their certificate: ``gap`` is the duality gap in objective units, or
    the largest KKT violation where ``certificate`` says "kkt"."""

    w: np.ndarray
    gap: float
    n_iter: int
    converged: bool
    tol: float  # the absolute gap the solver was asked to reach
    intercept: float | np.ndarray = 0.0  # K intercepts for K classes
    certificate: str = "duality_gap"
    dual: np.ndarray | None = field(default=None, repr=False, compare=False)  # the certifying
    # dual point, where the solver keeps it
    state: object = field(default=None, repr=False, compare=False)  # warm start for the next fit
