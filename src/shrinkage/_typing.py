"""Type aliases shared by the modules (annotations only: nothing here runs at fit time)."""

from __future__ import annotations

from typing import Any, TypeAlias

DesignMatrix: TypeAlias = Any
"""A design matrix X: a 2-D ``numpy.ndarray`` or a ``scipy.sparse`` matrix (CSC for the
solvers, CSR where rows are read).

scipy ships no type information, so mypy reads its matrices as ``Any``; a union with
``numpy.ndarray`` would refuse the sparse-only methods (``multiply``, ``toarray``, ``tocsr``)
that the code calls after ``scipy.sparse.issparse``.  The alias names what is meant where
``object`` (too narrow: no ``shape``, no ``@``) was written before."""
