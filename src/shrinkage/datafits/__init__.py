"""Datafits: the loss part of the objective."""

from __future__ import annotations

import importlib

from .base import Datafit
from .quadratic import Quadratic, SufficientStatistics, WeightedDesign, sufficient_statistics

# name -> (module, class); GLM datafits are imported on first use
_GLM_DATAFITS = {
    "logistic": ("logistic", "Logistic"),
    "poisson": ("poisson", "Poisson"),
    "gamma": ("gamma", "Gamma"),
    "tweedie": ("tweedie", "Tweedie"),  # get_datafit("tweedie", power=1.5)
    "huber": ("huber", "Huber"),
    "squared_hinge": ("hinge", "SquaredHinge"),
    "multinomial": ("multinomial", "Multinomial"),
    "quantile": ("quantile", "Quantile"),  # not smooth: shrinkage.path sends it to its own solver
}


def get_datafit(datafit, **params) -> Datafit:
    """A GLM datafit instance from its name (``params`` go to its constructor) or the instance.

    Parameters
    ----------
    datafit : str or Datafit
        One of ``"logistic"``, ``"poisson"``, ``"gamma"``, ``"tweedie"``, ``"huber"``,
        ``"squared_hinge"``, ``"multinomial"``, ``"quantile"``; or an object with the
        ``Datafit`` methods, returned as it is.
    **params
        Passed to the named datafit's constructor (``power`` for ``"tweedie"``, ``epsilon``
        and ``scale`` for ``"huber"``, ``quantile`` for ``"quantile"``, ...).

    Returns
    -------
    Datafit
        The datafit instance.

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For an object that lacks one of the ``Datafit`` methods.

    Examples
    --------
    >>> from shrinkage.datafits import get_datafit
    >>> get_datafit("tweedie", power=1.5).power
    1.5
    >>> get_datafit("logistic").curvature_bound
    0.25
    """
    if not isinstance(datafit, str):
        missing = [
            m
            for m in (
                "loss",
                "derivative",
                "curvature",
                "conjugate",
                "null_intercept",
                "check_target",
            )
            if not callable(getattr(datafit, m, None))
        ]
        if missing:
            raise TypeError(
                f"datafit must be a name in {sorted(_GLM_DATAFITS)} or an object with "
                f"the Datafit methods; {datafit!r} lacks {missing}."
            )
        return datafit
    if datafit not in _GLM_DATAFITS:
        raise ValueError(
            f"datafit must be one of {sorted(_GLM_DATAFITS)} (or 'quadratic' in "
            f"shrinkage.path); got {datafit!r}."
        )
    module, cls = _GLM_DATAFITS[datafit]
    return getattr(importlib.import_module(f".{module}", __name__), cls)(**params)


def __getattr__(name: str):
    """The GLM datafit classes by name (``shrinkage.datafits.Quantile(0.9)``), imported lazily."""
    for module, cls in _GLM_DATAFITS.values():
        if cls == name:
            return getattr(importlib.import_module(f".{module}", __name__), cls)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Datafit",
    "Quadratic",
    "SufficientStatistics",
    "WeightedDesign",
    "get_datafit",
    "sufficient_statistics",
]
