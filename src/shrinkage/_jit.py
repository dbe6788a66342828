"""The kernels' numba decorator, and how long numba spent compiling them (numba's event API).

The kernels compile on their first call and numba caches them on disk (``cache=True``), so a
first run pays the compile once; ``compile_time`` measures what a block of code paid and
``compile_note`` says it in one line (``shrinkage demo`` prints it).  ``njit`` is numba's
without the C-callable wrapper it otherwise compiles for every function (see ``njit``).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


def njit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(**options)`` without the C-callable wrapper (``no_cfunc_wrapper``).

    numba compiles two wrappers around every function: one called from Python, and one with a C
    signature, used only where a compiled function is passed as a first-class function value
    (which no kernel does).  Every kernel that compiles builds the second for nothing: about
    0.7 s of a Lasso's first fit of about 6.5 s in a fresh numba cache.  The kernels' code and
    results are the same.

    Examples
    --------
    >>> @njit(cache=False)
    ... def double(a):
    ...     return 2 * a
    >>> double(3)
    6
    """
    import numba

    options = {"no_cfunc_wrapper": True, **options}  # an option numba's type stubs do not list
    return numba.njit(**options)


def njit_internal(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """A function that kernels call and Python does not: compiled without either wrapper where a
    kernel calls it (``numba.extending.register_jitable``), plain Python where Python calls it.

    numba compiles a Python-callable wrapper around every ``njit`` function (unboxing each
    argument, boxing the result) and finalizes it as a library of its own; a helper called only
    from kernels needs neither.  The helper is still a function of its own in its callers'
    machine code (not inlined), compiled with their fastmath flags as an ``njit`` one would be.

    Examples
    --------
    >>> @njit_internal()
    ... def double(a):
    ...     return 2 * a
    >>> double(3)  # plain Python
    6
    >>> njit(cache=False)(lambda a: double(a) + 1)(3)
    7
    """
    from numba.extending import register_jitable

    return register_jitable(no_cpython_wrapper=True, no_cfunc_wrapper=True, **options)  # type: ignore[no-any-return]


def specialize_when_none(generic: Callable[..., Any], special: Callable[..., Any], at: int) -> None:
    """Compile ``generic`` (a function numba kernels call) as ``special`` wherever its argument
    ``at`` is None, inlined in the caller (with the caller's fastmath flags) either way: a
    kernel then compiles only the branch its argument types need (e.g. the elastic net's math
    where gamma is None, a dense design's loops where a CSC design's values are None).

    Examples
    --------
    >>> import numba
    >>> def scale(x, factor):
    ...     return x * factor
    >>> def unscaled(x, factor):
    ...     return x
    >>> specialize_when_none(scale, unscaled, 1)
    >>> numba.njit(cache=False)(lambda x: scale(x, None) + scale(x, 3.0))(2.0)
    8.0
    """
    from numba import types
    from numba.extending import overload

    @overload(
        generic,
        inline="always",
        strict=False,
        # neither wrapper (``njit_internal``): options numba's type stubs do not list
        jit_options={"no_cpython_wrapper": True, "no_cfunc_wrapper": True},  # type: ignore[typeddict-unknown-key]
    )
    def _choose(*args):
        return special if isinstance(args[at], types.NoneType) else generic


def stub_when_none(function: Callable[..., Any], at: int) -> None:
    """Compile ``function`` (a function numba kernels call) as a stub that returns 0.0 wherever
    its argument ``at`` is None, and as itself, inlined in the caller (with the caller's fastmath
    flags), elsewhere.

    A kernel guards the call with ``if x is None: <the special case> else: function(..., x,
    ...)``: numba types both branches, and ``function``'s code may not type with None (MCP's
    math where gamma is None, a CSC design's loops where its values are None); the stub does,
    and LLVM drops the branch that a None can never take.  A first fit then compiles neither
    the other branch nor, as ``specialize_when_none`` would (numba compiles an inlined
    overload's implementation on its own first, to type it), a second copy of the special
    case: the elastic net's KKT score and prox on their own were about 0.5 s of a Lasso's first
    fit in a fresh cache.  ``specialize_when_none`` stays the cheaper one where the special
    case is a call and nothing more.

    Examples
    --------
    >>> import numba
    >>> def scale(x, factor):
    ...     return x * factor
    >>> stub_when_none(scale, 1)
    >>> both = numba.njit(cache=False)(lambda x, f: x if f is None else scale(x, f))
    >>> both(2.0, None), both(2.0, 3.0)
    (2.0, 6.0)
    """
    specialize_when_none(function, _stub_like(function), at)


def _stub_like(function: Callable[..., Any]) -> Callable[..., float]:
    """A function of ``function``'s parameters that returns 0.0 (numba's inliner takes no
    ``*args``)."""
    params = ", ".join(inspect.signature(function).parameters)
    namespace: dict[str, Any] = {}
    exec(f"def stub({params}):\n    return 0.0", namespace)  # a fixed body
    return namespace["stub"]  # type: ignore[no-any-return]


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
