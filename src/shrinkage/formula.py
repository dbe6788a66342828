"""Models from formulas: ``from_formula("y ~ x1 + C(region) + x2:x3", data, model=Lasso())``.

The formula is read by formulaic (the optional extra ``formula``) on pandas or polars data.  The
fitted ``FormulaModel`` keeps formulaic's ModelSpec of the right-hand side, so ``predict`` on new
data applies the same encoding (the same levels of ``C(region)``, the same interactions).  The
formula's intercept column is left to the estimator (``fit_intercept``), which does not
penalize it; the categorical encoding keeps formulaic's reference level when the formula has an
intercept, every level with ``- 1``.

``shrinkage.save`` keeps a fitted ``FormulaModel`` as plain JSON (``formula_node``): the
formula's terms (each factor's expression and how formulaic evaluates it), the categorical
levels, the stateful transforms' state (``center``, ``scale``, ``poly``, splines), the
design's column names and the estimator.  Loading (``formula_from_node``) runs nothing: the
expressions formulaic would evaluate at ``predict`` may call only ``SAFE_FUNCTIONS`` on data
columns, numbers and text, so a file cannot name code to run; a file breaking that rule is
refused in one line, and so is saving such a formula.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from formulaic import ModelSpec
    from sklearn.base import BaseEstimator

    #: the tables a formula reads
    Table: TypeAlias = "pd.DataFrame | pl.DataFrame"

_INTERCEPT = "Intercept"
#: the functions a saved formula may call (formulaic's transforms, NumPy's elementwise maps)
SAFE_FUNCTIONS = frozenset(
    {
        "C",
        "I",
        "center",
        "scale",
        "poly",
        "bs",
        "cr",
        "cs",
        "cc",
        "log",
        "log2",
        "log10",
        "exp",
        "exp2",
        *(
            f"np.{f}"
            for f in ("log", "log1p", "log2", "log10", "exp", "expm1", "sqrt", "abs", "square")
        ),
        *(f"contr.{c}" for c in ("treatment", "sum", "helmert", "diff", "poly", "SAS")),
    }
)
_CONTRASTS = frozenset(f for f in SAFE_FUNCTIONS if f.startswith("contr."))
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
#: the largest |exponent| of ``x ** k`` in a saved formula; the longest expression read
MAX_POWER = 16
MAX_EXPRESSION_CHARS = 2_000
_EVAL_METHODS = ("lookup", "python", "literal")


class FormulaModel:
    """A fitted estimator with the formula that turns a table into its design.

    ``from_formula`` builds it; the constructor takes its parts as they are.

    Parameters
    ----------
    formula : str
        The formula as given.
    model : estimator
        The fitted estimator.
    model_spec : formulaic.ModelSpec
        formulaic's ModelSpec of the right-hand side.
    feature_names : list of str
        The design's columns, in ``coef_``'s order.

    Attributes
    ----------
    coef : pandas.Series
        The coefficients, indexed by the design's column names.

    Examples
    --------
    >>> import pandas as pd
    >>> import shrinkage
    >>> frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
    ...                       "region": ["a", "b", "a", "b", "a", "b"]})
    >>> frame["y"] = 2 * frame["x"] + (frame["region"] == "b")
    >>> fm = shrinkage.from_formula("y ~ x + C(region)", frame, model=shrinkage.Ridge(alpha=1e-6))
    >>> fm.feature_names
    ['x', 'C(region)[T.b]']
    >>> fm.coef.round(2).to_dict()
    {'x': 2.0, 'C(region)[T.b]': 1.0}
    >>> fm.predict(pd.DataFrame({"x": [10.0], "region": ["b"]})).round(2)
    array([21.])
    """

    #: the data columns a loaded formula's expressions read (set when it is loaded)
    _names_read: frozenset[str] = frozenset()

    def __init__(
        self, formula: str, model: BaseEstimator, model_spec: ModelSpec, feature_names: list[str]
    ) -> None:
        self.formula = formula
        self.model = model
        self.model_spec = model_spec
        self.feature_names = feature_names

    def design(self, data: Table) -> np.ndarray:
        """The design matrix of ``data`` under the fitted formula (no intercept column)."""
        data = _as_pandas(data)
        # a loaded formula's expressions read data columns only (never a Python builtin)
        _check_columns(self.formula, _rhs_variables(self.model_spec) | self._names_read, data)
        design, names = _drop_intercept(self.model_spec.get_model_matrix(data))
        if names != list(self.feature_names):
            raise ValueError(
                f"the formula {self.formula!r} gives the columns {names} on this "
                f"data, not the model's {list(self.feature_names)}."
            )
        return design

    def predict(self, data: Table) -> np.ndarray:
        """The model's predictions on the rows of ``data`` (a pandas or polars table)."""
        return self.model.predict(self.design(data))

    def predict_proba(self, data: Table) -> np.ndarray:
        """Class probabilities of a classifier on the rows of ``data``."""
        return self.model.predict_proba(self.design(data))

    @property
    def coef(self) -> pd.Series:
        """The coefficients as a pandas Series indexed by the design's column names."""
        import pandas as pd

        return pd.Series(np.ravel(self.model.coef_), index=self.feature_names, name="coef")

    def __repr__(self) -> str:
        return f"FormulaModel({self.formula!r}, {self.model!r})"

    def to_dict(self) -> dict[str, Any]:
        """The model document (``shrinkage.save`` writes it as JSON; see the module docstring)."""
        from .estimators._serialize import document

        return document(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, source: str = "the model") -> FormulaModel:
        """The ``FormulaModel`` of a model document written by ``to_dict`` (checked)."""
        from .estimators._serialize import check_document, decode_node

        model = decode_node(check_document(d, source)["estimator"], source)
        if not isinstance(model, cls):
            raise ValueError(f"{source} holds a {type(model).__name__}, not a FormulaModel.")
        return model

    def _to_node(self) -> dict[str, Any]:
        return formula_node(self)

    @classmethod
    def _from_node(cls, node: dict[str, Any], source: str, path: str) -> FormulaModel:
        return formula_from_node(node, source, path)


