"""A validated least-squares problem and the data forms the solvers need, built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import _validation as v
from ._typing import DesignMatrix
from .datafits.quadratic import SufficientStatistics, WeightedDesign, sufficient_statistics
from .penalties.l1_l2 import ElasticNetPenalty


@dataclass
class Problem:
    """X, y and everything about the penalty that does not depend on alpha."""

    X: DesignMatrix
    y: np.ndarray
    sample_weight: np.ndarray
    factors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    fit_intercept: bool
    standardize: bool
    feature_names: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        X,
        y,
        *,
        sample_weight=None,
        penalty_factor=None,
        lower=None,
        upper=None,
        positive=False,
        fit_intercept=True,
        standardize=False,
        feature_names=None,
        multi_output=False,
        validated=False,
    ) -> Problem:
        if not validated:
            X = v.check_design(X)
        y = v.check_target(y, X.shape[0], multi_output=multi_output, dtype=X.dtype)
        p = X.shape[1]
        lo, up = v.check_bounds(lower, upper, p, positive)
        return cls(
            X,
            y,
            v.check_sample_weight(sample_weight, X.shape[0]),
            v.check_penalty_factor(penalty_factor, p),
            lo,
            up,
            bool(fit_intercept),
            bool(standardize),
            v.check_feature_names(feature_names, p),
        )

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @cached_property
    def design(self) -> WeightedDesign:
        return WeightedDesign.build(self.X, self.y, self.sample_weight, self.fit_intercept)

    @cached_property
    def statistics(self) -> SufficientStatistics:
        return sufficient_statistics(self.X, self.y, self.sample_weight, self.fit_intercept)

    def with_statistics(self, stats: SufficientStatistics) -> Problem:
        """Use ``stats`` (computed elsewhere, e.g. by cross-validation's fold subtraction) as this
        problem's sufficient statistics instead of a fresh pass over X; returns self."""
        self.__dict__["statistics"] = stats
        return self

    def with_design(self, design: WeightedDesign) -> Problem:
        """Use ``design`` (e.g. a shared design with another target) as this problem's
        WeightedDesign instead of building one from X; returns self."""
        self.__dict__["design"] = design
        return self

    def column_scale(self, col_norm_sq: np.ndarray) -> np.ndarray | None:
        """glmnet's standardization: the weighted sd (or RMS without intercept); 1 if constant."""
        if not self.standardize:
            return None
        sd = np.sqrt(col_norm_sq)
        return np.where(sd > 0, sd, 1.0)

    def penalty(self, alpha: float, l1_ratio: float, scale: np.ndarray | None) -> ElasticNetPenalty:
        return ElasticNetPenalty(alpha, l1_ratio, self.factors, self.lower, self.upper, scale)
