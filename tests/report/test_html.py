"""The HTML report: self-contained, every section and figure, escaped names, no figure left
open, text returned and no file written, and a real headless browser (Debian chromium) that
loads it cleanly."""

import base64
import re
import shutil
import subprocess

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import shrinkage
from shrinkage import io
from shrinkage.comparison import simulations
from shrinkage.report import build_report

matplotlib.use("Agg")

FIGURES = ("cv", "paths", "stability", "correlation", "geometry", "behaviour", "bias_variance")
SECTIONS = (
    "data",
    "recommendation",
    "summary",
    "cv",
    "paths",
    "coefficients",
    "significance",
    "stability",
    "groups",
    "geometry",
    "behaviour",
    "bias_variance",
)
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def prepared():
    """60 rows: a correlated pair, noise, and a categorical column with an HTML-like category."""
    rng = np.random.default_rng(1)
    n = 60
    a = rng.standard_normal(n)
    df = pd.DataFrame(
        {
            "a": a,
            "b": 0.95 * a + 0.3 * rng.standard_normal(n),
            "c": rng.standard_normal(n),
            "noise": rng.standard_normal(n),
            "grp": rng.choice(["<i>x&y</i>", "plain"], n),
        }
    )
    df["y"] = 2 * df["a"] - df["c"] + (df["grp"] == "plain") + 0.5 * rng.standard_normal(n)
    return io.prepare(df, "y", source="small<data>.csv")


@pytest.fixture(scope="module")
def comparison(prepared):
    return shrinkage.compare(
        prepared.X,
        prepared.y,
        cv=3,
        n_repeats=2,
        n_bootstrap=10,
        n_alphas=25,
        random_state=0,
        progress=False,
    )


@pytest.fixture(scope="module")
def html(prepared, comparison):
    plt.close("all")
    out = build_report(
        comparison,
        prepared.X,
        prepared.y,
        data=prepared.summary(),
        bias_variance_repeats=3,
        bias_variance_alphas=6,
        progress=False,
        command="shrinkage compare small.csv -t y",
    )
    assert plt.get_fignums() == [], "build_report left figures open"
    return out


def _images(html: str) -> dict:
    """{figure key: base64 PNG} of the embedded figures."""
    found = re.findall(
        r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"[^>]*'
        r'data-figure="(\w+)"',
        html,
    )
    return {key: data for data, key in found}


