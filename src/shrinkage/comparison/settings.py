"""The options of ``compare``, checked once: the penalties, the task, the alpha rule and the
error, the sizes of the grid, the repeats and the bootstrap; and whether a target looks like
class labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validation as v
from ..selection.glm_cv import CLASS_SCORINGS

PENALTIES = ("l1", "l2", "elasticnet")
TASKS = ("auto", "regression", "classification")
#: a target with at most this many distinct integer values looks like class labels
MAX_CLASSES = 10


@dataclass(frozen=True)
class Settings:
    """The checked options of one ``compare`` call (``Settings.checked``)."""

    task: str
    penalties: tuple[str, ...]
    alpha_rule: str
    scoring: str | None
    n_repeats: int
    n_bootstrap: int
    n_alphas: int
    l1_ratios: np.ndarray
    standardize: bool
    progress: bool | None

    @property
    def resolved_scoring(self) -> str:
        """``scoring`` once ``compare`` has resolved it for the task (``check_scoring``)."""
        if self.scoring is None:
            raise RuntimeError("internal error: the comparison's scoring was not resolved.")
        return self.scoring

    @classmethod
    def checked(
        cls,
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
    ) -> Settings:
        task = v.check_choice(task, "task", TASKS)
        if isinstance(penalties, str):
            penalties = (penalties,)
        penalties = tuple(penalties)
        if not penalties:
            raise ValueError(f"penalties is empty; give some of {PENALTIES}.")
        for name in penalties:
            v.check_choice(name, "penalties", PENALTIES)
        if len(set(penalties)) != len(penalties):
            raise ValueError(f"penalties lists a penalty twice: {penalties!r}.")
        ratios, _ = v.check_l1_ratios(l1_ratio)
        if "elasticnet" in penalties and np.any((ratios <= 0) | (ratios >= 1)):
            raise ValueError(
                "l1_ratio must be strictly between 0 and 1 for the Elastic Net (1 is "
                f"the lasso and 0 ridge, compared on their own); got {l1_ratio!r}."
            )
        if not isinstance(standardize, bool | np.bool_):
            raise ValueError(f"standardize must be True or False; got {standardize!r}.")
        n_bootstrap = v.check_positive_int(n_bootstrap, "n_bootstrap")
        if n_bootstrap < 2:
            raise ValueError(
                f"n_bootstrap must be at least 2 (a spread needs two refits); got {n_bootstrap!r}."
            )
        if scoring is not None:
            v.check_choice(scoring, "scoring", (*v.SCORINGS, *CLASS_SCORINGS))
        return cls(
            task,
            penalties,
            v.check_choice(alpha_rule, "alpha_rule", v.ALPHA_RULES),
            scoring,
            v.check_positive_int(n_repeats, "n_repeats"),
            n_bootstrap,
            v.check_positive_int(n_alphas, "n_alphas"),
            ratios,
            bool(standardize),
            v.check_progress(progress),
        )


def resolve_task(y, task: str) -> str:
    """ "regression" or "classification": ``task``, or for "auto" whether y looks like class
    labels (``looks_like_classes``)."""
    if task != "auto":
        return task
    return "regression" if looks_like_classes(y) is None else "classification"


def looks_like_classes(y) -> list | None:
    """The distinct values of y when it looks like class labels, else None.

    Class labels: strings, booleans or a categorical dtype; or numbers that are all integers
    with at most ``MAX_CLASSES`` distinct values (and fewer than half the samples).
    """
    dtype = getattr(y, "dtype", None)
    if dtype is not None and str(dtype) in ("category", "Categorical"):
        return sorted({str(c) for c in np.asarray(y, dtype=object).ravel()})
    arr = np.asarray(y)
    if arr.dtype.kind in "OUSb":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError):
                return sorted({str(c) for c in arr.ravel()})
        else:
            return sorted({str(c) for c in arr.ravel()}) if arr.dtype.kind != "b" else [False, True]
    if arr.dtype.kind not in "iuf" or arr.size == 0:
        return None
    arr = arr.ravel()
    if arr.dtype.kind == "f" and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        return None
    values = np.unique(arr)
    if 2 <= values.size <= MAX_CLASSES and values.size < max(arr.size / 2, 3):
        return [v_.item() for v_ in values]
    return None


def check_scoring(scoring: str | None, task: str) -> str:
    """The error of the task: ``scoring`` checked, or its default ("mse" / "deviance")."""
    if task == "classification":
        return "deviance" if scoring is None else v.check_choice(scoring, "scoring", CLASS_SCORINGS)
    return "mse" if scoring is None else v.check_choice(scoring, "scoring", v.SCORINGS)
