"""Lasso, Ridge, Elastic-Net, logistic and Poisson paths (and least-squares CV) on Dask
collections.

Least squares needs the data only through its sufficient statistics.  ONE distributed pass
computes, per partition, the weighted moments of ``[X, y]`` (count, mean, centred second
moments: X'WX, X'Wy, y'Wy about the partition's own mean) for every cross-validation fold;
they are tree-reduced with the exact pairwise (Chan) merge and centred on the client.  The
whole path, and every fold's path, then runs locally in the core's Gram mode
(``shrinkage.path.solve_path`` on ``Problem.with_statistics``): no solver code of its own.

- ``path(X, y, ...)`` and ``cross_validate_path(X, y, ...)`` return the core's ``Path`` and
  ``CVResult``;
- ``Lasso``, ``ElasticNet``, ``Ridge``, ``LassoCV`` and ``ElasticNetCV`` accept Dask input in
  ``fit`` directly: the core's dispatch hook (``shrinkage._dispatch``) sees a Dask collection,
  imports this package, which registers ``fit_estimator`` as its handler, and hands over;
- ``read_parquet(path, target=...)`` reads a Parquet file or folder lazily, one partition per
  row group, and checks that every file holds the same columns;
- ``compute_statistics`` exposes the pass itself, ``fold_ids`` the fold of every row;
- ``path(X, y, datafit="logistic" | "poisson", offset=...)`` (``glm_path``): distributed
  proximal Newton, one pass per Newton step computing the curvature moments of the working set,
  the full gradient and the duality gap (``shrinkage.dask.glm``); ``LogisticRegression`` and
  ``PoissonRegressor`` fit Dask input through ``fit_estimator`` too.

Inputs: dask arrays (rows may be chunked; columns are joined into one chunk), dask DataFrames
(feature names kept), and a target/weights as dask collections with the same partitions, or
(DataFrame only) as column names of X.  The limit: the (p+1) x (p+1) statistics of every fold
must fit in memory; above the budget ``shrinkage.max-gram-memory`` (dask config, default
"4GiB") a ``MemoryError`` says the size and the alternatives.  See ``docs/dask.md``.

Importing this package does not import dask: ``is_dask_collection`` works without it, and the
rest loads on first use.
"""

from __future__ import annotations

import importlib

from .. import _dispatch

_LAZY = {
    "path": "api",
    "glm_path": "glm",
    "DaskGLMPath": "glm",
    "cross_validate_path": "api",
    "predict": "api",
    "fit_estimator": "estimators",
    "read_parquet": "parquet",
    "compute_statistics": "statistics",
    "fold_ids": "statistics",
    "DaskStatistics": "statistics",
    "HashedFolds": "statistics",
}

__all__ = ["is_dask_collection", *sorted(_LAZY)]


def _fit_estimator(estimator, X, *args, **kwargs):
    """The handler the core's dispatch hook calls (``fit_estimator``, loaded on first use)."""
    return __getattr__("fit_estimator")(estimator, X, *args, **kwargs)


_dispatch.register(__name__, _fit_estimator)


def is_dask_collection(obj) -> bool:
    """True for a dask array, DataFrame, Series, bag or delayed object (dask is not imported).

    Parameters
    ----------
    obj : object
        Anything.

    Returns
    -------
    bool
        Whether ``obj`` is a dask collection.

    Examples
    --------
    >>> import dask.array as da
    >>> import numpy as np
    >>> from shrinkage.dask import is_dask_collection
    >>> is_dask_collection(da.zeros(3)), is_dask_collection(np.zeros(3))
    (True, False)
    """
    graph = getattr(type(obj), "__dask_graph__", None)
    if graph is None or isinstance(obj, type):
        return False
    try:
        return obj.__dask_graph__() is not None
    except Exception:  # an object that only looks like a collection
        return False


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
