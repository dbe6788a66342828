"""The diabetes demo (what `shrinkage demo` runs): scikit-learn's data in its own units, the
settings of `shrinkage compare` by default, passed through by the command."""

import numpy as np
from sklearn.datasets import load_diabetes

from shrinkage import cli
from shrinkage.demos.compare import (
    BOOTSTRAP,
    CV,
    PENALTIES,
    REPEATS,
    SOURCE,
    TARGET,
    demo_table,
    introduction,
)


def test_the_table_is_scikit_learns_diabetes_data_in_its_units():
    table = demo_table()
    X, y = load_diabetes(return_X_y=True, scaled=False)
    assert list(table.columns[:-1]) == list(load_diabetes().feature_names)
    np.testing.assert_array_equal(table.drop(columns=TARGET).to_numpy(), X)
    np.testing.assert_array_equal(table[TARGET].to_numpy(), y)
    assert table.columns[-1] == TARGET


def test_the_settings_are_compares_defaults():
    defaults = {p.name: p.default for p in cli.compare.params}
    assert defaults["penalties"] == ",".join(PENALTIES)
    assert (defaults["cv"], defaults["repeats"], defaults["bootstrap"]) == (CV, REPEATS, BOOTSTRAP)


def test_the_command_prints_the_introduction_and_passes_the_settings(monkeypatch, tmp_path, capsys):
    seen = {}
    monkeypatch.setattr(
        cli,
        "_run_compare",
        lambda table, source, **kw: seen.update(table=table, source=source, **kw),
    )
    out = tmp_path / "r.html"
    assert cli.main(["demo", "--out", str(out), "--no-progress", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    intro = introduction(demo_table()) + "\n"
    assert printed.startswith(intro)
    # then the compile line (nothing compiles with the comparison stubbed out; none without JIT)
    assert printed[len(intro) :] in (
        "",
        "numba: kernels loaded from the cache (compiled on an earlier run)\n",
    )
    assert "shrinkage compare DATA --target COLUMN" in introduction(demo_table())
    assert seen["table"].equals(demo_table())
    assert (seen["source"], seen["target"], seen["penalties"]) == (SOURCE, TARGET, PENALTIES)
    assert (seen["cv"], seen["repeats"], seen["bootstrap"]) == (CV, REPEATS, BOOTSTRAP)
    assert (seen["out"], seen["json_out"], seen["seed"], seen["progress"]) == (out, None, 3, False)
    assert seen["task"] == "regression"
