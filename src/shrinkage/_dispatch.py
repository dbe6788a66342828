"""How the core reaches an extra (Dask) without importing it.

An estimator asks ``handled_by_extra(X)``: is X a collection of a library that an extra of
shrinkage handles?  The answer reads the top-level module of X's type (``dask.array.core`` ->
``dask``) and imports nothing.  Only for such an X does ``fit_by_extra`` import the extra
(``importlib``, on first use); the extra registers its handler with ``register`` when it is
imported, and the fit is handed over.  So ``import shrinkage`` never imports dask, and no core
module imports ``shrinkage.dask``: the extra depends on the core, never the reverse.

Example
-------
>>> import numpy as np
>>> handled_by_extra(np.eye(2))
False
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeAlias

#: the top-level module of a collection's type -> the extra that fits estimators on it
#: (``dask_expr`` held dask DataFrames before dask 2025.1 moved it into ``dask.dataframe``)
EXTRAS = {"dask": "shrinkage.dask", "dask_expr": "shrinkage.dask"}

#: ``fit(estimator, X, *args, **kwargs)``: fits the estimator in place and returns it
Handler: TypeAlias = Callable[..., Any]

_HANDLERS: dict[str, Handler] = {}


def extra_for(obj: object) -> str | None:
    """The extra that handles ``obj`` (e.g. ``"shrinkage.dask"``), or None; imports nothing."""
    if isinstance(obj, type):
        return None
    return EXTRAS.get(type(obj).__module__.partition(".")[0])


def handled_by_extra(obj: object) -> bool:
    """Whether an extra fits estimators on ``obj`` (a Dask array or DataFrame, ...)."""
    return extra_for(obj) is not None


def register(extra: str, fit: Handler) -> None:
    """Called by an extra when it is imported: ``fit(estimator, X, *args, **kwargs)`` fits
    ``estimator`` in place on the extra's collections and returns it."""
    _HANDLERS[extra] = fit


def fit_by_extra(estimator: Any, X: object, *args: Any, **kwargs: Any) -> Any:
    """Fit ``estimator`` on X with the extra that handles X (imported on first use)."""
    extra = extra_for(X)
    if extra is None:
        raise TypeError(f"no extra of shrinkage handles {type(X).__name__} input.")
    if extra not in _HANDLERS:
        importlib.import_module(extra)  # the extra registers its handler when imported
    return _HANDLERS[extra](estimator, X, *args, **kwargs)
