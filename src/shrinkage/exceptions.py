"""Warnings raised by shrinkage, and where they point."""

from __future__ import annotations

import os
import sys

from sklearn.exceptions import ConvergenceWarning

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class ShrinkageConvergenceWarning(ConvergenceWarning):
    """A fit stopped at max_iter before its duality gap reached the tolerance."""


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
