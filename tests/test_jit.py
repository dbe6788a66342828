"""Numba compile time, measured by ``shrinkage._jit``; nothing compiles before a fit needs it."""

import subprocess
import sys
import textwrap
import time

import numpy as np
from numba import njit

from shrinkage._jit import CompileTime, compile_note, compile_time, stub_when_none


def test_compile_time_counts_compiles_only():
    @njit
    def twice(a):
        return 2.0 * a

    with compile_time() as first:
        twice(np.ones(3))
    with compile_time() as again:  # compiled already: nothing to measure
        twice(np.ones(3))
    assert first.seconds > 0.0
    assert again.seconds == 0.0


def test_compile_time_counts_nested_compiles_once():
    @njit
    def inner(a):
        return a + 1.0

    @njit
    def outer(a):
        return inner(a) * 2.0

    start = time.perf_counter()
    with compile_time() as spent:
        outer(np.ones(2))
    elapsed = time.perf_counter() - start
    # the compile of ``inner`` happens inside the one of ``outer``: counted once, within it
    assert 0.0 < spent.seconds <= elapsed


def _scaled(x, factor):
    return x * factor


stub_when_none(_scaled, 1)


def test_stub_when_none_compiles_the_function_where_the_argument_is_not_none():
    @njit
    def guarded(x, factor):
        if factor is None:
            return -x
        return _scaled(x, factor)

    assert guarded(2.0, None) == -2.0
    assert guarded(2.0, 3.0) == 6.0
    # where the argument is None the function is a stub (0.0), compiled without its body
    assert njit(lambda x: _scaled(x, None))(2.0) == 0.0


def test_compile_note():
    assert compile_note(CompileTime(0.04)) == (
        "numba: compiled kernels in 0.0 s (first run; cached for later runs)"
    )
    assert compile_note(CompileTime()) == (
        "numba: kernels loaded from the cache (compiled on an earlier run)"
    )


def test_importing_compiles_no_kernel():
    """Every public name loaded, every module imported: no numba function has a compiled (or
    cache-loaded) signature until a fit calls it."""
    script = textwrap.dedent(
        """
        import gc, importlib, pkgutil
        import shrinkage
        for name in shrinkage.__all__:
            getattr(shrinkage, name)
        for info in pkgutil.walk_packages(shrinkage.__path__, "shrinkage."):
            if info.name.split(".")[1] not in ("torch", "dask", "onnx", "formula", "__main__"):
                importlib.import_module(info.name)
        from numba.core.dispatcher import Dispatcher
        dispatchers = [o for o in gc.get_objects() if isinstance(o, Dispatcher)]
        ours = [d for d in dispatchers if d.py_func.__module__.startswith("shrinkage")]
        print(len(ours), [d.py_func.__qualname__ for d in ours if d.signatures])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    count, compiled = proc.stdout.strip().split(" ", 1)
    assert int(count) > 50  # the kernels were found
    assert compiled == "[]"
