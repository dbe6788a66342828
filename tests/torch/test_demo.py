"""run_nn_demo (what `shrinkage nn-demo` prints) runs end to end, and the guide shows its output."""

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from shrinkage.torch.demo import methods, run_nn_demo  # noqa: E402

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "neural-networks.md"


@pytest.mark.slow  # about 6 s alone, 15 s or more on a busy machine (imports included)
def test_quick_demo_writes_its_table_and_figures(tmp_path):
    threads = torch.get_num_threads()
    text = run_nn_demo(out_dir=tmp_path, quick=True)
    assert torch.get_num_threads() == threads  # restored
    for method in methods():
        assert f"| {method.name} |" in text
    assert "lambda (proximal L1)" in text
    for name in ("nn-weights.png", "nn-path.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nn-path.png", "nn-weights.png"]
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines()}
    l1_row = next(v for k, v in rows.items() if k.startswith("SGD + proximal L1"))
    assert l1_row.split(" | ")[2] != "0.0%"  # exact zeros even after a few epochs


def test_existing_figures_are_refused_before_any_training(tmp_path, monkeypatch):
    (tmp_path / "nn-path.png").write_bytes(b"mine")
    import shrinkage.torch.demo as demo

    monkeypatch.setattr(demo, "_run", lambda quick: pytest.fail("trained before checking"))
    with pytest.raises(FileExistsError, match="--force"):
        run_nn_demo(out_dir=tmp_path, quick=True)
    assert (tmp_path / "nn-path.png").read_bytes() == b"mine"


def test_guide_names_every_method_and_shows_the_figures():
    guide = GUIDE.read_text(encoding="utf-8")
    for method in methods():
        assert method.name in guide
    for name in ("figures/nn-weights.png", "figures/nn-path.png"):
        assert name in guide
        assert (GUIDE.parent / name).is_file()
