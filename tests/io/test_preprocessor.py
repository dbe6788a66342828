"""shrinkage.Preprocessor: the command line's encoding as a scikit-learn transformer (one-hot
``name=level`` columns, imputation, index-like columns, standardization), the one that
``prepare`` and ``transform`` use."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import shrinkage
from shrinkage import io
from shrinkage.io import Preprocessor


@pytest.fixture
def frame():
    rng = np.random.default_rng(1)
    n = 30
    return pd.DataFrame(
        {
            "rownames": np.arange(1, n + 1),
            "age": rng.normal(50, 10, n).round(1),
            "color": rng.choice(["red", "blue", "green"], n),
            "smoker": rng.choice([True, False], n),
            "y": rng.normal(size=n),
        },
        index=np.arange(100, 100 + n),
    )


@parametrize_with_checks(
    [Preprocessor(), Preprocessor(standardize=True)],
    expected_failed_checks=lambda estimator: {
        # a missing cell is refused naming the column and --impute / impute=, not the word NaN
        "check_estimators_nan_inf": "the message names the column and the fix"
    },
)
def test_sklearn_transformer_contract(estimator, check):
    check(estimator)


def test_names_levels_and_pandas_output(frame):
    pre = Preprocessor(drop="y").set_output(transform="pandas")
    out = pre.fit_transform(frame)
    names = ["age", "color=blue", "color=green", "color=red", "smoker"]
    assert list(out.columns) == names == list(pre.get_feature_names_out())
    assert out.index.equals(frame.index) and out.dtypes.eq(np.float64).all()
    assert pre.index_columns_ == {"rownames": "the row numbers 1..30"}
    assert list(pre.feature_names_in_) == list(frame.columns) and pre.n_features_in_ == 5
    np.testing.assert_array_equal(out["color=red"], frame["color"] == "red")
    plain = Preprocessor(drop=["y"]).fit(frame).transform(frame)
    assert isinstance(plain, np.ndarray)
    np.testing.assert_array_equal(plain, out.to_numpy())


def test_prepare_and_transform_are_the_transformer(frame):
    prepared = io.prepare(frame, "y", impute="median")
    pre = Preprocessor(drop=["y"], impute="median").set_output(transform="pandas")
    np.testing.assert_array_equal(pre.fit_transform(frame), prepared.X)
    assert pre.preprocessing_.columns == prepared.preprocessing.columns
    new = frame.drop(columns=["y", "rownames"]).iloc[:5]
    np.testing.assert_array_equal(io.transform(new, prepared.preprocessing), pre.transform(new))


def test_new_data_imputed_checked_and_named(frame):
    pre = Preprocessor(drop=["y"], impute="mean").fit(frame)
    gap = frame.assign(age=frame["age"].where(frame.index != 101), color="green")
    X = pre.transform(gap)
    assert X[1, 0] == pytest.approx(frame["age"].mean())
    with pytest.raises(
        ValueError,
        match=r"column 'color' of X has category 'pink' not seen in "
        r"training \(known: 'blue', 'green' and 'red'\)",
    ):
        pre.transform(frame.assign(color="pink"))
    with pytest.raises(ValueError, match=r"column 'smoker' not found in X"):
        pre.transform(frame.drop(columns="smoker"))
    with pytest.raises(ValueError, match=r"X has missing values in column 'age'"):
        Preprocessor().fit(gap)
    with pytest.raises(
        ValueError,
        match=r"X has no column names, but this Preprocessor was "
        r"fitted on a table with names",
    ):
        pre.transform(frame.to_numpy())


def test_standardize_centres_and_scales(frame):
    out = Preprocessor(drop=["y"], standardize=True).fit_transform(frame)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1)


def test_arrays_get_x_names_and_text_is_one_hot_encoded():
    X = np.array([[1.0, "a"], [2.0, "b"], [3.5, "a"]], dtype=object)
    pre = Preprocessor().fit(X)
    assert list(pre.get_feature_names_out()) == ["x0", "x1=a", "x1=b"]
    assert not hasattr(pre, "feature_names_in_")
    np.testing.assert_array_equal(pre.transform(X), [[1, 1, 0], [2, 0, 1], [3.5, 1, 0]])


def test_in_a_pipeline_on_raw_tables_and_saved_with_the_model(frame, tmp_path):
    pipe = make_pipeline(
        Preprocessor(drop=["y"]).set_output(transform="pandas"),
        shrinkage.Lasso(0.05, standardize=True),
    ).fit(frame, frame["y"])
    assert list(pipe[-1].feature_names_in_) == list(pipe[0].get_feature_names_out())
    loaded = shrinkage.load(shrinkage.save(pipe, tmp_path / "m.json"))
    np.testing.assert_array_equal(loaded.predict(frame), pipe.predict(frame))
    assert loaded[0].get_params() == pipe[0].get_params()
