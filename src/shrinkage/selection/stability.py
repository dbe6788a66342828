"""Stability selection (Meinshausen & Buhlmann 2010), complementary pairs (Shah & Samworth 2013).

The lasso (or elastic net) is fitted on many random subsamples of the rows, on one shared grid
of alphas; the selection frequency of feature j at alpha is the fraction of subsamples whose fit
has w_j != 0.  A feature is *stable* when its largest frequency over the alpha range reaches the
threshold.  The expected number of falsely selected features is bounded by the
Meinshausen-Buhlmann bound (MB 2010, Theorem 1):

    E[V] <= q^2 / ((2 threshold - 1) p),      for threshold in (0.5, 1],

with q the average number of features selected (at any alpha of the range) per subsample and p
the number of features.  It assumes the noise features are exchangeable and that the lasso does
no worse than random guessing.  Shah & Samworth (2013, Theorem 1) show that under the same
assumptions it also holds for complementary pairs (each draw splits the rows into two disjoint
halves, both fitted); their tighter bounds need further assumptions and are not computed here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from .. import _validation as v
from .._problem import Problem
from .._progress import track
from ..exceptions import ShrinkageConvergenceWarning, user_stacklevel
from ..path import alpha_grid, default_alpha_min_ratio, path, solve_path


@dataclass(frozen=True)
class StabilityResult:
    """Selection frequencies over subsamples and the stable set they give.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The shared grid, decreasing.
    frequencies : ndarray of shape (n_alphas, n_features)
        The fraction of the subsample fits with w_j != 0 at each alpha.
    max_frequency : ndarray of shape (n_features,)
        The largest frequency of each feature over the grid.
    stable_set : ndarray of int
        The indices j with max_frequency[j] >= threshold, increasing.
    threshold : float
        The frequency a feature needs to be stable.
    q : float
        The average, over subsample fits, of the number of features selected at any alpha of
        the grid (the union of the selected sets along the grid).
    expected_false_bound : float
        The Meinshausen-Buhlmann bound q^2 / ((2 threshold - 1) p) on the expected number of
        noise features in ``stable_set``.
    n_fits : int
        The number of subsample fits (2 n_subsamples with complementary pairs).
    subsample_size : int
        The rows in each subsample.
    complementary_pairs : bool
        As requested.
    l1_ratio : float
        As requested.
    n_not_converged : int, default=0
        The subsample fits that stopped at max_iter at some alpha.
    feature_names : ndarray of shape (n_features,) or None, default=None
        The names of the columns, when known.
    n_features : int
        The number of columns.
    stable_names : list of str or None
        The names of the stable features (None without feature names).

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.stability_selection(X, y, n_subsamples=10, random_state=0)
    >>> result.n_fits, result.subsample_size  # 10 complementary pairs of 30 rows
    (20, 30)
    >>> result.max_frequency.round(2)
    array([1., 0., 0., 1.])
    """

    alphas: np.ndarray
    frequencies: np.ndarray
    max_frequency: np.ndarray
    stable_set: np.ndarray
    threshold: float
    q: float
    expected_false_bound: float
    n_fits: int
    subsample_size: int
    complementary_pairs: bool
    l1_ratio: float
    n_not_converged: int = 0
    feature_names: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.frequencies.shape[1]

    @property
    def stable_names(self) -> list[str] | None:
        """Names of the stable features (None without feature names)."""
        if self.feature_names is None:
            return None
        return [str(self.feature_names[j]) for j in self.stable_set]

    def at_threshold(self, threshold: float) -> StabilityResult:
        """The same frequencies with another threshold (new stable set and bound), no refit."""
        threshold = check_threshold(threshold)
        return replace(
            self,
            threshold=threshold,
            stable_set=np.flatnonzero(self.max_frequency >= threshold),
            expected_false_bound=expected_false_selections_bound(
                self.q, self.n_features, threshold
            ),
        )


def check_threshold(threshold) -> float:
    return v.check_fraction(
        threshold,
        "threshold",
        low=0.5,
        high=1.0,
        high_open=False,
        hint=" (the Meinshausen-Buhlmann error bound needs threshold > 0.5)",
    )


def expected_false_selections_bound(q: float, n_features: int, threshold: float) -> float:
    """Meinshausen & Buhlmann (2010, Theorem 1): E[V] <= q^2 / ((2 threshold - 1) p).

    q is the expected number of features selected over the alpha range by one subsample fit,
    p the number of features, threshold in (0.5, 1] the selection-frequency cut-off.
    """
    threshold = check_threshold(threshold)
    v.check_positive_int(n_features, "n_features")
    q = v.check_nonnegative(q, "q")
    return q * q / ((2.0 * threshold - 1.0) * n_features)


def stability_selection(
    X,
    y,
    *,
    alphas=None,
    n_alphas: int = 20,
    max_selected: int | None = None,
    l1_ratio: float = 1.0,
    n_subsamples: int = 100,
    sample_fraction: float = 0.5,
    complementary_pairs: bool = True,
    threshold: float = 0.6,
    fit_intercept: bool = True,
    standardize: bool = False,
    penalty_factor=None,
    tol: float = 1e-4,
    max_iter: int = 1000,
    feature_names=None,
    random_state=None,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> StabilityResult:
    """Selection frequencies of the lasso / elastic net over random subsamples of the rows.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The features (dense or sparse; a DataFrame's column names become ``feature_names``).
    y : array-like of shape (n_samples,)
        The target.
    alphas : array-like of float, default=None
        The shared grid, used as given.  None: ``n_alphas`` values, evenly on a log scale, from
        alpha_max (computed on the full data) down to where the full-data lasso selects
        2 * max_selected features; after the subsample fits the grid is cut to its longest start
        over which q <= max_selected (Meinshausen & Buhlmann choose the range by q likewise).
        A short range keeps q, hence the bound, small: at tiny alphas every subsample selects
        nearly everything and noise features reach high frequencies.
    n_alphas : int, default=20
        The size of the default grid before the cut.
    max_selected : int, default=None
        The largest q the default grid allows; None: ceil(sqrt(0.8 p)), for which the bound is
        at most 1 with threshold 0.9 (and at most 4 with 0.6).
    l1_ratio : float, default=1.0
        1 for the lasso, below 1 for the elastic net.
    n_subsamples : int, default=100
        The number of random draws.  With ``complementary_pairs`` each draw is a pair of
        disjoint subsamples, both fitted (Shah & Samworth's B = n_subsamples; 2B fits); else
        each draw is one subsample.
    sample_fraction : float, default=0.5
        Each subsample has floor(sample_fraction * n) rows, drawn without replacement; in
        (0, 1), and at most 0.5 with complementary pairs.  The bound is stated for 0.5.
    complementary_pairs : bool, default=True
        Draw pairs of disjoint subsamples.
    threshold : float, default=0.6
        The selection frequency in (0.5, 1] for a feature to be stable.
    fit_intercept : bool, default=True
        Passed to every fit (``shrinkage.path``).
    standardize : bool, default=False
        Passed to every fit.
    penalty_factor : array-like of shape (n_features,), default=None
        Passed to every fit.
    tol : float, default=1e-4
        Passed to every fit.
    max_iter : int, default=1000
        Passed to every fit.
    feature_names : array-like of str, default=None
        The names of the columns (None takes a DataFrame's).
    random_state : int or numpy.random.Generator, default=None
        The subsamples are drawn up front, so the result does not depend on ``n_jobs``.
    n_jobs : int, default=None
        Parallel workers (joblib); None is one unless inside a joblib context.
    progress : bool, default=None
        A rich progress bar on stderr; None shows it only on a terminal for work projected over
        about 2 s, False never.

    Returns
    -------
    StabilityResult
        The frequencies and the stable set.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.1 * rng.standard_normal(60)
    >>> result = shrinkage.stability_selection(X, y, n_subsamples=10, random_state=0)
    >>> result.stable_set
    array([0, 3])
    """
    threshold = check_threshold(threshold)
    n_subsamples = v.check_positive_int(n_subsamples, "n_subsamples")
    sample_fraction = v.check_fraction(sample_fraction, "sample_fraction")
    if complementary_pairs and sample_fraction > 0.5:
        raise ValueError(
            "sample_fraction must be at most 0.5 with complementary_pairs=True (the "
            f"two subsamples of a pair are disjoint); got {sample_fraction!r}."
        )
    l1_ratio = v.check_l1_ratio(l1_ratio)
    tol = v.check_tol(tol)
    max_iter = v.check_positive_int(max_iter, "max_iter")
    v.check_progress(progress)
    random_state = v.check_random_state(random_state)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    X = v.check_design(X)
    y = v.check_target(y, X.shape[0], dtype=X.dtype)
    n, p = X.shape
    names = v.check_feature_names(feature_names, p)
    m = math.floor(sample_fraction * n)
    if m < 2:
        raise ValueError(
            f"sample_fraction={sample_fraction!r} of {n} samples leaves {m} rows per "
            "subsample; each subsample needs at least 2."
        )
    options = {
        "l1_ratio": l1_ratio,
        "fit_intercept": fit_intercept,
        "standardize": standardize,
        "penalty_factor": penalty_factor,
        "tol": tol,
        "max_iter": max_iter,
    }
    if alphas is None:
        v.check_positive_int(n_alphas, "n_alphas")
        if max_selected is None:
            max_selected = math.ceil(math.sqrt(0.8 * p))
        max_selected = v.check_positive_int(max_selected, "max_selected")
        alphas = default_grid(X, y, n_alphas, min(2 * max_selected, p), options)
    else:
        alphas = v.check_alphas(alphas)
        max_selected = None

    rng = np.random.default_rng(random_state)
    subsamples = _draw(rng, n, m, n_subsamples, complementary_pairs)
    n_workers = effective_n_jobs(n_jobs)
    batch = max(1, math.ceil(len(subsamples) / (8 * n_workers)))
    batches = [subsamples[i : i + batch] for i in range(0, len(subsamples), batch)]
    tasks = (delayed(_fit_batch)(X, y, alphas, b, options) for b in batches)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    counts = np.zeros((len(alphas), p), dtype=np.int64)
    union_sizes = np.zeros(len(alphas), dtype=np.int64)
    not_converged = 0
    for c, u, bad, _ in track(
        results, len(subsamples), "stability selection", progress, size=lambda r: r[3]
    ):
        counts += c
        union_sizes += u
        not_converged += bad
    if not_converged:
        warnings.warn(
            f"{not_converged} of {len(subsamples)} subsample fits did not converge at some alpha; "
            "their selections are used as they are. Try a larger max_iter or larger alphas.",
            ShrinkageConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    n_fits = len(subsamples)
    q_prefix = union_sizes / n_fits  # q of the grid's first k + 1 alphas
    k = len(alphas)
    if max_selected is not None:  # the default grid: its longest start with q <= max_selected
        k = max(1, int(np.count_nonzero(q_prefix <= max_selected)))
    alphas, counts, q = alphas[:k], counts[:k], float(q_prefix[k - 1])
    freq = counts / n_fits
    max_freq = freq.max(axis=0)
    return StabilityResult(
        alphas,
        freq,
        max_freq,
        np.flatnonzero(max_freq >= threshold),
        threshold,
        q,
        expected_false_selections_bound(q, p, threshold),
        n_fits,
        m,
        bool(complementary_pairs),
        l1_ratio,
        not_converged,
        names,
    )


def default_grid(X, y, n_alphas: int, n_selected: int, options: dict) -> np.ndarray:
    """alpha_max down to the largest alpha where the full-data fit selects n_selected features.

    Walks the default path grid in short warm-started chunks and stops once the count is reached,
    so the small alphas (the costly ones) are never solved.
    """
    problem = Problem.build(
        X,
        y,
        penalty_factor=options["penalty_factor"],
        fit_intercept=options["fit_intercept"],
        standardize=options["standardize"],
        validated=True,
    )
    l1_ratio, tol, max_iter = options["l1_ratio"], options["tol"], options["max_iter"]
    start = solve_path(
        problem,
        None,
        l1_ratio,
        n_alphas=1,
        tol=tol,
        max_iter=max_iter,
        model="stability selection's grid",
    )
    alpha_max = float(start.alphas[0])
    coarse = alpha_grid(alpha_max, 100, default_alpha_min_ratio(*X.shape))[1:]
    w, stop = start.coefs[0], coarse[-1]
    for i in range(0, len(coarse), 10):
        chunk = solve_path(
            problem,
            coarse[i : i + 10],
            l1_ratio,
            tol=tol,
            max_iter=max_iter,
            w0=w,
            model="stability selection's grid",
        )
        reached = np.flatnonzero(chunk.nnz >= n_selected)
        if reached.size:
            stop = chunk.alphas[reached[0]]
            break
        w = chunk.coefs[-1]
    return np.geomspace(alpha_max, stop, n_alphas) if n_alphas > 1 else np.array([alpha_max])


def _draw(rng: np.random.Generator, n: int, m: int, n_draws: int, pairs: bool) -> list[np.ndarray]:
    """Row indices of every subsample, sorted; a pair's two halves are consecutive."""
    out = []
    for _ in range(n_draws):
        perm = rng.permutation(n)
        out.append(np.sort(perm[:m]))
        if pairs:
            out.append(np.sort(perm[m : 2 * m]))
    return out


def _fit_batch(X, y, alphas, subsamples, options) -> tuple[np.ndarray, np.ndarray, int, int]:
    """For a batch of subsamples: selection counts (n_alphas, p); summed sizes of the union of the
    selected sets over the grid's first k + 1 alphas, for every k; the fits that did not converge;
    the number of fits."""
    n_alphas = len(alphas)
    counts = np.zeros((n_alphas, X.shape[1]), dtype=np.int64)
    union = np.zeros(n_alphas, dtype=np.int64)
    bad = 0
    for rows in subsamples:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ShrinkageConvergenceWarning)
            fit = path(X[rows], y[rows], alphas=alphas, **options)
        selected = fit.coefs != 0
        counts += selected
        ever = selected.any(axis=0)
        entry = np.argmax(selected[:, ever], axis=0)  # the first alpha selecting each feature
        union += np.cumsum(np.bincount(entry, minlength=n_alphas))
        bad += int(not np.all(fit.converged))
    return counts, union, bad, len(subsamples)
