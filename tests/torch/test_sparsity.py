"""sparsity_report and the pruning bridge, on a hand-made network whose numbers are known."""

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shrinkage.torch import (  # noqa: E402
    prune_zeros,
    remove_dead_units,
    report_frame,
    sparsity_report,
)


def hand_made():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    with torch.no_grad():
        model[0].weight.copy_(
            torch.tensor(
                [
                    [1.0, 0.0, 2.0, 0.0],
                    [0.0, 0.0, 0.0, 0.0],  # a dead unit (bias 1.0)
                    [0.0, -3.0, 0.0, 0.0],
                ]
            )
        )
        model[0].bias.copy_(torch.tensor([0.5, 1.0, 0.0]))
        model[2].weight.copy_(torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 4.0]]))
        model[2].bias.copy_(torch.tensor([0.0, 1.0]))
    return model


def test_report_counts_zeros_rows_columns_and_norms():
    report = {r.name: r for r in sparsity_report(hand_made())}
    assert list(report) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    w1 = report["0.weight"]
    assert (w1.module, w1.shape, w1.n_params, w1.n_zero) == ("Linear", (3, 4), 12, 9)
    assert w1.zero_fraction == pytest.approx(0.75)
    assert (w1.n_rows, w1.zero_rows, w1.n_columns, w1.zero_columns) == (3, 1, 4, 1)
    assert w1.l1_norm == pytest.approx(6.0) and w1.l2_norm == pytest.approx(14**0.5)
    w2 = report["2.weight"]
    assert (w2.n_zero, w2.zero_rows, w2.zero_columns) == (2, 0, 0)
    b1 = report["0.bias"]
    assert (b1.n_zero, b1.n_rows, b1.zero_rows, b1.n_columns) == (1, 3, 1, 0)
    assert [r.name for r in sparsity_report(hand_made(), weights_only=True)] == [
        "0.weight",
        "2.weight",
    ]
    frame = report_frame(sparsity_report(hand_made()))
    assert frame.loc["0.weight", "n_zero"] == 9 and frame.loc["2.bias", "n_zero"] == 1


def test_prune_zeros_masks_the_zeros_and_keeps_them_zero():
    model = hand_made()
    result = prune_zeros(model)
    assert result.parameters == 12 + 3 + 6 + 2
    assert result.masked == {"0.weight": 9, "0.bias": 1, "2.weight": 2, "2.bias": 1}
    assert result.parameters_left == 23 - 13
    assert result.fraction_left == pytest.approx(10 / 23)
    assert hasattr(model[0], "weight_mask")
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    model(torch.randn(8, 4)).pow(2).sum().backward()
    opt.step()  # masked entries get no gradient and stay zero
    assert sparsity_report(model)[0].n_zero == 9
    assert sparsity_report(model)[0].name == "0.weight"  # the masked weight, under its own name


def test_prune_zeros_permanent_leaves_plain_parameters():
    model = hand_made()
    prune_zeros(model, permanent=True)
    assert not hasattr(model[0], "weight_mask")
    assert isinstance(model[0].weight, nn.Parameter)
    assert int((model[0].weight == 0).sum()) == 9


def test_remove_dead_units_computes_the_same_function_with_fewer_parameters():
    model = hand_made()
    small = remove_dead_units(model)
    assert small[0].weight.shape == (2, 4) and small[2].weight.shape == (2, 2)
    # the dead unit outputs relu(1.0) = 1: folded into the next bias as W2[:, 1] * 1
    assert small[2].bias.tolist() == pytest.approx([0.0 + 2.0, 1.0 - 1.0])
    X = torch.randn(32, 4)
    torch.testing.assert_close(small(X), model(X))
    assert sum(p.numel() for p in small.parameters()) == 8 + 2 + 4 + 2
    assert model[0].weight.shape == (3, 4)  # the original is untouched
    prune_zeros(model)  # also works on a model carrying pruning masks
    torch.testing.assert_close(remove_dead_units(model)(X), model(X))


def test_remove_dead_units_refuses_what_it_cannot_fold():
    with pytest.raises(TypeError, match="Sequential"):
        remove_dead_units(nn.Linear(2, 2))
    with pytest.raises(TypeError, match="BatchNorm1d"):
        remove_dead_units(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)))
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        sparsity_report([torch.ones(2)])
