"""The benchmark problems: seeded correlated designs with a sparse truth, and the shared alpha grid.

Every library gets the same ``Problem``: raw ``X`` and ``y`` (fit_intercept=True is everyone's job),
the same decreasing alpha grid and the same ``l1_ratio``.  The grid is computed here, once, from the
centred data: ``alpha_max = max_j |X_c[:, j]' y_c| / (n * l1_ratio)``, then ``n_alphas`` values on a
log scale down to ``alpha_max * alpha_min_ratio``.

Design: rows are i.i.d. Gaussian with Toeplitz correlation ``corr(x_i, x_j) = rho**|i - j|``,
generated column by column as a stationary AR(1) sequence (exact correlation, O(n p) work, no
Cholesky of a p x p matrix).  Truth: ``n_nonzero`` coefficients at seeded random positions,
values +-(1 .. 2); the noise standard deviation makes ``SNR = var(X w) / sigma**2`` equal ``snr``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Spec:
    name: str
    n: int
    p: int
    alpha_min_ratio: float
    n_alphas: int = 100
    l1_ratio: float = 1.0
    rho: float = 0.5
    n_nonzero: int = 20
    snr: float = 4.0
    seed: int = 0

    def describe(self) -> str:
        kind = "lasso" if self.l1_ratio == 1.0 else f"elastic net (l1_ratio={self.l1_ratio})"
        return (
            f"{kind}, n={self.n}, p={self.p}, Toeplitz rho={self.rho}, {self.n_nonzero} true "
            f"non-zeros, SNR={self.snr}, {self.n_alphas} alphas down to "
            f"{self.alpha_min_ratio:g} * alpha_max"
        )


@dataclass(frozen=True)
class Problem:
    spec: Spec
    X: np.ndarray
    y: np.ndarray
    alphas: np.ndarray
    w_true: np.ndarray

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def l1_ratio(self) -> float:
        return self.spec.l1_ratio


SPECS = {
    "a": Spec("a", n=200, p=10_000, alpha_min_ratio=1e-2),
    "b": Spec("b", n=10_000, p=200, alpha_min_ratio=1e-4),
    "c": Spec("c", n=200_000, p=200, alpha_min_ratio=1e-4),
    # small, for smoke tests of the harness and for the JIT warm-up
    "tiny": Spec("tiny", n=60, p=30, alpha_min_ratio=1e-2, n_alphas=10, n_nonzero=5),
}


def toeplitz_design(n: int, p: int, rho: float, rng: np.random.Generator) -> np.ndarray:
    """n x p, C-ordered float64, rows ~ N(0, Sigma) with Sigma_ij = rho**|i - j|."""
    X = rng.standard_normal((n, p))
    innovation = np.sqrt(1.0 - rho * rho)
    for j in range(1, p):  # x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j keeps unit variance
        X[:, j] *= innovation
        X[:, j] += rho * X[:, j - 1]
    return X


def alpha_grid(
    X: np.ndarray, y: np.ndarray, n_alphas: int, alpha_min_ratio: float, l1_ratio: float
) -> np.ndarray:
    """The shared grid (scikit-learn's alpha_max for fit_intercept=True)."""
    n = X.shape[0]
    y_c = y - y.mean()
    corr = X.T @ y_c - X.sum(axis=0) * y_c.sum() / n  # = X_c' y_c without copying X
    alpha_max = np.max(np.abs(corr)) / (n * l1_ratio)
    return np.geomspace(alpha_max, alpha_max * alpha_min_ratio, n_alphas)


def make(spec: Spec | str) -> Problem:
    """Build a problem deterministically from its spec (same arrays on every call)."""
    spec = SPECS[spec] if isinstance(spec, str) else spec
    rng = np.random.default_rng(spec.seed)
    X = toeplitz_design(spec.n, spec.p, spec.rho, rng)
    X += 0.5  # a non-zero mean in every column, so that the intercept handling is exercised
    w = np.zeros(spec.p)
    support = rng.choice(spec.p, spec.n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], spec.n_nonzero) * rng.uniform(1.0, 2.0, spec.n_nonzero)
    signal = X @ w
    sigma = np.sqrt(np.var(signal) / spec.snr)
    y = signal + 3.0 + sigma * rng.standard_normal(spec.n)
    alphas = alpha_grid(X, y, spec.n_alphas, spec.alpha_min_ratio, spec.l1_ratio)
    return Problem(spec, X, y, alphas, w)


# ----------------------------------------------------------------------------------------------
# L1 logistic regression (benchmarks/logistic.py): labels in {-1, +1}, no intercept


@dataclass(frozen=True)
class LogisticProblem:
    """X (C-ordered dense or CSC), y in {-1, +1}, and alpha_max of the un-intercepted L1 logistic.

    Objective (benchmarks/certify.py): (1/n) sum_i log(1 + exp(-y_i x_i.w)) + alpha ||w||_1;
    alpha_max = ||X' y||_inf / (2 n) (the gradient at w = 0 is -X'y / (2n)).
    """

    name: str
    description: str
    X: object
    y: np.ndarray
    w_true: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    @property
    def alpha_max(self) -> float:
        return float(np.max(np.abs(self.X.T @ self.y))) / (2.0 * self.X.shape[0])


