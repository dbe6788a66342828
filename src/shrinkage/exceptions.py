"""Warnings raised by shrinkage."""

from sklearn.exceptions import ConvergenceWarning


class ShrinkageConvergenceWarning(ConvergenceWarning):
    """A fit stopped at max_iter before its duality gap reached the tolerance."""
