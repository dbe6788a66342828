"""Figures render with the Agg backend (no display) and are closed after every test."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="package")
def small_data():
    """60 x 6 correlated design with a sparse truth, as (ndarray, DataFrame, y, coef)."""
    rng = np.random.default_rng(0)
    n, p = 60, 6
    z = rng.standard_normal((n, p))
    X = z.copy()
    X[:, 1] = 0.7 * z[:, 0] + np.sqrt(1 - 0.49) * z[:, 1]
    coef = np.array([2.0, 0.0, -1.5, 0.0, 0.5, 0.0])
    y = X @ coef + 0.5 * rng.standard_normal(n)
    df = pd.DataFrame(X, columns=["age", "dose", "bmi", "noise1", "bp", "noise2"])
    return X, df, y, coef
