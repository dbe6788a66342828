"""``Preprocessor``: the command line's encoding as a scikit-learn transformer, and ``prepare``
/ ``transform``, the table-level calls the command line makes, both built on it.

The rules (one-hot columns named ``column=level``, numbers written as text, missing values and
imputation, index-like columns left out, the checks) are those of ``shrinkage.io.encoding``;
``Preprocessor`` learns them from a table in ``fit``, replays them in ``transform``, names its
output columns (``get_feature_names_out``, so ``set_output(transform="pandas")`` works) and
is saved with the model (``shrinkage.save``), in the same JSON files as the command line's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .. import _validation as v
from ..estimators._serialize import SerializableMixin
from .encoding import (
    KEEP_INDEX_HINT,
    Prepared,
    Preprocessing,
    _check_unique_features,
    _column_spec,
    _encode,
    _names,
    _target,
)
from .index_columns import find_index_columns
from .tables import check_unique_columns

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike
    from sklearn.utils import Tags


class Preprocessor(SerializableMixin, TransformerMixin, BaseEstimator):
    """A table (pandas DataFrame, or a 2-D array) into numeric features, as the CLI reads data.

    Numbers stay numbers (text cells that all read as numbers too, booleans become 0/1), text
    and categorical columns become one 0/1 column per level named ``column=level``, missing
    cells are refused or imputed, index-like columns (row labels: ``rownames``,
    ``Unnamed: 0``, the row numbers) are left out; see ``shrinkage.io.encoding``.  New data in
    ``transform`` needs every input column used in ``fit`` (others are ignored); a level not
    seen in ``fit`` is an error.

    Parameters
    ----------
    drop : list of str or str, default=()
        Column names to leave out (a list, or one comma-separated string).
    impute : {None, "mean", "median"}, default=None
        None refuses missing values, naming the columns; "mean" or "median" fills numeric
        columns (text columns get their most frequent level).
    keep_index_columns : bool, default=False
        Use index-like columns as features too.
    standardize : bool, default=False
        Centre and scale every output column to unit standard deviation (constant columns are
        only centred).  Off by default: shrinkage's models standardize internally
        (``standardize=True``) and report coefficients on the original scale.

    Attributes
    ----------
    preprocessing_ : Preprocessing
        The record (columns, kinds, levels, fill values).
    index_columns_ : dict of str to str
        {column: why it looks like row labels} for the columns left out.
    mean_ : ndarray of shape (n_features_out,) or None
        The centring of ``standardize`` (None unless ``standardize``).
    scale_ : ndarray of shape (n_features_out,) or None
        The scaling of ``standardize`` (None unless ``standardize``).
    n_features_in_ : int
        The number of input columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The input columns seen in ``fit`` (arrays get the names x0, x1, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, 2.0, 4.0], "color": ["red", "blue", "red"]})
    >>> Preprocessor().set_output(transform="pandas").fit_transform(df)
         x  color=blue  color=red
    0  1.0         0.0        1.0
    1  2.0         1.0        0.0
    2  4.0         0.0        1.0
    """

    _raw_fitted = ("preprocessing",)  # saved as its own JSON record (Preprocessing.to_dict)
    #: fitted with standardize=True: the encoded features' means and standard deviations
    mean_: np.ndarray | None
    scale_: np.ndarray | None

    def __init__(
        self,
        *,
        drop: str | Sequence[str] = (),
        impute: str | None = None,
        keep_index_columns: bool = False,
        standardize: bool = False,
    ) -> None:
        self.drop = drop
        self.impute = impute
        self.keep_index_columns = keep_index_columns
        self.standardize = standardize

    # --- scikit-learn API -------------------------------------------------------------------

    def fit(self, X: pd.DataFrame | ArrayLike, y: None = None) -> Preprocessor:
        """Learn the columns, their levels and fill values (and the scales).

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_columns)
            The table.
        y : None
            Ignored.

        Returns
        -------
        Preprocessor
            The fitted transformer.

        Examples
        --------
        >>> import pandas as pd
        >>> from shrinkage import Preprocessor
        >>> df = pd.DataFrame({"x": [1.0, None, 4.0], "color": ["red", "blue", "red"]})
        >>> Preprocessor(impute="median").fit(df).preprocessing_.columns[0].fill
        2.5
        """
        df, named = self._frame(X, reset=True)
        self._learn(df, "X", named=named)
        return self

    def transform(self, X: pd.DataFrame | ArrayLike) -> np.ndarray:
        """The features of X (float64, one column per ``get_feature_names_out`` name).

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_columns)
            New data with every input column used in ``fit`` (others are ignored).

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
            The features (a DataFrame under ``set_output(transform="pandas")``).

        Examples
        --------
        >>> import pandas as pd
        >>> from shrinkage import Preprocessor
        >>> train = pd.DataFrame({"x": [0.5, 3.0], "color": ["red", "blue"]})
        >>> Preprocessor().fit(train).transform(pd.DataFrame({"color": ["blue"], "x": [5.0]}))
        array([[5., 1., 0.]])
        """
        check_is_fitted(self, "preprocessing_")
        return self._features(self._frame(X, reset=False)[0], "X").to_numpy(dtype=np.float64)

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """The output column names: ``column`` or ``column=level``.

        Parameters
        ----------
        input_features : None
            Ignored (scikit-learn's API); the names come from ``fit``.

        Returns
        -------
        ndarray of str
            The output column names.

        Examples
        --------
        >>> import pandas as pd
        >>> from shrinkage import Preprocessor
        >>> df = pd.DataFrame({"x": [0.5, 3.0], "color": ["red", "blue"]})
        >>> Preprocessor().fit(df).get_feature_names_out().tolist()
        ['x', 'color=blue', 'color=red']
        """
        check_is_fitted(self, "preprocessing_")
        return np.asarray(self.preprocessing_.feature_names, dtype=object)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.impute is not None
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags

    # --- what prepare / transform and the model files use -----------------------------------

    @classmethod
    def from_preprocessing(cls, preprocessing: Preprocessing) -> Preprocessor:
        """The fitted transformer of a ``Preprocessing`` record (e.g. from an old model file).

        Parameters
        ----------
        preprocessing : Preprocessing
            The record.

        Returns
        -------
        Preprocessor
            A fitted transformer that replays it.

        Examples
        --------
        >>> import pandas as pd
        >>> from shrinkage import Preprocessor
        >>> from shrinkage.io import prepare
        >>> df = pd.DataFrame({"x": [0.5, 2.0, 3.0], "y": [1.0, 0.0, 2.0]})
        >>> record = prepare(df, "y").preprocessing
        >>> Preprocessor.from_preprocessing(record).transform(df[["x"]]).ravel()
        array([0.5, 2. , 3. ])
        """
        out = cls(drop=list(preprocessing.dropped), impute=preprocessing.impute)
        out._set(
            preprocessing,
            dict.fromkeys(preprocessing.index_columns, "index-like"),
            preprocessing.input_columns,
        )
        return out

    def _learn(
        self, df: pd.DataFrame, source: str, target: str | None = None, named: bool = True
    ) -> dict[str, int]:
        """Fit on the DataFrame ``df`` (``target``, when given, is left out and named in the
        errors; ``named``: its column names are the user's, not x0, x1, ...); returns the
        number of missing cells per column."""
        impute = v.check_impute(self.impute)
        if not isinstance(self.keep_index_columns, bool):
            raise TypeError(
                f"keep_index_columns must be True or False; got {self.keep_index_columns!r}."
            )
        if not isinstance(self.standardize, bool):
            raise TypeError(f"standardize must be True or False; got {self.standardize!r}.")
        columns = list(df.columns)
        drop = _names(self.drop)
        v.check_columns_present(drop, columns, "column to drop", source)
        if len(df) == 0:
            raise ValueError(f"{source} has no data rows.")
        features = [c for c in columns if c != target and c not in drop]
        index_notes = {} if self.keep_index_columns else find_index_columns(df, features)
        features = [c for c in features if c not in index_notes]
        if not features:
            hint = (
                f" (the index-like column{'s' if len(index_notes) > 1 else ''} "
                f"{v.listed(index_notes)} left out: keep them with {KEEP_INDEX_HINT})"
                if index_notes
                else ""
            )
            besides = f" besides the target {target!r}" if target is not None else ""
            raise ValueError(f"{source} has no feature columns left{besides}{hint}.")
        missing = {c: int(df[c].isna().sum()) for c in features}
        if impute is None:
            v.check_no_missing(missing, source)
        specs = tuple(_column_spec(df[c], c, impute, source) for c in features)
        pre = Preprocessing(
            target or "", specs, tuple(drop), impute, index_columns=tuple(index_notes)
        )
        _check_unique_features(pre)
        self._set(pre, index_notes, columns if named else None)
        if self.standardize:
            X = _encode(df, pre, source).to_numpy(dtype=np.float64)
            self.mean_ = X.mean(axis=0)
            scale = X.std(axis=0)
            self.scale_ = np.where(scale > 0, scale, 1.0)
        return {c: k for c, k in missing.items() if k}

    def _set(
        self, pre: Preprocessing, index_notes: dict[str, str], names: Sequence[str] | None
    ) -> None:
        """The fitted attributes; ``names``: the input's column names (None for an array,
        whose ``n_features_in_`` is set by ``validate_data``)."""
        self.preprocessing_ = pre
        self.index_columns_ = dict(index_notes)
        if names is not None:
            self.n_features_in_ = len(names)
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.mean_ = self.scale_ = None

    def _features(self, df: pd.DataFrame, source: str) -> pd.DataFrame:
        """The feature DataFrame of new data ``df`` (columns by name; others ignored)."""
        pre = self.preprocessing_
        v.check_columns_present(pre.input_columns, df.columns, "column", source)
        if len(df) == 0:
            raise ValueError(f"{source} has no data rows.")
        missing = {c.name: int(df[c.name].isna().sum()) for c in pre.columns if c.fill is None}
        v.check_no_missing(missing, source)
        X = _encode(df, pre, source)
        if self.mean_ is not None:
            X = (X - self.mean_) / self.scale_
        return X

    def _frame(self, X: pd.DataFrame | ArrayLike, *, reset: bool) -> tuple[pd.DataFrame, bool]:
        """(X as a pandas DataFrame with text column names, each named once, whether X had
        names); an array's columns are named x0, x1, ... and must be as many as in ``fit``."""
        import pandas as pd

        if not isinstance(X, pd.DataFrame) and hasattr(X, "to_pandas"):  # polars, pyarrow
            X = X.to_pandas()
        if isinstance(X, pd.DataFrame):
            columns = [str(c) for c in X.columns]
            check_unique_columns(columns, "X")
            return X.set_axis(columns, axis=1), True
        if not reset and hasattr(self, "feature_names_in_"):
            raise ValueError(
                "X has no column names, but this Preprocessor was fitted on a "
                "table with names; pass a DataFrame with the columns "
                f"{v.listed(self.feature_names_in_, 5)}."
            )
        array = validate_data(
            self, X, reset=reset, dtype=None, ensure_all_finite=False, skip_check_array=False
        )
        if array.dtype.kind not in "biufcOUSM?":
            array = array.astype(object)
        return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])]), False

    # --- model files ------------------------------------------------------------------------

    def _fitted_state(self) -> dict[str, Any] | None:
        if not hasattr(self, "preprocessing_"):
            return None
        return {
            "preprocessing": self.preprocessing_.to_dict(),
            "index_columns_": self.index_columns_,
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": getattr(self, "feature_names_in_", None),
            "mean_": self.mean_,
            "scale_": self.scale_,
            "output": getattr(self, "_sklearn_output_config", {}).get("transform"),
        }

    def _set_fitted_state(self, fitted: dict[str, Any], where: str) -> None:
        from ..estimators._serialize import _check_names, check_fitted

        keys = (
            "preprocessing",
            "index_columns_",
            "n_features_in_",
            "feature_names_in_",
            "mean_",
            "scale_",
            "output",
        )
        _check_names(fitted, keys, ("preprocessing", "n_features_in_"), where)
        try:
            pre = Preprocessing.from_dict(fitted["preprocessing"], f"{where}.preprocessing")
        except ValueError as e:
            raise ValueError(str(e) if str(e).startswith(where) else f"{where}: {e}") from None
        notes = fitted.get("index_columns_") or {}
        if not (
            isinstance(notes, dict)
            and all(isinstance(k, str) and isinstance(x, str) for k, x in notes.items())
        ):
            raise ValueError(f"{where}.index_columns_ must map column names to reasons.")
        names = fitted.get("feature_names_in_")
        self._set(pre, notes, None)
        self.n_features_in_ = fitted["n_features_in_"]
        if names is not None:
            self.feature_names_in_ = names
        check_fitted(self, where)
        known = set(names) if names is not None else {f"x{i}" for i in range(self.n_features_in_)}
        missing = [c for c in pre.input_columns if c not in known]
        if missing:
            raise ValueError(f"{where}.feature_names_in_ lacks the input column {missing[0]!r}.")
        mean, scale = fitted.get("mean_"), fitted.get("scale_")
        if (mean is None) != (scale is None) or (mean is not None and self.standardize is False):
            raise ValueError(
                f"{where}: mean_ and scale_ must both be null, or both set with standardize=true."
            )
        if mean is not None and scale is not None:  # both or neither, checked above
            p = len(pre.feature_names)
            for name, a in (("mean_", mean), ("scale_", scale)):
                if not (
                    isinstance(a, np.ndarray)
                    and a.dtype == np.float64
                    and a.shape == (p,)
                    and np.all(np.isfinite(a))
                ):
                    raise ValueError(
                        f"{where}.{name} must be {p} finite float64 numbers, one per output column."
                    )
            if not np.all(scale > 0):
                raise ValueError(f"{where}.scale_ must be positive.")
            self.mean_, self.scale_ = mean, scale
        output = fitted.get("output")
        if output is not None:
            if output not in ("default", "pandas", "polars"):
                raise ValueError(
                    f"{where}.output must be 'default', 'pandas', 'polars' or null; got {output!r}."
                )
            self.set_output(transform=output)


