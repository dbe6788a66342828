"""RegularizationPath: warm-started training along a decreasing lambda grid."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shrinkage.torch import GroupL1, RegularizationPath  # noqa: E402


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    n, p = 120, 10
    X = rng.standard_normal((n, p)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)  # 3 classes, 3 useful inputs
    return X, y


def net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 3))


def test_path_runs_largest_lambda_first_and_records_each_point(blobs):
    X, y = blobs
    model = net()
    before = [p.detach().clone() for p in model.parameters()]
    path = RegularizationPath(model, [1e-3, 1e-1, 1e-2], epochs=15, keep_states=True).fit(X, y)
    assert path.lambdas_.tolist() == [1e-1, 1e-2, 1e-3]
    assert [p.lam for p in path.points_] == pytest.approx([1e-1, 1e-2, 1e-3])
    first, last = path.points_[0], path.points_[-1]
    assert first.zero_fraction > last.zero_fraction
    assert first.n_nonzero < last.n_nonzero
    assert last.train_loss < first.train_loss
    assert 0 <= last.val_accuracy <= 1 and last.val_accuracy > 0.6
    assert first.penalty > 0
    frame = path.frame()
    assert list(frame["lam"]) == pytest.approx([1e-1, 1e-2, 1e-3])
    assert {"train_loss", "val_accuracy", "zero_fraction", "zero_rows"} <= set(frame.columns)
    assert len(path.states_) == 3
    for p, q in zip(model.parameters(), before, strict=True):
        assert torch.equal(p, q)  # the given model is not trained: a copy is


def test_group_penalties_and_callables(blobs):
    X, y = blobs
    settings = {"epochs": 5, "batch_size": 16}
    path = RegularizationPath(net(), [0.2, 0.02], penalty="group_rows", **settings).fit(
        X[:80], y[:80], X[80:], y[80:]
    )
    assert path.points_[0].zero_rows >= 1  # whole units removed
    assert path.points_[0].zero_fraction > 0
    same = RegularizationPath(
        net(), [0.2, 0.02], penalty=lambda lam: GroupL1(lam, "rows"), **settings
    ).fit(X[:80], y[:80], X[80:], y[80:])
    assert same.frame().equals(path.frame())


def test_mse_loss_has_no_accuracy(blobs):
    X, _ = blobs
    target = X[:, :3] @ np.ones((3, 3), dtype=np.float32)
    path = RegularizationPath(
        net(), [0.01], loss="mse", penalty="elastic_net", l1_ratio=0.5, epochs=3
    ).fit(X, target)
    assert np.isnan(path.points_[0].val_accuracy)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lambdas": [-0.1]}, "lambdas must be a finite number >= 0; got -0.1"),
        ({"lambdas": []}, "lambdas is an empty list"),
        ({"penalty": "l0"}, "penalty must be one of"),
        ({"epochs": 0}, "epochs"),
        ({"loss": "hinge"}, "loss must be one of"),
    ],
)
def test_bad_settings_are_refused_in_fit(blobs, kwargs, message):
    X, y = blobs
    settings = {"lambdas": [0.1]} | kwargs
    path = RegularizationPath(net(), **settings)
    with pytest.raises(ValueError, match=message):
        path.fit(X, y)


def test_validation_data_comes_in_pairs(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="both X_val and y_val"):
        RegularizationPath(net(), [0.1]).fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="rows"):
        RegularizationPath(net(), [0.1]).fit(X, y[:10])
