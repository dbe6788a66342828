import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage._problem import Problem

from .glm._data import classification

X, Y = classification(n=40, p=6, seed=0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_column_scale_is_the_weighted_sd(sparse, fit_intercept):
    s = np.linspace(0.5, 2, 40)
    Xc = X.copy()
    Xc[:, 3] = 2.5  # constant: scale 1, and no spread with an intercept
    pb = Problem.build(
        sp.csc_matrix(Xc) if sparse else Xc,
        Y,
        sample_weight=s,
        fit_intercept=fit_intercept,
        standardize=True,
    )
    sw = s / s.sum()
    mean = sw @ Xc if fit_intercept else np.zeros(6)
    sd = np.sqrt(sw @ (Xc - mean) ** 2)
    if fit_intercept:
        assert pb.col_norm_sq[3] == 0
        sd[3] = 1.0
    np.testing.assert_allclose(pb.column_scale(), sd, rtol=1e-10)
    assert Problem.build(Xc, Y).column_scale() is None  # not standardizing: no scale


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_data_forms_have_the_same_column_norms(sparse, fit_intercept):
    """The least-squares design, the sufficient statistics and the problem's own column norms
    are one quantity (the weighted variance), each computed in its form's arithmetic."""
    s = np.linspace(0.5, 2, 40)
    Xc = X.copy()
    Xc[:, 3] = 2.5
    pb = Problem.build(
        sp.csc_matrix(Xc) if sparse else Xc, Y, sample_weight=s, fit_intercept=fit_intercept
    )
    for form in (pb.design.col_norm_sq, pb.statistics.col_norm_sq):
        np.testing.assert_allclose(form, pb.col_norm_sq, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(form == 0, pb.col_norm_sq == 0)
    np.testing.assert_allclose(pb.raw_design.matvec(np.ones(6)), Xc @ np.ones(6))
    np.testing.assert_allclose(pb.sw, s / s.sum())


def test_penalty_reads_factors_bounds_and_scale():
    pb = Problem.build(X, Y, penalty_factor=np.arange(6.0), upper=1.0, standardize=True)
    pw = pb.penalty(0.5, 0.4, pb.column_scale()).weights()
    np.testing.assert_allclose(pw.l1, 0.5 * 0.4 * np.arange(6.0) * pb.column_scale())
    np.testing.assert_array_equal(pw.upper, np.ones(6))
    np.testing.assert_allclose(pb.penalty(0.5, 0.4, None).weights().l1, 0.5 * 0.4 * np.arange(6.0))


def test_offset_shapes():
    pb = Problem.build(X, Y, offset=np.ones(40))
    np.testing.assert_array_equal(pb.offset_or_zero(3), np.ones((40, 3)))
    np.testing.assert_array_equal(Problem.build(X, Y).offset_or_zero(), np.zeros(40))
    pb = Problem.build(X, Y, offset=np.ones((40, 2)))
    with pytest.raises(ValueError, match="offset must be one-dimensional"):
        pb.offset_or_zero()
    with pytest.raises(ValueError, match=r"offset must have shape \(40,\) or \(40, 3\)"):
        pb.offset_or_zero(3)
    with pytest.raises(ValueError, match="offset"):
        Problem.build(X, Y, offset=np.ones(39))
