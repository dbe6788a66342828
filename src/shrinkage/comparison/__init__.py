"""The comparison layer: L1, L2 and Elastic Net compared on one data set, and the simulations
behind the figures.  It sits above the estimators and below the figures, the report and the CLI.

Modules by job, imports flowing one way (an arrow points at what a module imports; nothing
imports upwards, so there is no circle):

```
api            compare(X, y): checks the options, sends regression / class labels on
 |-> regression       numeric target: CV on shared folds, OLS baseline, bootstrap refits
 |-> classification   class labels: logistic / multinomial, class priors and unpenalized baselines
      |  both use:
      |-> recommend   the decision rules and the sentences of the evidence
      |-> bootstrap   the draws, the parallel refit loop, how refits treat a correlated group
      |-> baseline    which columns an unpenalized fit uses, and its notes
      |-> grid        the L2 grid
      |-> settings    the options, checked once; does a target look like class labels
      '-> results     ModelResult, GroupPenalty, GroupTreatment, Evidence, Comparison (data only)
           '-> diagnostics   condition number, VIFs, correlated groups of X
                '-> one_hot  full one-hot encodings of a categorical
simulations    the geometry and bias-variance simulations behind two figures (they fit)
 '-> figure_data      what they return: GeometryData, BiasVarianceCurve (numpy only; the
                      plots import these types and nothing that fits)
```

``recommend``, ``bootstrap`` and ``baseline`` import only ``results``, ``diagnostics`` and
``one_hot`` from this package; ``results`` imports nothing above ``diagnostics``.  Public names
load on first use (PEP 562), so importing ``shrinkage.comparison.one_hot`` stays light.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "compare": "api",
    "Comparison": "results",
    "ModelResult": "results",
    "Evidence": "results",
    "GroupPenalty": "results",
    "GroupTreatment": "results",
    "Collinearity": "diagnostics",
    "CorrelatedGroup": "diagnostics",
    "collinearity": "diagnostics",
    "GeometryData": "figure_data",
    "BiasVarianceCurve": "figure_data",
    "geometry_data": "simulations",
    "synthetic_pair": "simulations",
    "bias_variance_curve": "simulations",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
