"""Inference after regularization: honest confidence intervals and p-values.

- ``debiased_lasso``: the desparsified lasso (least squares and logistic), intervals for every
  coefficient of the full model (R's ``hdi::lasso.proj``).
- ``selective_inference``: exact post-selection inference at a fixed alpha (Lee et al. 2016),
  intervals for the selected submodel's partial coefficients (R's
  ``selectiveInference::fixedLassoInf``).
- ``multi_split``: multi sample-splitting p-values with familywise and FDR control
  (Meinshausen, Meier and Buhlmann 2009; R's ``hdi::multi.split``).

Every method returns one ``InferenceResult``; ``docs/inference.md`` says when each is valid.
"""

from .adjust import adjust_p_values
from .debiased import debiased_lasso, nodewise_inverse
from .multisplit import multi_split
from .result import InferenceResult
from .selective import selective_inference

__all__ = [
    "InferenceResult",
    "adjust_p_values",
    "debiased_lasso",
    "multi_split",
    "nodewise_inverse",
    "selective_inference",
]
