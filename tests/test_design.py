import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage._design import GLMDesign

from .glm._data import classification

X, _ = classification(n=40, p=6, seed=0)


@pytest.mark.parametrize("sparse", [False, True])
def test_design_products(sparse):
    D = GLMDesign.build(sp.csc_matrix(X) if sparse else X)
    w = np.arange(6.0)
    u = np.linspace(-1, 1, 40)
    np.testing.assert_allclose(D.matvec(w), X @ w)
    np.testing.assert_allclose(D.rmatvec(u), X.T @ u)
    np.testing.assert_allclose(D.rmatvec_squared(u), (X * X).T @ u)
    np.testing.assert_allclose(D.matvec(np.ones((6, 2))), X @ np.ones((6, 2)))
    np.testing.assert_allclose(D.columns(np.array([1, 4])), X[:, [1, 4]])
