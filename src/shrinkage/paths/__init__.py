"""One path engine for every model: the grid from alpha_max, warm starts, early stop, the
convergence warnings and the ``Path`` (``engine``, ``grid``, ``result``, ``interpolate``), and one
module per family that states how to build its problem and solve at one alpha
(``least_squares``, ``group``, ``multitask``; the GLMs' is ``shrinkage.glm.path``).

Importing the package wires ``Path.coef_at(exact=True)`` to the refit of
``shrinkage._any_alpha``: the data type sits below the engines that make it and never imports
them.
"""

from .. import _any_alpha
from . import result

result.refit = _any_alpha.refit