def prepare(
    df: pd.DataFrame,
    target: str,
    *,
    drop: str | Sequence[str] = (),
    impute: str | None = None,
    keep_index_columns: bool = False,
    source: str = "the data",
) -> Prepared:
    """Numeric features and a numeric target from a table, by a ``Preprocessor`` (the rules
    in ``shrinkage.io.encoding``).

    Parameters
    ----------
    df : pandas.DataFrame
        The table (e.g. from ``read_table``); every column name once.
    target : str
        The name of the target column.
    drop : list of str or str, default=()
        Column names to leave out.
    impute : {None, "mean", "median"}, default=None
        None refuses missing values.
    keep_index_columns : bool, default=False
        Use index-like columns (row labels, the row numbers) as features too; by default they
        are left out and listed in ``Prepared.index_notes``.
    source : str, default="the data"
        How error messages name the table (e.g. the file name).

    Returns
    -------
    Prepared
        The features, the target and the record of what was done.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"rownames": [1, 2, 3], "x": [0.5, 2.0, 1.0], "y": [1.0, 3.0, 2.5]})
    >>> p = prepare(df, "y")
    >>> p.feature_names, p.index_notes
    (['x'], {'rownames': 'the row numbers 1..3'})
    """
    impute = v.check_impute(impute)
    if not isinstance(keep_index_columns, bool):
        raise TypeError(f"keep_index_columns must be True or False; got {keep_index_columns!r}.")
    columns = [str(c) for c in df.columns]
    check_unique_columns(columns, source)
    df = df.set_axis(columns, axis=1)
    if not isinstance(target, str) or not target:
        raise TypeError(f"target must be a column name; got {target!r}.")
    v.check_columns_present([target], columns, "target column", source)
    drop = _names(drop)
    v.check_columns_present(drop, columns, "column to drop", source)
    if target in drop:
        raise ValueError(f"the target column {target!r} cannot be dropped.")
    v.check_table_rows(len(df), source)
    y_raw = df[target]
    v.check_no_missing({target: int(y_raw.isna().sum())}, source, target=True)
    y = _target(y_raw, target, source)
    v.check_target_values(y, target, source)
    pre = Preprocessor(drop=drop, impute=impute, keep_index_columns=keep_index_columns)
    missing = pre._learn(df, source, target)
    X = _encode(df, pre.preprocessing_, source)
    return Prepared(X, y, pre.preprocessing_, source, len(df), missing, pre.index_columns_)


