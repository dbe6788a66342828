"""Models from formulas: ``from_formula("y ~ x1 + C(region) + x2:x3", data, model=Lasso())``.

The formula is read by formulaic (the optional extra ``formula``) on pandas or polars data.  The
fitted ``FormulaModel`` keeps formulaic's ModelSpec of the right-hand side, so ``predict`` on new
data applies the same encoding (the same levels of ``C(region)``, the same interactions).  The
formula's intercept column is left to the estimator (``fit_intercept``), which does not
penalize it; the categorical encoding keeps formulaic's reference level when the formula has an
intercept, every level with ``- 1``.
"""

from __future__ import annotations

import importlib

import numpy as np

_INTERCEPT = "Intercept"


class FormulaModel:
    """A fitted estimator with the formula that turns a table into its design.

    Attributes
    ----------
    formula : the formula as given; model : the fitted estimator; model_spec : formulaic's
    ModelSpec of the right-hand side; feature_names : the design's columns, in ``coef_``'s order.
    """

    def __init__(self, formula: str, model, model_spec, feature_names: list[str]):
        self.formula = formula
        self.model = model
        self.model_spec = model_spec
        self.feature_names = feature_names

    def design(self, data) -> np.ndarray:
        """The design matrix of ``data`` under the fitted formula (no intercept column)."""
        data = _as_pandas(data)
        _check_columns(self.formula, _rhs_variables(self.model_spec), data)
        matrix = self.model_spec.get_model_matrix(data)
        return _drop_intercept(matrix)[0]

    def predict(self, data):
        """The model's predictions on the rows of ``data`` (a pandas or polars table)."""
        return self.model.predict(self.design(data))

    def predict_proba(self, data):
        """Class probabilities of a classifier on the rows of ``data``."""
        return self.model.predict_proba(self.design(data))

    @property
    def coef(self):
        """The coefficients as a pandas Series indexed by the design's column names."""
        import pandas as pd

        return pd.Series(np.ravel(self.model.coef_), index=self.feature_names, name="coef")

    def __repr__(self) -> str:
        return f"FormulaModel({self.formula!r}, {self.model!r})"


def from_formula(formula: str, data, model, **fit_params) -> FormulaModel:
    """Fit ``model`` (an unfitted shrinkage or scikit-learn estimator) on ``formula`` over
    ``data``: y ~ x1 + C(region) + x2:x3 in formulaic's grammar.

    ``fit_params`` go to ``model.fit`` (e.g. ``sample_weight``).  A formula naming a column
    ``data`` lacks is a ValueError that names it.

    Examples
    --------
    >>> fm = from_formula("y ~ x1 + C(region)", frame, model=Lasso(alpha=0.1))  # doctest: +SKIP
    >>> fm.predict(new_frame)                                                 # doctest: +SKIP
    """
    formulaic = _import_formulaic()
    if not isinstance(formula, str) or "~" not in formula:
        raise ValueError(f"formula must be a string 'y ~ terms'; got {formula!r}.")
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise TypeError(f"model must be an estimator with fit and predict; got {model!r}.")
    data = _as_pandas(data)
    parsed = formulaic.Formula(formula)
    _check_columns(formula, parsed.required_variables, data)
    lhs = formula.split("~", 1)[0].strip()
    if lhs in data.columns:  # a column as it is (text class labels stay labels)
        X = formulaic.model_matrix(parsed.rhs, data, na_action="raise")
        target = np.asarray(data[lhs])
    else:  # a transformed target, e.g. np.log(y)
        y, X = formulaic.model_matrix(parsed, data, na_action="raise")
        target = np.asarray(y)
        if target.ndim == 2 and target.shape[1] == 1:
            target = target[:, 0]
    design, names = _drop_intercept(X)
    model.fit(design, target, **fit_params)
    return FormulaModel(formula, model, X.model_spec, names)


def _import_formulaic():
    try:
        return importlib.import_module("formulaic")
    except ImportError as error:
        raise ImportError("formulas need the optional extra: pip install 'shrinkage[formula]' "
                          f"({error}).") from error


def _as_pandas(data):
    if type(data).__module__.split(".")[0] == "polars":
        return data.to_pandas()
    if not hasattr(data, "columns"):
        raise TypeError(f"data must be a pandas or polars DataFrame; got {type(data).__name__}.")
    return data


def _rhs_variables(model_spec) -> set[str]:
    return set(model_spec.required_variables)


def _check_columns(formula: str, needed, data) -> None:
    missing = sorted(str(name) for name in needed if name not in data.columns)
    if missing:
        raise ValueError(f"the formula {formula!r} names column(s) {', '.join(map(repr, missing))}"
                         f" that the data lacks; its columns are "
                         f"{', '.join(map(repr, map(str, data.columns)))}.")


def _drop_intercept(matrix) -> tuple[np.ndarray, list[str]]:
    names = [str(c) for c in matrix.columns]
    keep = [i for i, name in enumerate(names) if name != _INTERCEPT]
    return np.asarray(matrix, dtype=np.float64)[:, keep], [names[i] for i in keep]
