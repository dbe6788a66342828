"""Stability selection: support recovery, the paper's bound, determinism, bad input."""

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage.datasets import make_correlated_regression
from shrinkage.selection.stability import expected_false_selections_bound, stability_selection


@pytest.fixture(scope="module")
def sparse_truth():
    return make_correlated_regression(150, 100, rho=0.3, n_informative=4, snr=4.0, random_state=0)


@pytest.fixture(scope="module")
def result(sparse_truth):
    d = sparse_truth
    return stability_selection(
        d.X, d.y, n_subsamples=10, random_state=0, feature_names=d.feature_names, progress=False
    )


def test_recovers_the_true_support_and_rejects_noise(sparse_truth, result):
    true = np.flatnonzero(sparse_truth.coef)
    noise = np.setdiff1d(np.arange(100), true)
    np.testing.assert_array_equal(result.stable_set, true)
    assert result.max_frequency[true].min() == 1.0
    assert result.max_frequency[noise].max() < result.threshold
    assert result.stable_names == [f"x{j}" for j in true]
    assert result.n_fits == 20 and result.subsample_size == 75
    assert result.frequencies.shape == (len(result.alphas), 100)
    assert np.all(np.diff(result.alphas) < 0)
    # the default grid is cut where q would exceed max_selected = ceil(sqrt(0.8 * 100)) = 9
    assert 0 < result.q <= 9


def test_the_bound_is_meinshausen_buhlmann_theorem_1(result):
    # hand-computed: q = 5, p = 100, threshold 0.75 -> 25 / (0.5 * 100) = 0.5
    assert expected_false_selections_bound(5, 100, 0.75) == pytest.approx(0.5)
    assert expected_false_selections_bound(3, 10, 1.0) == pytest.approx(0.9)
    expected = result.q**2 / ((2 * 0.6 - 1) * 100)
    assert result.expected_false_bound == pytest.approx(expected)
    tighter = result.at_threshold(0.9)
    assert tighter.expected_false_bound == pytest.approx(result.q**2 / (0.8 * 100))
    np.testing.assert_array_equal(tighter.stable_set, np.flatnonzero(result.max_frequency >= 0.9))


def test_frequencies_and_q_equal_a_brute_force_loop():
    """The documented scheme: each draw permutes the rows; a pair is its first m and next m."""
    d = make_correlated_regression(40, 8, rho=0.2, n_informative=2, random_state=3)
    alphas = shrinkage.path(d.X, d.y, n_alphas=6, alpha_min_ratio=0.05).alphas
    res = stability_selection(
        d.X, d.y, alphas=alphas, n_subsamples=3, random_state=7, threshold=0.7, progress=False
    )
    rng = np.random.default_rng(7)
    selected, unions = [], []
    for _ in range(3):
        perm = rng.permutation(40)
        for rows in (perm[:20], perm[20:40]):
            s = shrinkage.path(d.X[np.sort(rows)], d.y[np.sort(rows)], alphas=alphas).coefs != 0
            selected.append(s)
            unions.append(s.any(axis=0).sum())
    np.testing.assert_allclose(res.frequencies, np.mean(selected, axis=0))
    np.testing.assert_allclose(res.max_frequency, np.mean(selected, axis=0).max(axis=0))
    assert res.q == pytest.approx(np.mean(unions))
    np.testing.assert_array_equal(res.alphas, alphas)  # a given grid is not cut


def test_without_complementary_pairs_and_sparse_input(sparse_truth):
    d = sparse_truth
    dense = stability_selection(
        d.X,
        d.y,
        n_subsamples=6,
        complementary_pairs=False,
        sample_fraction=0.7,
        random_state=1,
        progress=False,
    )
    assert dense.n_fits == 6 and dense.subsample_size == 105
    sparse = stability_selection(
        sp.csc_matrix(d.X),
        d.y,
        n_subsamples=6,
        complementary_pairs=False,
        sample_fraction=0.7,
        random_state=1,
        progress=False,
    )
    np.testing.assert_allclose(sparse.frequencies, dense.frequencies)


def test_deterministic_with_a_seed_whatever_n_jobs(sparse_truth):
    d = sparse_truth
    kw = {"n_subsamples": 4, "random_state": 5, "progress": False}
    a = stability_selection(d.X, d.y, **kw)
    b = stability_selection(d.X, d.y, **kw)
    with joblib.parallel_config(backend="threading"):
        c = stability_selection(d.X, d.y, n_jobs=2, **kw)
    np.testing.assert_array_equal(a.frequencies, b.frequencies)
    np.testing.assert_array_equal(a.frequencies, c.frequencies)
    assert a.q == c.q
    other = stability_selection(d.X, d.y, **{**kw, "random_state": 6})
    assert not np.array_equal(a.frequencies, other.frequencies)
    gen = stability_selection(d.X, d.y, **{**kw, "random_state": np.random.default_rng(5)})
    np.testing.assert_array_equal(a.frequencies, gen.frequencies)


def test_dataframe_names_and_progress_bar(capsys):
    d = make_correlated_regression(40, 6, n_informative=2, random_state=0)
    df = pd.DataFrame(d.X, columns=[f"g{j}" for j in range(6)])
    res = stability_selection(df, d.y, n_subsamples=2, random_state=0, progress=True)
    assert list(res.feature_names) == [f"g{j}" for j in range(6)]
    capsys.readouterr()
    stability_selection(df, d.y, n_subsamples=2, random_state=0, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"threshold": 0.5}, "threshold"),
        ({"threshold": 0.3}, "threshold"),
        ({"threshold": 1.2}, "threshold"),
        ({"sample_fraction": 0.0}, "sample_fraction"),
        ({"sample_fraction": 1.0}, "sample_fraction"),
        ({"sample_fraction": 0.6}, "sample_fraction"),
        ({"sample_fraction": 0.01}, "sample_fraction"),
        ({"n_subsamples": 0}, "n_subsamples"),
        ({"n_subsamples": 2.5}, "n_subsamples"),
        ({"progress": "yes"}, "progress"),
        ({"max_selected": 0}, "max_selected"),
        ({"alphas": [-1.0]}, "alphas"),
    ],
)
def test_bad_input_names_the_argument(kwargs, name):
    d = make_correlated_regression(40, 6, n_informative=2, random_state=0)
    with pytest.raises(ValueError, match=name):
        stability_selection(d.X, d.y, **kwargs)


@pytest.mark.parametrize(
    ("random_state", "error"), [("abc", TypeError), (1.5, TypeError), (-1, ValueError)]
)
def test_bad_random_state_names_it(random_state, error):
    d = make_correlated_regression(40, 6, n_informative=2, random_state=0)
    with pytest.raises(error, match="random_state"):
        stability_selection(d.X, d.y, n_subsamples=2, random_state=random_state)


def test_bound_rejects_threshold_at_or_below_half():
    with pytest.raises(ValueError, match=r"threshold.*\(0.5, 1\]"):
        expected_false_selections_bound(5, 100, 0.5)
