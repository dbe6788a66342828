"""Bundled real data and simulated designs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    coef: np.ndarray | None = None  # the true coefficients of a simulated design


def load_diabetes() -> Dataset:
    """scikit-learn's diabetes data (442 patients, 10 baseline variables, disease progression)."""
    from sklearn.datasets import load_diabetes as _load

    data = _load()
    return Dataset(data.data, data.target, list(data.feature_names))


def diabetes_frame():
    """scikit-learn's diabetes data as a table in its original units (age in years, body mass
    index, ...), the target named "progression": what ``shrinkage demo`` compares.

    Examples
    --------
    >>> diabetes_frame().shape
    (442, 11)
    """
    from sklearn.datasets import load_diabetes as _load

    frame = _load(scaled=False, as_frame=True).frame
    return frame.rename(columns={"target": "progression"})


def make_correlated_regression(n_samples: int = 200, n_features: int = 1000, *, rho: float = 0.5,
                               n_informative: int = 20, snr: float = 3.0,
                               dtype=np.float64, random_state=None) -> Dataset:
    """Gaussian design with Toeplitz correlation corr(x_i, x_j) = rho^|i-j| and a sparse truth.

    The informative features are spread evenly, their coefficients are +-1..2, and the noise is
    scaled so that std(X w) / std(noise) = snr.
    """
    if not 0 <= rho < 1:
        raise ValueError(f"rho must be in [0, 1); got {rho!r}.")
    if not 0 <= n_informative <= n_features:
        raise ValueError("n_informative must be between 0 and n_features.")
    rng = np.random.default_rng(random_state)
    # AR(1) columns have exactly the Toeplitz correlation rho^|i-j|
    X = np.empty((n_samples, n_features), dtype=dtype, order="F")
    X[:, 0] = rng.standard_normal(n_samples)
    innovation = np.sqrt(1.0 - rho**2)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + innovation * rng.standard_normal(n_samples)
    coef = np.zeros(n_features)
    support = np.linspace(0, n_features - 1, n_informative).astype(int)
    coef[support] = rng.choice([-1.0, 1.0], len(support)) * rng.uniform(1.0, 2.0, len(support))
    signal = X @ coef
    noise_sd = signal.std() / snr if signal.std() > 0 else 1.0
    y = signal + noise_sd * rng.standard_normal(n_samples)
    names = [f"x{j}" for j in range(n_features)]
    return Dataset(X, y.astype(dtype), names, coef)
