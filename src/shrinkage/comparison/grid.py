"""The L2 grid of ``compare``, set by the spectrum of X (ridge has no alpha_max).

From 100 tr(G) (an effectively null model) down to 1e-4 tr(G) / m (at most a 1e-2 relative
shrinkage of any direction whose eigenvalue is above 1e-2 of the mean), with G the Gram matrix of
the (standardized) centred X and m its number of non-constant columns: the grid does not depend
on the scale of y.  Classification multiplies it by the logistic curvature of the null model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def ridge_grid(X, standardize: bool, n_alphas: int, constant: np.ndarray) -> np.ndarray:
    """The L2 grid (module docstring): from 100 tr(G) down to 1e-4 tr(G) / m."""
    keep = np.ones(X.shape[1], dtype=bool)
    keep[constant] = False
    m = int(keep.sum())
    if standardize:
        trace = float(m)
    else:
        if sp.issparse(X):
            mean = np.asarray(X.mean(axis=0)).ravel()
            var = np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean**2
        else:
            var = X.var(axis=0, dtype=np.float64)
        trace = float(np.sum(np.maximum(var[keep], 0.0)))
    return np.geomspace(100.0 * trace, 1e-4 * trace / m, n_alphas)
