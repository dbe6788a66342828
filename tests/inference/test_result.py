import json

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.stats import norm

from shrinkage.inference.result import InferenceResult, Truncation


def _result(**changes):
    fields = dict(
        method="debiased lasso",
        target="full",
        coef=np.array([1.0, 0.1, np.nan]),
        std_err=np.array([0.2, 0.1, np.nan]),
        p_values=np.array([1e-6, 0.3, np.nan]),
        feature_index=np.array([0, 1, 2]),
        feature_names=np.array(["age", "dose", "bmi"], dtype=object),
        reasons=np.array(["", "", "collinear"], dtype=object),
        n_samples=50,
        n_features=3,
        sigma=1.0,
        alpha=0.1,
    )
    fields.update(changes)
    return InferenceResult(**fields)


def test_conf_int_is_estimate_plus_minus_z_se():
    ci = _result().conf_int(0.9)
    z = norm.ppf(0.95)
    np.testing.assert_allclose(ci[0], [1.0 - 0.2 * z, 1.0 + 0.2 * z])
    assert np.all(np.isnan(ci[2]))
    with pytest.raises(ValueError, match="level must be in"):
        _result().conf_int(95)


def test_selective_conf_int_inverts_the_truncated_pivot():
    trunc = Truncation(np.array([1.0]), np.array([1.0]), np.array([-np.inf]), np.array([np.inf]))
    res = _result(
        coef=np.array([1.0]),
        std_err=np.array([np.nan]),
        p_values=np.array([0.3]),
        feature_index=np.array([4]),
        feature_names=np.array(["x4"], dtype=object),
        reasons=np.array([""], dtype=object),
        target="selected",
        truncation=trunc,
    )
    np.testing.assert_allclose(res.conf_int(0.95)[0], [1 - 1.959964, 1 + 1.959964], rtol=1e-6)
    assert "selected" in res.meaning and "alpha=0.1" in res.meaning


def test_to_frame_keeps_names_and_adjusts():
    frame = _result().to_frame()
    assert list(frame.index) == ["age", "dose", "bmi"]
    assert {
        "coef",
        "std_err",
        "ci_lower_95%",
        "ci_upper_95%",
        "p_value",
        "p_holm",
        "p_bh",
        "reason",
    } <= set(frame.columns)
    np.testing.assert_allclose(frame["p_holm"].iloc[:2], [2e-6, 0.3])
    assert frame.loc["bmi", "reason"] == "collinear"
    assert "full linear model over all 3 features" in frame.attrs["meaning"]


def test_extra_p_values_and_significant():
    res = _result(extra_p_values={"fwer": np.array([0.01, 1.0, np.nan])})
    assert "p_fwer" in res.to_frame().columns
    np.testing.assert_array_equal(res.significant(0.05, "fwer"), [0])
    np.testing.assert_array_equal(res.significant(0.05, "bh"), [0])


def test_to_dict_is_json():
    data = json.loads(json.dumps(_result().to_dict()))
    assert data["features"][2]["p_value"] is None
    assert data["features"][0]["feature"] == "age"


def test_plot_is_a_restylable_forest_plot():
    import matplotlib.pyplot as plt

    fig = _result().plot()
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["age", "dose", "bmi"]
    _, ax = plt.subplots()
    out = _result().plot(ax=ax, color="k", significant_color="g", fmt="s", sort=True)
    assert out is ax.figure
    assert len(ax.containers) == 2  # one errorbar group per colour
