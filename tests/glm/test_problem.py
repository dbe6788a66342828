import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.glm import GLMDesign, GLMProblem

from ._data import classification

X, Y = classification(n=40, p=6, seed=0)


@pytest.mark.parametrize("sparse", [False, True])
def test_design_products(sparse):
    D = GLMDesign.build(sp.csc_matrix(X) if sparse else X)
    w = np.arange(6.0)
    u = np.linspace(-1, 1, 40)
    np.testing.assert_allclose(D.matvec(w), X @ w)
    np.testing.assert_allclose(D.rmatvec(u), X.T @ u)
    np.testing.assert_allclose(D.matvec(np.ones((6, 2))), X @ np.ones((6, 2)))
    np.testing.assert_allclose(D.columns(np.array([1, 4])), X[:, [1, 4]])


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_column_scale_is_the_weighted_sd(sparse, fit_intercept):
    s = np.linspace(0.5, 2, 40)
    Xc = X.copy()
    Xc[:, 3] = 2.5  # constant: scale 1, and no spread with an intercept
    pb = GLMProblem.build(
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


def test_offset_shapes():
    pb = GLMProblem.build(X, Y, offset=np.ones(40))
    np.testing.assert_array_equal(pb.offset_or_zero(3), np.ones((40, 3)))
    pb = GLMProblem.build(X, Y, offset=np.ones((40, 2)))
    with pytest.raises(ValueError, match="offset must be one-dimensional"):
        pb.offset_or_zero()
    with pytest.raises(ValueError, match=r"offset must have shape \(40,\) or \(40, 3\)"):
        pb.offset_or_zero(3)
    with pytest.raises(ValueError, match="offset"):
        GLMProblem.build(X, Y, offset=np.ones(39))
