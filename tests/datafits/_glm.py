"""Checks every GLM datafit passes: derivatives by finite differences, Fenchel-Young, intercept."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar


def check_derivatives(datafit, y, eta, h=1e-6):
    num_d = (datafit.loss(y, eta + h) - datafit.loss(y, eta - h)) / (2 * h)
    np.testing.assert_allclose(datafit.derivative(y, eta), num_d, rtol=1e-6, atol=1e-7)
    num_c = (datafit.derivative(y, eta + h) - datafit.derivative(y, eta - h)) / (2 * h)
    np.testing.assert_allclose(datafit.curvature(y, eta), num_c, rtol=1e-5, atol=1e-6)
    if datafit.curvature_bound is not None:
        assert np.all(datafit.curvature(y, eta) <= datafit.curvature_bound + 1e-12)


def check_conjugate(datafit, y, eta):
    """Fenchel-Young holds with equality at v = l'(eta), and l* is a sup at scaled points."""
    v = datafit.derivative(y, eta)
    np.testing.assert_allclose(
        datafit.loss(y, eta) + datafit.conjugate(y, v), v * eta, rtol=1e-9, atol=1e-9
    )
    for i in range(min(len(y), 6)):
        vi = 0.6 * v[i]
        sup = -minimize_scalar(
            lambda e, i=i, vi=vi: datafit.loss(y[i : i + 1], np.array([e]))[0] - vi * e,
            bounds=(-50, 50),
            method="bounded",
            options={"xatol": 1e-10},
        ).fun
        np.testing.assert_allclose(
            datafit.conjugate(y[i : i + 1], np.array([vi]))[0], sup, rtol=1e-6, atol=1e-7
        )


def check_null_intercept(datafit, y, sw, offset):
    b = datafit.null_intercept(y, sw, offset)
    o = np.zeros_like(y) if offset is None else offset
    best = minimize_scalar(
        lambda c: sw @ datafit.loss(y, c + o),
        bounds=(b - 5, b + 5),
        method="bounded",
        options={"xatol": 1e-10},
    ).x
    np.testing.assert_allclose(b, best, atol=1e-6)
