"""One module per library, each with the same small interface.

Every adapter module defines:

* ``NAME``: the library's display name; ``version()``: its version string;
* ``HOW``: one line saying exactly which API is called (shown in the report);
* ``TOL``: the library's own tolerance per problem name (``"default"`` as fallback), chosen so
  that the independent relative duality gap is <= 1e-6 at every alpha (``run.py --calibrate``);
* ``TOL_MEANING``: what that tolerance controls, in the library's words;
* ``fit_path(X, y, alphas, l1_ratio, tol) -> (coefs (n_alphas, p), intercepts (n_alphas,))``
  on the raw data with fit_intercept=True; anything the library needs (centring, a Gram matrix,
  Fortran order) happens inside and is timed.

Optionally ``SKIP = {problem_name: reason}`` for problems left out of the default run, and
``VARIANTS = {label: fit}`` for the other ways of calling the library that were timed.

Importing an adapter must fail with ImportError when its library is not installed.
"""

from __future__ import annotations

import importlib

ORDER = ("ours", "sklearn_", "skglm_", "celer_", "glum_")


def load(names=ORDER):
    """(module, None) for each importable adapter, (None, reason) for the others."""
    out = {}
    for name in names:
        try:
            out[name] = (importlib.import_module(f"{__name__}.{name}"), None)
        except ImportError as exc:
            out[name] = (None, f"not installed ({exc.name or exc})")
    return out
