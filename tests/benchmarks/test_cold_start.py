"""benchmarks/cold_start.py's page from given measurements (no process is started, no timing
is checked)."""

from __future__ import annotations

from benchmarks import cold_start


def _runs(srcs):
    cell = {f: [1.0, 3.0, 2.0] for f in cold_start.FIELDS}
    return {
        (src, case, state): cell
        for src in srcs
        for case in cold_start.DEFAULT_CASES
        for state in ("empty", "filled")
    }


def test_page_has_one_row_per_case_and_cache_state_with_medians():
    text = cold_start.page(_runs(["/x/src"]), 3, 1.0, "python -m benchmarks.cold_start --out p.md")
    assert "python -m benchmarks.cold_start --out p.md" in text
    rows = [line for line in text.splitlines() if line.startswith("| lasso")]
    rows += [line for line in text.splitlines() if line.startswith("| enet")]
    assert len(rows) == 2 * len(cold_start.DEFAULT_CASES)
    # one source: no source column; medians of [1, 3, 2]; import + first fit: median of sums
    assert "/x/src" not in text
    assert "| lasso (10000x200) | empty | 2.00 s | 2.00 s | 2.00 s | 4.00 s | 2.000 s |" in text
    assert "| lasso_cd (500x5000) | filled |" in text


def test_table_names_the_sources_when_several():
    text = cold_start.table(_runs(["/before/src", "/after/src"]))
    assert text.splitlines()[0].startswith("| source | case |")
    assert sum(line.startswith("| /after/src | enet") for line in text.splitlines()) == 2
