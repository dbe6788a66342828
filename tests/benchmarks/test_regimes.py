"""Smoke test of benchmarks/regimes.py on tiny problems: the report is written and every answer
is certified (no timing is checked)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("threadpoolctl")

from benchmarks import certify, regimes


@pytest.mark.slow
def test_quick_run_writes_a_certified_report(tmp_path):
    out, raw = tmp_path / "regimes.md", tmp_path / "regimes.json"
    argv = ["--quick", "--libraries", "ours,sklearn_", "--memory-libraries", "ours"]
    argv += ["--repeat", "1", "--out", str(out)]
    assert regimes.main([*argv, "--json", str(raw)]) == 0
    text = out.read_text()
    assert "python -m benchmarks.regimes --quick" in text
    assert "## Targets" in text and "## Peak memory of one dense fit" in text
    data = json.loads(raw.read_text())
    assert set(data["results"]) == set(regimes.CASES)
    for case, per_library in data["results"].items():
        assert "skipped" not in per_library["ours"]
        for library, res in per_library.items():
            if "skipped" not in res:  # a slow peer left out of a case (regimes.SKIP)
                assert res["max_rel_gap"] <= regimes.GAP_TARGET, (case, library)
        assert f"| {case} | " in text
    for case in regimes.MEMORY_CASES:
        mem = data["memory"][case]["ours"]
        assert mem["max_rel_gap"] <= regimes.GAP_TARGET
        assert mem["x_bytes"] > 0 and mem["rss_extra"] >= 0


def test_cases_build_the_stated_alphas():
    """A single fit gets alpha_max / ratio, a path the geometric grid down to it; the sparse
    design stays sparse and its certificate matches the dense one."""
    cache: dict = {}
    for name in ("sparse-10", "sparse-path"):
        case = regimes.CASES[name]
        pb = regimes.build(case, regimes.QUICK_DESIGNS, cache)
        assert hasattr(pb.X, "tocsc") and len(pb.alphas) == case.n_alphas
        dense = regimes.dataclasses.replace(pb, X=pb.X.toarray())
        w = np.zeros((len(pb.alphas), pb.X.shape[1]))
        b = np.full(len(pb.alphas), pb.y.mean())
        np.testing.assert_allclose(
            certify.relative_gaps(pb, w, b), certify.relative_gaps(dense, w, b), rtol=1e-12
        )
    single = regimes.build(regimes.CASES["sparse-100"], regimes.QUICK_DESIGNS, cache)
    path = regimes.build(regimes.CASES["sparse-path"], regimes.QUICK_DESIGNS, cache)
    assert single.alphas[0] == pytest.approx(path.alphas[-1]) == path.alphas[0] / 100
