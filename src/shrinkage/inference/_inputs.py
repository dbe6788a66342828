"""Input checks and the standardized design shared by the inference methods."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from .. import _validation as v
from .._typing import DesignMatrix


def refuse_unsupported(method: str, **arguments: object) -> None:
    """A ValueError naming the first argument given (not None) that ``method`` cannot honour."""
    for name, value in arguments.items():
        if value is not None:
            raise ValueError(
                f"{method} does not support {name}: its p-values and intervals are "
                f"derived for unweighted rows without an offset; got {name} of type "
                f"{type(value).__name__}. Leave {name}=None."
            )


def check_data(
    X: ArrayLike, y: ArrayLike, feature_names: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense float64 X (a sparse one is densified), its target, and one name per column."""
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    design: DesignMatrix = v.check_design(X)
    if sp.issparse(design):
        design = design.toarray()
    X = np.asarray(design, dtype=np.float64)
    y = v.check_target(y, X.shape[0])
    names = v.check_feature_names(feature_names, X.shape[1])
    if names is None:
        names = np.asarray([f"x{j}" for j in range(X.shape[1])], dtype=object)
    v.check_min_samples(X.shape[0], 3, "inference")
    return X, y, names


def standardize(X: np.ndarray, s: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Xs, sd): X centred by the s-weighted means and divided by the s-weighted sd (s sums to
    one).  A constant column is a ValueError: its coefficient is not identifiable next to the
    intercept."""
    mean = s @ X
    Xc = X - mean
    sd = np.sqrt(s @ Xc**2)
    scale = np.sqrt(s @ X**2)
    constant = sd <= 1e-12 * np.maximum(scale, 1e-300)
    if np.any(constant):
        raise ValueError(
            f"feature {v.listed(names[constant])} is constant: its coefficient is "
            "not identifiable next to the intercept; drop it first."
        )
    return Xc / sd, sd


def collinear_features(G: np.ndarray, n_samples: int, tol: float = 1e-9) -> np.ndarray:
    """Mask of the features that are linear combinations of the others, from the correlation
    matrix G (unit diagonal): with n - 1 >= p, those loading on an eigenvector whose eigenvalue
    is below tol; with p > n - 1 (every column is a combination of n - 1 others) the exact
    duplicates up to sign, |G_jk| >= 1 - tol."""
    p = G.shape[0]
    if n_samples - 1 >= p:
        values, vectors = np.linalg.eigh(G)
        null = vectors[:, values <= tol * p]
        return np.any(np.abs(null) > 1e-6, axis=1) if null.size else np.zeros(p, dtype=bool)
    off = np.abs(G - np.diag(np.diag(G)))
    return np.any(off >= 1.0 - tol, axis=1)
