"""Detecting the full one-hot encoding of a categorical (shrinkage.comparison.one_hot)."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.comparison.one_hot import describe, one_hot_blocks, reference_columns


def encoded(levels_per_row, column="c"):
    levels = sorted(set(levels_per_row))
    X = np.array([[float(v == lv) for lv in levels] for v in levels_per_row])
    return X, [f"{column}={lv}" for lv in levels]


def test_blocks_are_found_by_name_and_their_reference_is_the_most_frequent_level():
    cat, names = encoded(["a", "b", "b", "c", "b", "a"])
    other, other_names = encoded(["No", "Yes", "Yes", "No", "No", "Yes"], "student")
    x = np.arange(6.0)[:, None]
    X = np.hstack([x, cat, other])
    blocks = one_hot_blocks(X, ["x", *names, *other_names])
    assert [b.column for b in blocks] == ["c", "student"]
    c, student = blocks
    assert c.members == (1, 2, 3) and c.levels == ("a", "b", "c") and c.counts == (2, 3, 1)
    assert c.reference == 2 and c.reference_level == "b"
    assert student.reference_level == "No"  # a tie goes to the first level
    np.testing.assert_array_equal(
        reference_columns(blocks, 6), [False, False, True, False, True, False]
    )
    sparse = one_hot_blocks(sp.csc_matrix(X), ["x", *names, *other_names])
    assert sparse == blocks


def test_columns_that_do_not_add_up_to_one_are_not_a_block():
    X, names = encoded(["a", "b", "c", "a"])
    assert one_hot_blocks(X[:, 1:], names[1:]) == ()  # one level dropped already: no collinearity
    scaled = X.copy()
    scaled[:, 0] *= 2.0
    assert one_hot_blocks(scaled, names) == ()  # not 0/1
    assert one_hot_blocks(X, ["a", "b", "c"]) == ()  # names without the column=level form


def test_a_declared_encoding_is_checked():
    X, names = encoded(["a", "b", "a"])
    X = np.hstack([X, np.zeros((3, 1))])  # a level absent from the data is left out
    blocks = one_hot_blocks(X, ["u", "v", "w"], {"k": ["u", "v", "w"]})
    assert blocks[0].column == "k" and blocks[0].members == (0, 1)
    assert one_hot_blocks(X, [*names, "x"], {}) == ()
    with pytest.raises(ValueError, match=r"one_hot\['k'\] names features that X does not have"):
        one_hot_blocks(X, [*names, "x"], {"k": ["c=a", "nope"]})
    with pytest.raises(TypeError, match="one_hot must be a dict"):
        one_hot_blocks(X, [*names, "x"], ["c=a"])


def test_describe_names_a_whole_categorical_by_its_column():
    X, names = encoded(["a", "b", "c", "a"])
    blocks = one_hot_blocks(X, names)
    assert describe([0, 1, 2], names, blocks) == ["c"]
    assert describe([0, 2], names, blocks) == ["c=a", "c=c"]
