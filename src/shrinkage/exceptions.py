"""Warnings raised by shrinkage, and where they point.

``ShrinkageConvergenceWarning`` subclasses scikit-learn's ``ConvergenceWarning`` (filters and
``pytest.warns`` on either catch it); the class is made on its first use (PEP 562), so that
importing shrinkage's functional API (``shrinkage.path``) does not import scikit-learn.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_CONVERGENCE_DOC = "A fit stopped at max_iter before its duality gap reached the tolerance."

if TYPE_CHECKING:
    from sklearn.exceptions import ConvergenceWarning

    class ShrinkageConvergenceWarning(ConvergenceWarning):
        """A fit stopped at max_iter before its duality gap reached the tolerance."""


def __getattr__(name: str) -> Any:
    """``ShrinkageConvergenceWarning``, made once on first use (one class however many threads
    ask at once: the first one stored wins).

    Examples
    --------
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from shrinkage.exceptions import ShrinkageConvergenceWarning
    >>> issubclass(ShrinkageConvergenceWarning, ConvergenceWarning)
    True
    """
    if name != "ShrinkageConvergenceWarning":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sklearn.exceptions import ConvergenceWarning

    made = type(name, (ConvergenceWarning,), {"__doc__": _CONVERGENCE_DOC, "__module__": __name__})
    return globals().setdefault(name, made)


def user_stacklevel() -> int:
    """``warnings.warn``'s stacklevel that points at the user's line: the first frame outside
    the shrinkage package, however deep inside it the warning is raised.

    Call it from the function that calls ``warnings.warn`` (level 1 is that function).

    Returns
    -------
    int
        The number of frames from the caller of this function to the first frame whose file
        is not under the package's directory.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("here", stacklevel=user_stacklevel())
    >>> caught[0].filename.startswith(_PACKAGE_DIR)
    False
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level