def test_every_section_and_figure(html, comparison):
    for section in SECTIONS:
        assert f'<section id="{section}"' in html
    images = _images(html)
    assert sorted(images) == sorted(FIGURES)
    for key, data in images.items():
        png = base64.b64decode(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, key
    assert "could not be drawn" not in html
    label = comparison[comparison.recommended].label
    assert f"Recommended: {label}" in html
    assert "standardized" in html and "original scale" in html
    for name in ("grp=plain", "noise"):
        assert name in html
    assert "@media print" in html


def _section(html: str, key: str) -> str:
    start = html.index(f'<section id="{key}"')
    return html[start : html.index("</section>", start)]


def test_significance_section_matches_the_debiased_lasso(html, prepared, comparison):
    """The section tests every feature with the debiased lasso (Holm-adjusted), beside the
    recommended model's coefficients, and says what the p-values do not mean."""
    from shrinkage.comparison.significance import significant_features

    section = _section(html, "significance")
    s = significant_features(comparison, prepared.X, prepared.y, random_state=0)
    names = s.significant_names
    assert "a" in names and "noise" not in names  # y = 2a - c + ..., noise has no effect
    assert f"{len(names)} of {s.result.n_features} features have a significant effect" in section
    assert section.count('<tr class="chosen">') == len(names)
    assert "Holm" in section and "not significant" in section and "does not mean no" in section
    chosen = comparison[comparison.recommended]
    assert SHORT_LABEL[comparison.recommended] + " coefficient" in section
    assert chosen.label in section


SHORT_LABEL = {"l1": "L1", "l2": "L2", "elasticnet": "Elastic Net"}


def test_bias_variance_caption_claims_no_monotone_curve(html):
    """The caption says what the curves are (the error above the noise, on a log axis) and holds
    for every penalty: it said "variance falls as alpha grows", false for the lasso."""
    caption = _section(html, "bias_variance")
    for claim in ("falls as alpha grows", "grows as alpha grows", "rises as alpha falls"):
        assert claim not in caption
    for text in (
        "above the noise level",
        "log axis",
        "expected test MSE minus the noise variance",
        "Neither curve has to be monotone",
    ):
        assert text in caption, text
    assert re.search(r"the noise variance, [0-9.e+-]+, is the floor", caption)


def test_self_contained_and_escaped(html):
    assert "<script" not in html.lower()
    assert "<link" not in html.lower() and "@import" not in html
    for attr, value in re.findall(r'\b(src|href)="([^"]*)"', html):
        assert value.startswith(("data:", "#")), (attr, value[:60])
    assert "url(" not in html
    assert "<i>x&y</i>" not in html and "grp=&lt;i&gt;x&amp;y&lt;/i&gt;" in html
    assert "small&lt;data&gt;.csv" in html


def test_figure_errors_are_stated(prepared, comparison, monkeypatch):
    """A figure that cannot be drawn (a ValueError) becomes a sentence saying why."""
    from shrinkage import plots

    def fail(*args, **kwargs):
        raise ValueError("no room for this figure")

    for name in ("plot_cv", "plot_paths", "plot_stability", "plot_correlation", "plot_shrinkage"):
        monkeypatch.setattr(plots, name, fail)
    for name in ("geometry_data", "bias_variance_curve"):
        monkeypatch.setattr(simulations, name, fail)
    out = build_report(comparison, prepared.X, prepared.y, progress=False)
    for key in FIGURES:
        assert f'data-figure-missing="{key}"' in out
    assert out.count("no room for this figure") == len(FIGURES)
    assert _images(out) == {}


def test_the_report_is_returned_as_text_and_no_file_is_written(
    tmp_path, prepared, comparison, monkeypatch
):
    """report/ builds the page; the caller writes it (the CLI with io.write_text, atomically)."""
    monkeypatch.chdir(tmp_path)
    out = build_report(
        comparison,
        prepared.X,
        prepared.y,
        bias_variance_repeats=2,
        bias_variance_alphas=4,
        progress=False,
    )
    assert isinstance(out, str) and "</html>" in out
    assert list(tmp_path.iterdir()) == []
    assert not hasattr(shrinkage.report, "write_report")


# --- a real browser ---------------------------------------------------------------------------

#: appended to a copy of the report only: records, after the load event, how many images the
#: browser decoded (the report itself has no script)
PROBE = (
    "<script>window.addEventListener('load', () => { const imgs = [...document.images];"
    " const bad = imgs.filter(i => !i.complete || i.naturalWidth === 0);"
    " document.body.dataset.decoded = String(imgs.length - bad.length);"
    " if (bad.length) console.error('not decoded: ' + bad.map(i => i.alt).join(', '));"
    " });</script>"
)


def _chromium(tmp_path, page, extra):
    profile = tmp_path / "profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason=f"no headless browser: {CHROMIUM} is absent (Debian: apt-get install "
    "chromium; .ci/run installs it)",
)
def test_report_in_headless_chromium(tmp_path, html):
    report = tmp_path / "report.html"
    report.write_text(html, encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    run = _chromium(
        tmp_path, probed, ["--dump-dom", f"--screenshot={shot}", "--window-size=1280,2000"]
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert _console_errors(run.stderr) == []
    assert f'data-decoded="{len(FIGURES)}"' in run.stdout
    for key in FIGURES:
        assert f'data-figure="{key}"' in run.stdout
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes().startswith(b"\x89PNG")
    plain = _chromium(tmp_path, report, ["--dump-dom"])  # the report as users get it
    assert plain.returncode == 0 and _console_errors(plain.stderr) == []
    assert "Recommended:" in plain.stdout


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} is absent")
def test_console_errors_are_detected(tmp_path):
    """The browser check is not vacuous: a page with a script error fails it."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>throw new Error('boom')</script></body></html>")
    run = _chromium(tmp_path, page, ["--dump-dom"])
    assert any("boom" in line for line in _console_errors(run.stderr))


# --- classification ---------------------------------------------------------------------------


def test_classification_report_names_the_classes(prepared):
    """Three text classes (one HTML-like): the classes, the per-class coefficients, both
    baselines, and the least-squares figures left out with the reason."""
    X = prepared.X
    score = 2 * X["a"].to_numpy() - 2 * X["c"].to_numpy()
    y = np.where(score > 1, "<b>high</b>", np.where(score < -1, "low", "mid"))
    comp = shrinkage.compare(
        X, y, cv=3, n_repeats=1, n_bootstrap=5, n_alphas=15, random_state=0, progress=False
    )
    assert comp.task == "classification"
    plt.close("all")
    out = build_report(comp, X, y, progress=False)
    assert plt.get_fignums() == []
    assert "<b>high</b>" not in out and "&lt;b&gt;high&lt;/b&gt;" in out
    for text in (
        "multinomial logistic regression",
        "stratified",
        "low",
        "mid",
        "Intercept only (class priors)",
        "per-class",
        "‖W_j‖₂",
        "deviance",
    ):
        assert text in out, text
    for key in ("geometry", "bias_variance"):
        assert f'data-figure-omitted="{key}"' in out
    images = _images(out)
    assert sorted(images) == sorted(set(FIGURES) - {"geometry", "bias_variance"})
    assert "could not be drawn" not in out
    assert f"Recommended: {comp[comp.recommended].label}" in out
