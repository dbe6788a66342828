"""Which features have a significant effect: the debiased lasso behind the report's section.

``significant_features(comparison, X, y)`` tests every feature's coefficient in the full
model (``shrinkage.inference.debiased_lasso``: least squares for a numeric target, logistic
for two classes) with p-values adjusted for the number of features tested, and returns the
data the report shows beside the recommended model's coefficients.  It fits (the lasso and the
nodewise regressions), so it lives in the comparison layer; the report only formats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .. import _validation as v

if TYPE_CHECKING:
    from ..inference.result import InferenceResult

#: above this many features the report leaves the tests out (the nodewise lasso fits p models)
MAX_FEATURES = 2000
ADJUSTMENTS = {
    "holm": "Holm (the chance of one or more false discoveries is at most the level)",
    "bh": "Benjamini-Hochberg (the expected share of false discoveries is at most the level)",
}


@dataclass(frozen=True)
class Significance:
    """The tests of every feature, or why there are none.

    Attributes
    ----------
    model : the recommended model's name ("l1", "l2", ...); its coefficients sit beside the
        tests in the report.
    result : the debiased lasso's ``InferenceResult`` (None when not computed).
    level : the significance level of the adjusted p-values.
    adjust : "holm" or "bh".
    reason : why ``result`` is None, else None.
    columns : the columns of X tested (the result's rows, in order).
    dropped : names of the constant features left out (not identifiable).
    """

    model: str
    result: InferenceResult | None
    level: float
    adjust: str
    reason: str | None = None
    columns: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    dropped: tuple = ()

    @property
    def adjusted(self) -> np.ndarray:
        """The adjusted p-values, one per tested column (empty when ``result`` is None)."""
        if self.result is None:
            return np.zeros(0)
        return self.result.p_adjusted(self.adjust)

    @property
    def significant_names(self) -> list[str]:
        """Names of the features whose adjusted p-value is at most ``level``."""
        if self.result is None:
            return []
        chosen = set(self.result.significant(self.level, self.adjust).tolist())
        return [
            str(n)
            for j, n in zip(self.result.feature_index, self.result.feature_names, strict=True)
            if j in chosen
        ]

    @property
    def caveat(self) -> str:
        """What the p-values mean and do not mean, in plain words."""
        if self.result is None:
            return ""
        return (
            f"Each p-value asks whether a feature still matters once all the other features "
            f"are taken into account (its coefficient in the model with every feature), "
            f"estimated by the debiased lasso, which corrects the lasso's shrinkage. They are "
            f"adjusted for testing {self.result.n_features} features at once by "
            f"{ADJUSTMENTS[self.adjust]}. They are approximate: they assume the model is "
            f"{'logistic' if self.result.sigma is None else 'linear'} with few features "
            'that truly matter, and enough rows. "Significant" means the data show an '
            'effect, not that it is large or causal; "not significant" does not mean no '
            "effect: with few rows, or features that move together, the data may not tell "
            "which feature matters. The tests do not depend on which penalty was "
            "recommended, and a feature the recommended model keeps is not significant "
            "merely because it is kept."
        )

    def to_dict(self) -> dict:
        out = {
            "model": self.model,
            "level": self.level,
            "adjust": self.adjust,
            "reason": self.reason,
            "dropped": list(self.dropped),
            "significant": self.significant_names,
        }
        if self.result is not None:
            out["result"] = self.result.to_dict()
        return out


def significant_features(
    comparison, X, y, *, level: float = 0.05, adjust: str = "holm", random_state=0, n_jobs=None
) -> Significance:
    """Debiased-lasso tests of every feature of (X, y), for the comparison's report.

    Parameters
    ----------
    comparison : the ``Comparison`` of ``compare(X, y)``.
    X, y : its data (y numeric, or two classes).
    level : significance level of the adjusted p-values.
    adjust : "holm" (familywise error) or "bh" (false discovery rate).
    random_state, n_jobs : for the cross-validations inside the debiased lasso.

    Returns
    -------
    Significance; its ``reason`` says why no test was made (3+ classes, too many features, or
    the method's own ValueError, e.g. separable classes).

    Examples
    --------
    >>> import shrinkage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 4))
    >>> y = 2 * X[:, 0] + rng.standard_normal(80)
    >>> c = shrinkage.compare(X, y, cv=3, n_repeats=1, n_alphas=20, n_bootstrap=5,
    ...                       random_state=0, progress=False)
    >>> significant_features(c, X, y).significant_names
    ['x0']
    """
    from ..inference import debiased_lasso

    level = v.check_fraction(level, "level")
    adjust = v.check_choice(adjust, "adjust", tuple(ADJUSTMENTS))
    model = comparison.recommended
    p = comparison.n_features

    def without(reason: str) -> Significance:
        return Significance(model, None, level, adjust, reason)

    if comparison.classes is not None and len(comparison.classes) > 2:
        return without(
            f"not available for {len(comparison.classes)} classes: the debiased "
            "lasso covers least squares and two-class logistic regression."
        )
    if p > MAX_FEATURES:
        return without(
            f"left out for {p} features (more than {MAX_FEATURES}: one lasso per "
            "feature would dominate the report's time); run `shrinkage infer`."
        )
    keep = np.setdiff1d(np.arange(p), comparison.collinearity.constant)
    if keep.size == 0:
        return without("every feature is constant.")
    X = v.check_design(X)
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=np.float64)
    names = [str(comparison.feature_names[j]) for j in keep]
    datafit = "quadratic"
    if comparison.classes is not None:
        datafit = "logistic"
        y = (np.asarray(y) == comparison.classes[1]).astype(np.float64)
    try:
        result = debiased_lasso(
            X[:, keep],
            y,
            datafit=datafit,
            feature_names=names,
            random_state=random_state,
            n_jobs=n_jobs,
            progress=False,
        )
    except ValueError as e:
        return without(" ".join(str(e).split()))
    dropped = tuple(str(comparison.feature_names[j]) for j in comparison.collinearity.constant)
    return Significance(model, result, level, adjust, None, keep, dropped)
