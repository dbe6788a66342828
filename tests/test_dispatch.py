"""The core reaches the Dask extra through shrinkage._dispatch: a decision by the type's module
that imports nothing, the extra imported and its handler registered only for its collections."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from shrinkage import _dispatch


def test_plain_inputs_are_not_handed_to_an_extra():
    for X in (np.eye(2), pd.DataFrame(np.eye(2)), [[1.0, 2.0]], None, np.ndarray):
        assert not _dispatch.handled_by_extra(X)
    with pytest.raises(TypeError, match="no extra of shrinkage handles ndarray"):
        _dispatch.fit_by_extra(object(), np.eye(2))


def test_the_decision_imports_nothing_and_the_extra_registers_on_first_use():
    pytest.importorskip("dask.array")
    code = (
        "import sys, numpy as np, shrinkage\n"
        "from shrinkage import _dispatch\n"
        "est = shrinkage.Lasso(alpha=0.1).fit(np.eye(4), np.arange(4.0))\n"
        "print('shrinkage.dask' in sys.modules, 'dask' in sys.modules)\n"
        "import dask.array as da\n"
        "X = da.from_array(np.random.default_rng(0).standard_normal((40, 3)), chunks=20)\n"
        "y = X @ np.array([1.0, 0.0, -2.0])\n"
        "print(_dispatch.handled_by_extra(X), 'shrinkage.dask' in sys.modules)\n"
        "fit = shrinkage.Lasso(alpha=0.01).fit(X, y)\n"
        "print('shrinkage.dask' in sys.modules, sorted(_dispatch._HANDLERS))\n"
        "ref = shrinkage.Lasso(alpha=0.01).fit(X.compute(), y.compute())\n"
        "print(bool(np.allclose(fit.coef_, ref.coef_, atol=1e-6)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:4] == ["False False", "True False", "True ['shrinkage.dask']", "True"]
