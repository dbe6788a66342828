"""How long numba spent compiling the kernels, measured (numba's event API).

The kernels compile on their first call and numba caches them on disk (``cache=True``), so a
first run pays the compile once; ``compile_time`` measures what a block of code paid and
``compile_note`` says it in one line (``shrinkage demo`` prints it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class CompileTime:
    """Wall-clock seconds numba spent compiling (kernels called by kernels count within their
    caller); 0.0 when every kernel came from the cache or was compiled before."""

    seconds: float = 0.0


@contextlib.contextmanager
def compile_time() -> Iterator[CompileTime]:
    """Measure numba's compiles inside the block (loading a kernel from the cache is no compile).

    Examples
    --------
    >>> import numpy as np
    >>> from numba import njit
    >>> with compile_time() as spent:
    ...     _ = njit(lambda a: a + 1)(np.ones(2))
    >>> spent.seconds > 0
    True
    """
    from numba.core import event

    spent = CompileTime()

    def add(seconds: float) -> None:
        spent.seconds += seconds

    with event.install_timer("numba:compile", add):
        yield spent


def compile_note(spent: CompileTime) -> str | None:
    """One line on the compile a run paid: seconds on a first run, the cache on later ones; None
    where numba's JIT is disabled (``NUMBA_DISABLE_JIT``: nothing compiles).

    Examples
    --------
    >>> compile_note(CompileTime(4.26))
    'numba: compiled kernels in 4.3 s (first run; cached for later runs)'
    >>> compile_note(CompileTime(0.0))
    'numba: kernels loaded from the cache (compiled on an earlier run)'
    """
    from numba.core import config

    if config.DISABLE_JIT:  # type: ignore[attr-defined]  # set from the environment at import
        return None
    if spent.seconds > 0.0:
        return (
            f"numba: compiled kernels in {spent.seconds:.1f} s (first run; cached for later runs)"
        )
    return "numba: kernels loaded from the cache (compiled on an earlier run)"