def _logistic_labels(eta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """y_i = +1 with probability 1 / (1 + exp(-eta_i)), else -1."""
    prob = 1.0 / (1.0 + np.exp(-eta))
    return np.where(rng.uniform(size=eta.shape[0]) < prob, 1.0, -1.0)


def _sparse_truth(p: int, n_nonzero: int, rng: np.random.Generator) -> np.ndarray:
    w = np.zeros(p)
    support = rng.choice(p, n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], n_nonzero) * rng.uniform(1.0, 2.0, n_nonzero)
    return w


def logistic_dense(
    n: int = 500,
    p: int = 5_000,
    rho: float = 0.6,
    n_nonzero: int = 20,
    signal_sd: float = 2.0,
    seed: int = 0,
) -> LogisticProblem:
    """Toeplitz Gaussian design (rho^|i-j|), sparse truth scaled so sd(X w) = signal_sd."""
    rng = np.random.default_rng(seed)
    X = toeplitz_design(n, p, rho, rng)
    w = _sparse_truth(p, n_nonzero, rng)
    w *= signal_sd / np.std(X @ w)
    y = _logistic_labels(X @ w, rng)
    return LogisticProblem(
        "dense",
        f"dense n={n}, p={p}, Toeplitz rho={rho}, {n_nonzero} true non-zeros, "
        f"sd(X w)={signal_sd:g}, y ~ logistic(X w) in {{-1, +1}}",
        X,
        y,
        w,
    )


def logistic_sparse(
    n: int = 20_000,
    p: int = 50_000,
    density: float = 1e-3,
    n_nonzero: int = 2_000,
    signal_sd: float = 2.0,
    seed: int = 0,
    name: str = "sparse",
) -> LogisticProblem:
    """Random CSC design (uniform positions, N(0, 1) values), sparse truth, sd(X w) = signal_sd."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    X = sp.random(
        n,
        p,
        density=density,
        format="csc",
        random_state=rng,
        data_rvs=rng.standard_normal,
        dtype=np.float64,
    )
    X.sort_indices()
    w = _sparse_truth(p, n_nonzero, rng)
    w *= signal_sd / np.std(X @ w)
    y = _logistic_labels(X @ w, rng)
    return LogisticProblem(
        name,
        f"sparse CSC n={n}, p={p}, density={density:g} ({X.nnz} non-zeros, N(0, 1) "
        f"values), {n_nonzero} true non-zeros, sd(X w)={signal_sd:g}, y ~ logistic(X w) in "
        "{-1, +1}",
        X,
        y,
        w,
    )


def logistic_sparse_quick() -> LogisticProblem:
    """The sparse problem at a fifth of its size (n=4000, p=10000), for quick runs."""
    return logistic_sparse(n=4_000, p=10_000, n_nonzero=400, name="sparse-quick")


LOGISTIC = {
    "dense": logistic_dense,
    "sparse": logistic_sparse,
    "sparse-quick": logistic_sparse_quick,
}


# ----------------------------------------------------------------------------------------------
# sparse least squares (benchmarks/regimes.py): a CSC design every library handles


@dataclass(frozen=True)
class SparseSpec:
    """A random CSC design with positive values (non-zero column means: centring is exercised)."""

    name: str
    n: int
    p: int
    density: float
    alpha_min_ratio: float
    n_alphas: int = 100
    l1_ratio: float = 1.0
    n_nonzero: int = 50
    snr: float = 4.0
    seed: int = 0

    def describe(self) -> str:
        kind = "lasso" if self.l1_ratio == 1.0 else f"elastic net (l1_ratio={self.l1_ratio})"
        return (
            f"{kind}, sparse CSC n={self.n}, p={self.p}, density={self.density:g} (values "
            f"uniform on [0.5, 1.5]), {self.n_nonzero} true non-zeros, SNR={self.snr}"
        )


def make_sparse(spec: SparseSpec) -> Problem:
    """Build the sparse problem deterministically (int32 CSC indices, sorted, as scipy makes
    them); ``alphas`` is the spec's grid, computed without densifying X."""
    import scipy.sparse as sp

    rng = np.random.default_rng(spec.seed)
    X = sp.random(
        spec.n,
        spec.p,
        density=spec.density,
        format="csc",
        random_state=rng,
        data_rvs=lambda k: rng.uniform(0.5, 1.5, k),
        dtype=np.float64,
    )
    X.sort_indices()
    w = _sparse_truth(spec.p, spec.n_nonzero, rng)
    signal = X @ w
    sigma = np.sqrt(np.var(signal) / spec.snr)
    y = signal + 3.0 + sigma * rng.standard_normal(spec.n)
    alphas = alpha_grid(X, y, spec.n_alphas, spec.alpha_min_ratio, spec.l1_ratio)
    return Problem(spec, X, y, alphas, w)  # type: ignore[arg-type]
