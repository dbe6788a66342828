"""Proximal Newton for group GLMs (``shrinkage.solvers.group_newton``): the stopping rule."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.group_path import group_path


def _standardized(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def _nonzero_groups(coefs, groups):
    flat = np.abs(coefs.reshape(coefs.shape[0], groups.size, -1)).max(axis=2)
    return [np.unique(groups[row > 0]).size for row in flat]


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
@pytest.mark.parametrize("datafit", ["logistic", "multinomial"])
def test_first_alphas_below_alpha_max_have_the_right_support(datafit, l1_ratio):
    """Just below alpha_max the gap of w = 0 is within the default tol while a group violates
    its optimality condition: the solver must go on (a fine path began with six all-zero fits,
    reported converged)."""
    from sklearn.datasets import load_breast_cancer, load_iris

    if datafit == "logistic":
        X, y = load_breast_cancer(return_X_y=True)
        X, groups = _standardized(X[:, :12]), np.repeat(np.arange(6), 2)
    else:
        X, y = load_iris(return_X_y=True)
        X, groups = _standardized(X), np.array([0, 0, 1, 1])
    alpha_max = group_path(X, y, groups, datafit=datafit, l1_ratio=l1_ratio, n_alphas=2).alphas[0]
    alphas = alpha_max * (1.0 - np.array([0.0, 1e-4, 1e-3, 1e-2]))
    fits = group_path(X, y, groups, datafit=datafit, l1_ratio=l1_ratio, alphas=alphas)
    tight = group_path(
        X, y, groups, datafit=datafit, l1_ratio=l1_ratio, alphas=alphas, tol=1e-14, max_iter=100_000
    )
    assert _nonzero_groups(fits.coefs, groups) == _nonzero_groups(tight.coefs, groups)
    assert _nonzero_groups(fits.coefs, groups)[:2] == [0, 1]
    assert fits.converged.all()