def from_formula(
    formula: str, data: Table, model: BaseEstimator, **fit_params: Any
) -> FormulaModel:
    """Fit ``model`` (an unfitted shrinkage or scikit-learn estimator) on ``formula`` over
    ``data``: y ~ x1 + C(region) + x2:x3 in formulaic's grammar.

    A formula naming a column ``data`` lacks is a ValueError that names it.

    Parameters
    ----------
    formula : str
        ``"y ~ terms"`` in formulaic's grammar.
    data : pandas.DataFrame or polars.DataFrame
        The table.
    model : estimator
        An unfitted shrinkage or scikit-learn estimator.
    **fit_params
        Passed to ``model.fit`` (e.g. ``sample_weight``).

    Returns
    -------
    FormulaModel
        The fitted model with its formula.

    Examples
    --------
    >>> import pandas as pd
    >>> import shrinkage
    >>> frame = pd.DataFrame({"x1": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "x2": [1.0, 0.0] * 3})
    >>> frame["y"] = 3 * frame["x1"] - frame["x1"] * frame["x2"]
    >>> fm = shrinkage.from_formula("y ~ x1 + x1:x2", frame, model=shrinkage.Ridge(alpha=1e-8))
    >>> fm.coef.round(2).to_dict()
    {'x1': 3.0, 'x1:x2': -1.0}
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


def _import_formulaic() -> ModuleType:
    try:
        return importlib.import_module("formulaic")
    except ImportError as error:
        raise ImportError(
            f"formulas need the optional extra: pip install 'shrinkage[formula]' ({error})."
        ) from error


def _as_pandas(data: Table) -> pd.DataFrame:
    if type(data).__module__.split(".")[0] == "polars":
        return data.to_pandas()
    if not hasattr(data, "columns"):
        raise TypeError(f"data must be a pandas or polars DataFrame; got {type(data).__name__}.")
    return data


def _rhs_variables(model_spec: ModelSpec) -> set[str]:
    return set(model_spec.required_variables)


def _check_columns(formula: str, needed: Iterable[str], data: pd.DataFrame) -> None:
    missing = sorted(str(name) for name in needed if name not in data.columns)
    if missing:
        raise ValueError(
            f"the formula {formula!r} names column(s) {', '.join(map(repr, missing))}"
            f" that the data lacks; its columns are "
            f"{', '.join(map(repr, map(str, data.columns)))}."
        )


def _drop_intercept(matrix: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    names = [str(c) for c in matrix.columns]
    keep = [i for i, name in enumerate(names) if name != _INTERCEPT]
    return np.asarray(matrix, dtype=np.float64)[:, keep], [names[i] for i in keep]


# --------------------------------------------------------------------------------------------
# saved formulas


def formula_node(fm: FormulaModel) -> dict[str, Any]:
    """The JSON record of a fitted ``FormulaModel``; TypeError for what a file cannot keep (a
    function outside ``SAFE_FUNCTIONS``, a materializer other than pandas)."""
    from .estimators._serialize import encode_node, encode_value

    spec = fm.model_spec
    what = f"the formula {fm.formula!r}"
    if spec.materializer not in ("pandas", None) or spec.output not in ("pandas", None):
        raise TypeError(
            f"{what} cannot be saved: its ModelSpec uses materializer "
            f"{spec.materializer!r} and output {spec.output!r}; pandas only."
        )
    terms = [
        [[f.expr, f.eval_method.value, f.kind.value] for f in term.factors] for term in spec.formula
    ]
    for term in terms:
        for expr, method, _ in term:
            try:
                _check_factor(expr, method)
            except ValueError as e:
                raise TypeError(f"{what} cannot be saved: {e}") from None
    encoders = {
        expr: {
            "kind": kind.value,
            "state": encode_value(_plain_state(state), f"{what}'s encoder state"),
        }
        for expr, (kind, state) in spec.encoder_state.items()
    }
    return {
        "class": "FormulaModel",
        "formula": fm.formula,
        "feature_names": list(fm.feature_names),
        "terms": terms,
        "ensure_full_rank": bool(spec.ensure_full_rank),
        "na_action": spec.na_action.value,
        "transform_state": encode_value(dict(spec.transform_state), f"{what}'s transform state"),
        "encoder_state": encoders,
        "model": encode_node(fm.model),
    }


def formula_from_node(node: dict[str, Any], source: str, path: str = "") -> FormulaModel:
    """The ``FormulaModel`` of a ``formula_node`` record, checked; no expression of the file
    is evaluated here, and those evaluated at ``predict`` call only ``SAFE_FUNCTIONS``."""
    from .estimators._serialize import _check_names, decode_node, decode_value

    formulaic = _import_formulaic()
    from formulaic.formula import SimpleFormula
    from formulaic.parser.types import Factor, Term

    where = f"{source}: {path}FormulaModel"
    keys = (
        "class",
        "formula",
        "feature_names",
        "terms",
        "ensure_full_rank",
        "na_action",
        "transform_state",
        "encoder_state",
        "model",
    )
    _check_names(node, keys, keys, where)
    formula, names, terms = node["formula"], node["feature_names"], node["terms"]
    if not (isinstance(formula, str) and len(formula) <= MAX_EXPRESSION_CHARS):
        raise ValueError(
            f"{where}.formula must be text of at most {MAX_EXPRESSION_CHARS} characters."
        )
    if not (isinstance(names, list) and all(isinstance(x, str) for x in names)):
        raise ValueError(f"{where}.feature_names must be a list of column names.")
    if not (isinstance(terms, list) and all(isinstance(t, list) for t in terms)):
        raise ValueError(f"{where}.terms must be a list of terms, each a list of factors.")
    read: set[str] = set()
    root = []
    for i, term in enumerate(terms):
        factors = []
        for factor in term:
            if not (
                isinstance(factor, list)
                and len(factor) == 3
                and all(isinstance(x, str) for x in factor)
                and factor[2] in {k.value for k in Factor.Kind}
            ):
                raise ValueError(
                    f"{where}.terms[{i}]: a factor is [expression, eval_method, "
                    f"kind]; got {factor!r:.80}."
                )
            try:
                read |= _check_factor(factor[0], factor[1])
            except ValueError as e:
                raise ValueError(f"{where}.terms[{i}]: {e}") from None
            factors.append(Factor(factor[0], eval_method=factor[1], kind=factor[2]))
        root.append(Term(factors))
    flags = node["ensure_full_rank"], node["na_action"]
    if not isinstance(flags[0], bool) or flags[1] not in ("raise", "drop", "ignore"):
        raise ValueError(
            f"{where}: ensure_full_rank must be true or false and na_action one of "
            "raise, drop, ignore."
        )
    transform_state = decode_value(node["transform_state"], f"{where}.transform_state")
    encoders = node["encoder_state"]
    if not (
        isinstance(transform_state, dict)
        and isinstance(encoders, dict)
        and all(isinstance(k, str) for k in transform_state)
    ):
        raise ValueError(
            f"{where}: transform_state and encoder_state must map expressions to states."
        )
    encoder_state = {}
    for expr, entry in encoders.items():
        if not (
            isinstance(entry, dict)
            and set(entry) == {"kind", "state"}
            and entry["kind"] in {k.value for k in Factor.Kind}
        ):
            raise ValueError(f'{where}.encoder_state[{expr!r:.60}] must be {{"kind", "state"}}.')
        state = decode_value(entry["state"], f"{where}.encoder_state[{expr!r:.60}]")
        if not isinstance(state, dict):
            raise ValueError(f"{where}.encoder_state[{expr!r:.60}].state must be an object.")
        encoder_state[expr] = (Factor.Kind(entry["kind"]), state)
    model = decode_node(node["model"], source, f"{path}FormulaModel.model ")
    if getattr(model, "n_features_in_", len(names)) != len(names):
        raise ValueError(
            f"{where}: {len(names)} feature_names for a model of {model.n_features_in_} features."
        )
    spec = formulaic.ModelSpec(
        formula=SimpleFormula(root, _ordering="none"),
        materializer="pandas",
        output="pandas",
        ensure_full_rank=flags[0],
        na_action=flags[1],
        transform_state=transform_state,
        encoder_state=encoder_state,
    )
    fm = FormulaModel(formula, model, spec, names)
    fm._names_read = frozenset(read)
    return fm


def _plain_state(state: object) -> object:
    """An encoder state without formulaic's ContrastsState (kept for introspection only: the
    levels under "categories" are what encoding reads)."""
    if isinstance(state, dict):
        return {
            k: _plain_state(v) for k, v in state.items() if type(v).__name__ != "ContrastsState"
        }
    return state


def _check_factor(expr: str, method: str) -> set[str]:
    """The data columns a factor reads; ValueError unless formulaic evaluates it safely."""
    if method not in _EVAL_METHODS:
        raise ValueError(f"eval_method must be one of {_EVAL_METHODS}; got {method!r:.60}.")
    if len(expr) > MAX_EXPRESSION_CHARS:
        raise ValueError(f"a factor's expression is longer than {MAX_EXPRESSION_CHARS} characters.")
    if method == "lookup":  # a column looked up by name, never evaluated
        return {expr}
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        raise ValueError(f"the factor {expr!r:.80} is not an expression.") from None
    if method == "literal":
        if not (isinstance(tree, ast.Constant) and isinstance(tree.value, int | float)):
            raise ValueError(f"the literal factor {expr!r:.80} must be a number.")
        return set()
    names: set[str] = set()
    _check_node(tree, expr, names, text_ok=False)
    return names


def _check_node(node: ast.AST, expr: str, names: set[str], text_ok: bool) -> None:
    """Walk a factor's syntax tree: calls of SAFE_FUNCTIONS, column names, numbers, text and
    lists of them as arguments, arithmetic (``x ** k`` with a constant k up to MAX_POWER)."""

    def refuse(why: str) -> NoReturn:
        raise ValueError(
            f"the factor {expr!r:.80} {why}; a saved formula may call only "
            f"{', '.join(sorted(SAFE_FUNCTIONS))} on columns and constants."
        )

    if isinstance(node, ast.Call):
        function = _dotted(node.func)
        if function not in SAFE_FUNCTIONS:
            refuse(f"calls {ast.unparse(node.func)!r:.60}")
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg.startswith("_"):
                refuse(f"passes {'**' if keyword.arg is None else keyword.arg}")
        for arg in (*node.args, *(k.value for k in node.keywords)):
            _check_node(arg, expr, names, text_ok=True)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            refuse(f"names {node.id!r}")
        names.add(node.id)
    elif isinstance(node, ast.Attribute):
        if _dotted(node) not in _CONTRASTS:
            refuse(f"reads the attribute {ast.unparse(node)!r:.60}")
    elif isinstance(node, ast.Constant):
        if (
            isinstance(node.value, bool | int | float)
            or node.value is None
            or (text_ok and isinstance(node.value, str))
        ):
            return
        refuse(f"holds the constant {node.value!r:.40} there")
    elif isinstance(node, ast.List | ast.Tuple) and text_ok:
        for element in node.elts:
            _check_node(element, expr, names, text_ok=True)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        _check_node(node.operand, expr, names, text_ok=False)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        if isinstance(node.op, ast.Pow) and not (
            isinstance(node.right, ast.Constant)
            and isinstance(node.right.value, int | float)
            and not isinstance(node.right.value, bool)  # x ** True is refused
            and abs(node.right.value) <= MAX_POWER
            and any(isinstance(n, ast.Name) for n in ast.walk(node.left))
        ):
            refuse(
                f"raises to the power {ast.unparse(node.right)!r:.40} (a column's power up "
                f"to {MAX_POWER} only)"
            )
        _check_node(node.left, expr, names, text_ok=False)
        _check_node(node.right, expr, names, text_ok=False)
    else:
        refuse(f"holds {type(node).__name__} {ast.unparse(node)!r:.60}")


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` of a Name or a chain of attributes on a Name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None