def transform(
    df: pd.DataFrame, preprocessing: Preprocessing, *, source: str = "the data"
) -> pd.DataFrame:
    """The features of new data, replaying ``preprocessing`` (the target column is not needed).

    Every input column used in training must be present (others are ignored); missing values
    are filled only where the training imputed them; a level not seen in training is an error.

    Parameters
    ----------
    df : pandas.DataFrame
        The new data.
    preprocessing : Preprocessing
        The record of the training data's preparation.
    source : str, default="the data"
        How error messages name the table.

    Returns
    -------
    pandas.DataFrame
        The features, float, in the training's order.

    Examples
    --------
    >>> import pandas as pd
    >>> from shrinkage.io import prepare, transform
    >>> train = pd.DataFrame({"x": [0.5, 3.0], "color": ["red", "blue"], "y": [0.0, 1.0]})
    >>> transform(pd.DataFrame({"color": ["red"], "x": [7.0]}), prepare(train, "y").preprocessing)
         x  color=blue  color=red
    0  7.0         0.0        1.0
    """
    df = df.set_axis([str(c) for c in df.columns], axis=1)
    check_unique_columns(df.columns, source)
    return Preprocessor.from_preprocessing(preprocessing)._features(df, source)


__all__ = ["Preprocessor", "prepare", "transform"]
