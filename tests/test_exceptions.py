"""Convergence warnings point at the user's line, however deep inside shrinkage they start."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import shrinkage
from shrinkage.exceptions import ShrinkageConvergenceWarning, user_stacklevel


def _data(n: int = 40, p: int = 30, tasks: int = 0):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.01 * rng.standard_normal(n)  # correlated: slow to converge
    w = np.zeros(p)
    w[:5] = 2.0
    y = X @ w + rng.standard_normal(n)
    if tasks:
        return X, np.column_stack([y + rng.standard_normal(n) for _ in range(tasks)])
    return X, y


def _binary(n: int = 60, p: int = 30):
    X, y = _data(n, p)
    return X, (y > np.median(y)).astype(float)


CALLS = {
    "path, lasso": lambda: shrinkage.path(*_data(), max_iter=1, tol=1e-14, n_alphas=5),
    "path, multi-task": lambda: shrinkage.path(
        *_data(tasks=2), multi_task=True, max_iter=1, tol=1e-14, n_alphas=5
    ),
    "path, logistic": lambda: shrinkage.path(
        *_binary(), datafit="logistic", max_iter=1, tol=1e-14, n_alphas=5
    ),
    "path, MCP": lambda: shrinkage.path(*_data(), penalty="mcp", max_iter=1, tol=1e-14, n_alphas=5),
    "group path": lambda: shrinkage.group_path(
        *_data(), groups=np.repeat(np.arange(10), 3), max_iter=1, tol=1e-14, n_alphas=5
    ),
    "Lasso.fit": lambda: shrinkage.Lasso(alpha=0.01, max_iter=1, tol=1e-14).fit(*_data()),
    "MultiTaskLasso.fit": lambda: shrinkage.MultiTaskLasso(alpha=0.01, max_iter=1, tol=1e-14).fit(
        *_data(tasks=2)
    ),
    "LogisticRegression.fit": lambda: shrinkage.LogisticRegression(
        alpha=0.001, max_iter=1, tol=1e-14
    ).fit(*_binary()),
    "LassoCV.fit": lambda: shrinkage.LassoCV(n_alphas=5, cv=3, max_iter=1, tol=1e-14).fit(*_data()),
    "LogisticRegressionCV.fit": lambda: shrinkage.LogisticRegressionCV(
        n_alphas=5, cv=3, max_iter=1, tol=1e-14
    ).fit(*_binary()),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_convergence_warning_points_at_the_callers_line(name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CALLS[name]()
    ours = [w for w in caught if issubclass(w.category, ShrinkageConvergenceWarning)]
    assert ours, f"{name}: expected a convergence warning at max_iter=1"
    assert {w.filename for w in ours} == {__file__}


def test_user_stacklevel_is_one_outside_the_package():
    # called from this test file (outside the package): the caller itself is the user's frame
    assert user_stacklevel() == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LassoCV.fit", "LassoCV: "),
        ("LogisticRegressionCV.fit", "LogisticRegressionCV: "),
    ],
)
def test_cross_validation_summarises_its_fits_in_one_warning(name, expected):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CALLS[name]()
    ours = [str(w.message) for w in caught if issubclass(w.category, ShrinkageConvergenceWarning)]
    assert len(ours) == 1
    assert ours[0].startswith(expected)
    assert " of 15 fold fits and " in ours[0]  # 3 folds x 5 alphas
