"""docs/l1-vs-l2.md quotes the numbers docs/make_figures.py computed, and the script still runs.

Each section of the guide ends with a line ``<sub>numbers.json: `key`, ...</sub>`` naming the
entries of ``docs/figures/numbers.json`` it quotes; every named value must exist and appear, as
formatted by ``format_number``, in the section's text, except the ``timings`` group: wall-clock
times change from run to run, so only their presence is checked (the guide quotes the run that
numbers.json records).  The slow test runs the script's computing part on reduced settings
(``--quick --no-figures``) and checks it still produces every key the guide names.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDE = DOCS / "l1-vs-l2.md"
FIGURES = DOCS / "figures"
KEYS_LINE = re.compile(r"<sub>numbers\.json:(.*?)</sub>", re.S)
KEY = re.compile(r"`([a-z0-9_]+)\.([a-z0-9_]+)(?:\[(\d+)\])?`")
UNCHECKED_VALUES = {"timings"}  # measured, not computed: present, but not compared


def sections(text: str) -> list[tuple[str, str, list[tuple[str, str, int | None]]]]:
    """(title, body without the keys line, referenced keys) per '## ' section."""
    out = []
    for part in text.split("\n## ")[1:]:
        title = part.splitlines()[0]
        keys_text = " ".join(KEYS_LINE.findall(part))
        keys = [(a, b, None if i == "" else int(i)) for a, b, i in KEY.findall(keys_text)]
        out.append((title, KEYS_LINE.sub("", part), keys))
    return out


def lookup(numbers: dict, group: str, name: str, index: int | None):
    value = numbers[group][name]
    return value if index is None else value[index]


def format_number(value) -> str:
    if isinstance(value, bool):
        raise TypeError("booleans are not quoted")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def appears(text: str, value) -> bool:
    """The value occurs as a whole number (not inside a longer one), formatted by
    ``format_number`` or, for a float, with its three significant digits kept ("12.0")."""
    forms = {format_number(value)}
    if isinstance(value, float):
        forms.add(f"{value:#.3g}".rstrip("."))
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?!\d|\.\d)", text) for s in forms)


def load_numbers(folder: Path) -> dict:
    return json.loads((folder / "numbers.json").read_text())


def test_every_section_names_the_numbers_it_quotes():
    parsed = sections(GUIDE.read_text())
    assert len(parsed) == 16
    for title, _, keys in parsed:
        assert keys, f"section {title!r} names no numbers.json keys"


def test_the_guide_quotes_the_committed_numbers():
    numbers = load_numbers(FIGURES)
    assert numbers["settings"]["mode"] == "full"  # the committed figures are the full run
    missing, wrong = [], []
    for title, body, keys in sections(GUIDE.read_text()):
        for group, name, index in keys:
            try:
                value = lookup(numbers, group, name, index)
            except (KeyError, IndexError, TypeError):
                missing.append(f"{group}.{name}[{index}]")
                continue
            if group in UNCHECKED_VALUES:
                continue
            values = value if isinstance(value, list) else [value]
            for v in values:
                if not appears(body, v):
                    wrong.append(f"{title}: {group}.{name} = {format_number(v)}")
    assert not missing, f"keys not in numbers.json: {missing}"
    assert not wrong, f"numbers not quoted as in numbers.json: {wrong}"


def test_the_figures_exist_and_are_small():
    text = GUIDE.read_text()
    images = re.findall(r"!\[[^\]]*\]\((figures/[^)]+\.png)\)", text)
    assert len(images) >= 13
    for image in images:
        assert (DOCS / image).is_file(), image
    total = sum(p.stat().st_size for p in FIGURES.glob("*.png"))
    assert total < 2 * 2**20, f"docs/figures holds {total} bytes of PNG"


def keys_of(numbers: dict) -> set[tuple[str, str]]:
    return {(group, name) for group, values in numbers.items() for name in values}


@pytest.mark.slow
def test_make_figures_quick_run(tmp_path):
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    numbers = module.main(["--quick", "--no-figures", "--out", str(tmp_path)])
    assert load_numbers(tmp_path) == numbers
    assert numbers["settings"]["mode"] == "quick"
    assert keys_of(numbers) == keys_of(load_numbers(FIGURES))
    for _, _, keys in sections(GUIDE.read_text()):
        for group, name, index in keys:
            lookup(numbers, group, name, index)  # raises if the quick run lacks it
    # the claims the guide rests on hold even on the reduced settings
    assert numbers["zeros"]["l1_exact_zeros"] > 0
    assert numbers["ridge_keeps"]["l2_nnz"] == numbers["ridge_keeps"]["n_features"]
    assert numbers["geometry"]["sparse_l1_zeros"] == 1
    assert numbers["geometry"]["dense_l1_zeros"] == 0
    assert numbers["pull"]["orthonormal_max_error"] < 1e-10
    assert numbers["uniqueness"]["dup_w_a"] != numbers["uniqueness"]["dup_w_b"]
    assert numbers["uniqueness"]["dup_objective_spread"] < 1e-12
    assert numbers["uniqueness"]["generic_diff"] < 1e-6
    assert numbers["components"]["pc_formula_error"] < 1e-10
    assert numbers["components"]["factor_min"] < numbers["components"]["factor_max"]
    assert numbers["double_shrinkage"]["orthonormal_error"] < 1e-10
    assert numbers["double_shrinkage"]["rescaled_lasso_error"] < 1e-10
    assert numbers["cost"]["tall_ridge_n_iter"] == 1
    assert numbers["cost"]["tall_ridge_path_error"] < 1e-10
    assert numbers["zeros"]["l1_kkt_zero_max"] <= 1.0
    assert all(
        isinstance(v, (int, float)) and v > 0
        for k, v in numbers["timings"].items()
        if k.endswith("_ms")
    )
