"""solver="auto": the one place where the solver is chosen, with the reasons."""

from __future__ import annotations

SOLVERS = ("auto", "cd", "gram")

# Gram mode forms a p x p matrix once (O(n p^2), BLAS-3) and then pays O(p) per coordinate
# update instead of O(n).  It wins when n is well above p and the matrix is small enough to keep.
_GRAM_MIN_RATIO = 2
_GRAM_MAX_FEATURES = 4000


def choose_solver(solver: str, n_samples: int, n_features: int) -> str:
    """'gram' for n >= 2p with p <= 4000 (dense or sparse), else working-set 'cd'."""
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}; got {solver!r}.")
    if solver != "auto":
        return solver
    if n_samples >= _GRAM_MIN_RATIO * n_features and n_features <= _GRAM_MAX_FEATURES:
        return "gram"
    return "cd"
