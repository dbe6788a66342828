"""make_folds (shrinkage.selection._folds): what cv and random_state may be, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

from shrinkage.selection._folds import make_folds


@pytest.mark.parametrize("random_state", ["seed", 1.5, True, [1, 2]])
def test_a_random_state_of_the_wrong_type_names_random_state(random_state):
    with pytest.raises(TypeError, match=r"^random_state must be None, a non-negative integer"):
        make_folds(3, 12, random_state=random_state)


def test_a_negative_random_state_names_random_state():
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative integer"):
        make_folds(3, 12, random_state=-1)


@pytest.mark.parametrize(
    "random_state",
    [0, np.int64(7), np.random.default_rng(0), np.random.RandomState(0), np.random.SeedSequence(3)],
)
def test_seeds_numpy_takes_shuffle_the_folds(random_state):
    splits, k = make_folds(3, 12, random_state=random_state)
    assert k == 3
    tests = np.concatenate([test for _, test in splits])
    assert sorted(tests) == list(range(12))
    assert not np.array_equal(tests, np.arange(12))  # shuffled


@pytest.mark.parametrize("cv", ["5", "kfold"])
def test_cv_as_text_names_cv(cv):
    with pytest.raises(ValueError, match=r"^cv must be an integer number of folds"):
        make_folds(cv, 12)
