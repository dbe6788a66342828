"""Bundled real data and simulated designs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import DTypeLike

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Dataset:
    """A design, its response and the names of its columns.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        The design.
    y : ndarray of shape (n_samples,)
        The response.
    feature_names : list of str
        The names of X's columns.
    coef : ndarray of shape (n_features,) or None, default=None
        The true coefficients of a simulated design (None for real data).

    Examples
    --------
    >>> from shrinkage.datasets import load_diabetes
    >>> data = load_diabetes()
    >>> data.X.shape, data.feature_names[:3], data.coef is None
    ((442, 10), ['age', 'sex', 'bmi'], True)
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    coef: np.ndarray | None = None  # the true coefficients of a simulated design


def load_diabetes() -> Dataset:
    """scikit-learn's diabetes data (442 patients, 10 baseline variables, disease progression).

    Returns
    -------
    Dataset
        The scaled design (scikit-learn's), the progression a year later and the names.

    Examples
    --------
    >>> from shrinkage.datasets import load_diabetes
    >>> load_diabetes().y.shape
    (442,)
    """
    from sklearn.datasets import load_diabetes as _load

    data = _load()
    return Dataset(data.data, data.target, list(data.feature_names))


def diabetes_frame() -> pd.DataFrame:
    """scikit-learn's diabetes data as a table in its original units (age in years, body mass
    index, ...), the target named "progression": what ``shrinkage demo`` compares.

    Returns
    -------
    pandas.DataFrame
        Ten feature columns and "progression".

    Examples
    --------
    >>> from shrinkage.datasets import diabetes_frame
    >>> diabetes_frame().shape
    (442, 11)
    """
    from sklearn.datasets import load_diabetes as _load

    frame = _load(scaled=False, as_frame=True).frame
    return frame.rename(columns={"target": "progression"})


def make_correlated_regression(
    n_samples: int = 200,
    n_features: int = 1000,
    *,
    rho: float = 0.5,
    n_informative: int = 20,
    snr: float = 3.0,
    dtype: DTypeLike = np.float64,
    random_state: int | np.random.Generator | None = None,
) -> Dataset:
    """Gaussian design with Toeplitz correlation corr(x_i, x_j) = rho^|i-j| and a sparse truth.

    The informative features are spread evenly, their coefficients are +-1..2, and the noise is
    scaled so that std(X w) / std(noise) = snr.

    Parameters
    ----------
    n_samples : int, default=200
        The rows.
    n_features : int, default=1000
        The columns.
    rho : float, default=0.5
        The correlation of neighbouring columns, in [0, 1).
    n_informative : int, default=20
        The non-zero true coefficients, between 0 and n_features.
    snr : float, default=3.0
        std(X w) / std(noise).
    dtype : numpy dtype, default=numpy.float64
        The dtype of X and y.
    random_state : int or numpy.random.Generator, default=None
        The seed.

    Returns
    -------
    Dataset
        X (Fortran order), y, the names x0, x1, ... and the true ``coef``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.datasets import make_correlated_regression
    >>> data = make_correlated_regression(100, 50, n_informative=5, random_state=0)
    >>> data.X.shape, int(np.count_nonzero(data.coef))
    ((100, 50), 5)
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
