"""``compare(X, y)``: check the options once, then compare on regression or on class labels.

The entry point of the comparison layer: it resolves the task (a target that looks like class
labels goes to ``classification``, any other to ``regression``), checks the design, names and
folds, and hands over; everything it returns is a ``results.Comparison``.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import _validation as v
from .._typing import DesignMatrix
from .classification import compare_classes
from .diagnostics import check_frame, default_feature_names
from .regression import compare_regression
from .results import Comparison
from .settings import PENALTIES, Settings, check_scoring, resolve_task


def compare(
    X: DesignMatrix,
    y: ArrayLike,
    *,
    task: str = "auto",
    penalties: str | Sequence[str] = PENALTIES,
    cv: int | object = 5,
    n_repeats: int | None = None,
    l1_ratio: float | Sequence[float] = 0.5,
    n_alphas: int = 100,
    n_bootstrap: int = 100,
    alpha_rule: str = "min",
    scoring: str | None = None,
    standardize: bool = True,
    corr_threshold: float = 0.8,
    random_state: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
    progress: bool | None = None,
    feature_names: ArrayLike | None = None,
    one_hot: Mapping[str, Sequence[str]] | None = None,
) -> Comparison:
    """Compare L1, L2 and Elastic Net (and OLS) on (X, y): CV, stability, collinearity, advice.

    Parameters
    ----------
    X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
        The design: an array, a pandas / polars DataFrame (column names kept) or a scipy.sparse
        matrix.
    y : array-like of shape (n_samples,)
        Numeric target, or class labels (any values: strings, booleans, integers, ...).
    task : str, default="auto"
        "auto", "regression" or "classification".  "auto" treats a target that looks like
        class labels (strings, booleans, categories, or at most ``MAX_CLASSES`` distinct
        integers, ``settings.looks_like_classes``) as classes; pass task="regression" for a numeric
        count.  Classification compares L1, L2 and Elastic-Net logistic regression (multinomial
        for 3+ classes) on stratified folds, with the intercept-only model and unpenalized
        logistic regression (where it exists) as baselines
        (``shrinkage.comparison.classification``).
    penalties : sequence of str, default=("l1", "l2", "elasticnet")
        Any of "l1", "l2", "elasticnet", in the order to report them.
    cv : int, cross-validation splitter or iterable, default=5
        Number of folds (shuffled K-fold, the same folds for every penalty), or a scikit-learn
        splitter / iterable of (train, test) pairs (then ``n_repeats`` must be 1).
    n_repeats : int, default=None
        Repeated K-fold: the folds are drawn this many times; the CV curves use all folds, and
        the spread of the per-repeat errors is reported.  None: 3 for an integer ``cv``, 1 for
        a splitter.
    l1_ratio : float or sequence of float, default=0.5
        The Elastic Net's mix in (0, 1), or a list of them: each is cross-validated on the same
        folds and the one with the lowest CV error at its chosen alpha is kept.
    n_alphas : int, default=100
        Grid size per penalty.
    n_bootstrap : int, default=100
        Bootstrap refits at the chosen alpha, for selection frequencies and coefficient
        spreads.
    alpha_rule : str, default="min"
        "min" (the CV minimum) or "1se" (the largest alpha within one SE of it): the alpha of
        the reported coefficients, errors, bootstrap refits and recommendation.
    scoring : str, default=None
        The CV error, lower is better: "mse" (the default for regression), "mae" or "r2" (as
        1 - R^2) for regression; "deviance" (2 x log loss, the default for classes),
        "accuracy" (as the misclassification rate), "roc_auc" (as 1 - AUC) or "brier" for
        classification.
    standardize : bool, default=True
        Penalize standardized columns (coefficients are reported on the original scale either
        way).
    corr_threshold : float, default=0.8
        |corr| that links two features into a correlated group.
    random_state : int, numpy Generator or None, default=None
        Seed for the folds and the bootstrap draws.
    n_jobs : int, default=None
        joblib parallelism (folds and bootstrap refits).
    progress : bool, default=None
        Progress bars on stderr: None (when stderr is a terminal and the work is long), True or
        False.
    feature_names : sequence of str, default=None
        Names of the columns (None: the DataFrame's, else x0, x1, ...).
    one_hot : dict of str to list of str, default=None
        The categoricals one-hot encoded in X, {column: [its features' names]} (e.g. from
        ``shrinkage.io``'s preprocessing), or None to detect them from names of the form
        ``column=level`` whose 0/1 columns add up to 1 on every row.  Their reference levels are
        left out of the unpenalized baseline and of the collinearity diagnostics
        (``shrinkage.comparison.regression``'s docstring).

    Returns
    -------
    Comparison
        The results per penalty, the recommendation and its evidence (see Notes).

    Notes
    -----
    How the recommendation is chosen:

    1. Each penalty's CV error is taken at its chosen alpha (``alpha_rule``); the best is the
        lowest, and the candidates are the penalties within one standard error of it (the best's
        SE, glmnet's 1-SE idea applied across penalties).
    2. With more than one candidate their errors are indistinguishable and the text says so;
        the sparsest candidate (fewest non-zero coefficients) is recommended: similar accuracy
        with fewer features is the simpler model to interpret.  When several candidates keep
        as many features, stability decides: the one whose coefficients vary least over the
        bootstrap refits (median sd / |coefficient| over its kept features; then the lower
        error).
    3. If that is L1, the Elastic Net is also a candidate, and L1 alternates between the members
        of a correlated group over the bootstrap refits (its choice inside the group depends on
        the sample), the Elastic Net is recommended instead: it keeps the group together at a
        CV error within one SE.
    4. When the recommended penalty is the only candidate, it wins clearly and the text says so
        (e.g. "L2 (ridge) predicts clearly best"), with the other penalties' error gaps.

    The evidence lists, with their numbers: the CV errors, L1's sparsity against L2's error,
    the OLS baseline, each correlated group and what each penalty does with it, the bootstrap
    stability of the recommended model's selection, the condition number and VIFs, constant
    columns, and any chosen alpha at the edge of its grid.

    Examples
    --------
    >>> import numpy as np
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(60)  # x1 nearly repeats x0
    >>> y = X @ np.array([1.5, 0.0, 0.0, -2.0]) + 0.5 * rng.standard_normal(60)
    >>> result = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=20, n_bootstrap=5,
    ...                            random_state=0, progress=False)
    >>> list(result.results), result.recommended in result.results
    (['l1', 'l2', 'elasticnet'], True)
    >>> print(result.recommendation)  # doctest: +SKIP
    The CV mean squared errors of L1, L2 and Elastic Net are indistinguishable: ...
    """
    if n_repeats is None:
        n_repeats = 3 if isinstance(cv, numbers.Integral) and not isinstance(cv, bool) else 1

    settings = Settings.checked(
        task,
        penalties,
        alpha_rule,
        scoring,
        n_repeats,
        n_bootstrap,
        n_alphas,
        l1_ratio,
        standardize,
        progress,
    )
    check_frame(X)
    given_names = default_feature_names(X, feature_names)
    task = resolve_task(y, settings.task)
    settings = dataclasses.replace(settings, task=task, scoring=check_scoring(scoring, task))
    X = v.check_design(X)
    n, p = X.shape
    names = v.check_feature_names(given_names, p)
    assert names is not None  # default_feature_names names every column
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        v.check_cv(cv, n)
    if task == "classification":
        return compare_classes(
            X, y, names, settings, cv, n_jobs, random_state, corr_threshold, one_hot
        )
    return compare_regression(
        X, y, names, settings, cv, n_jobs, random_state, corr_threshold, one_hot
    )
