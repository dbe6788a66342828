"""The estimators' option values and their checks, shared by the estimators and the model-file
reader (``_serialize``), which must not import the estimators that use its mixin."""

from __future__ import annotations

import numbers

import numpy as np

#: LogisticRegression's ``penalty`` values (scikit-learn's)
PENALTIES = ("l1", "l2", "elasticnet", None)
#: TweedieRegressor's ``link`` values: the log link only ("auto" is log for power >= 1)
TWEEDIE_LINKS = ("log", "auto")
#: the datafits GroupLasso and GroupLassoClassifier take by name
REGRESSION_DATAFITS = ("quadratic", "poisson", "huber", "quantile")
CLASSIFICATION_DATAFITS = ("logistic", "squared_hinge", "multinomial")


def check_C(C: object) -> float:
    """scikit-learn's inverse strength C as a float, or a ValueError naming C.

    Parameters
    ----------
    C : object
        A positive number (``np.inf``: no penalty).

    Returns
    -------
    float
        C.

    Examples
    --------
    >>> check_C(0.5), check_C(float("inf"))
    (0.5, inf)
    """
    if isinstance(C, bool) or not isinstance(C, numbers.Real):
        raise ValueError(f"C must be a positive number (np.inf for no penalty); got {C!r}.")
    c = float(C)
    if not c > 0 or np.isnan(c):
        raise ValueError(f"C must be a positive number (np.inf for no penalty); got {C!r}.")
    return c
