"""Projecting unpenalized columns out of the residual, so the dual point stays feasible."""

from __future__ import annotations

import numpy as np


def project_unpenalized(corr, r_dot_y, r_dot_r, cross_gram, q_cols, cols):
    """Residual minus its weighted least-squares fit on X[:, cols], in terms of products.

    ``cross_gram`` = X_c' S X_c[:, cols] and ``q_cols`` = X_c[:, cols]' S y_c.
    """
    if cols.size == 0:
        return corr, r_dot_y, r_dot_r
    v = corr[cols]
    delta = np.linalg.lstsq(cross_gram[cols], v, rcond=None)[0]
    return (corr - cross_gram @ delta, r_dot_y - float(delta @ q_cols),
            max(r_dot_r - float(delta @ v), 0.0))
