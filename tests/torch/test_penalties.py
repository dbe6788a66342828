"""Penalty values follow the core's conventions; proximal maps match the core's prox and zero whole
groups."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from shrinkage.penalties.l1_l2 import ElasticNetPenalty  # noqa: E402
from shrinkage.torch import (  # noqa: E402
    L1,
    L2,
    ElasticNet,
    GroupL1,
    elastic_net,
    group_l1,
    l1,
    l2,
)

W = torch.tensor([[1.0, -2.0, 0.0], [0.5, 0.0, -0.25]], dtype=torch.float64)
B = torch.tensor([3.0, -4.0], dtype=torch.float64)


def test_values_follow_the_core_conventions():
    assert float(l1(W, 0.5)) == pytest.approx(0.5 * 3.75)
    assert float(l2(W, 0.5)) == pytest.approx(0.5 / 2 * (1 + 4 + 0.25 + 0.0625))
    assert float(elastic_net(W, 0.5, 0.3)) == pytest.approx(0.5 * (0.3 * 3.75 + 0.7 / 2 * 5.3125))
    assert float(l1([W, B], 1.0)) == pytest.approx(3.75 + 7.0)  # sums over a list of tensors
    rows = np.sqrt([1 + 4, 0.25 + 0.0625])
    cols = np.sqrt([1 + 0.25, 4.0, 0.0625])
    assert float(group_l1(W, 2.0)) == pytest.approx(2 * rows.sum())
    assert float(group_l1(W, 2.0, "columns")) == pytest.approx(2 * cols.sum())
    assert float(group_l1(B, 1.0)) == pytest.approx(7.0)  # 1-D rows: one entry per group


def test_core_objects_agree_with_the_values():
    core = ElasticNetPenalty(0.5, 0.3, np.ones(6), np.full(6, -np.inf), np.full(6, np.inf))
    assert float(ElasticNet(0.5, 0.3)(W)) == pytest.approx(core.value(W.numpy().ravel()))


def test_l2_gradient_is_weight_decay():
    w = W.clone().requires_grad_(True)
    l2(w, 0.7).backward()
    torch.testing.assert_close(w.grad, 0.7 * W)
    w.grad = None
    (0.35 * w.pow(2).sum()).backward()  # lam ||w||^2 is l2 with alpha = 2 lam
    torch.testing.assert_close(w.grad, 0.7 * W)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4, 0.0])
def test_prox_is_the_cores_soft_threshold_then_shrink(l1_ratio):
    rng = np.random.default_rng(0)
    w = rng.standard_normal(50)
    w[:5] = [0.0, 0.1, -0.1, 0.3, -0.3]
    alpha, step = 0.8, 0.25
    core = ElasticNetPenalty(
        alpha, l1_ratio, np.ones(50), np.full(50, -np.inf), np.full(50, np.inf)
    )
    expected = np.array([core.prox(w[j], step, j) for j in range(50)])
    penalty = {1.0: L1(alpha), 0.0: L2(alpha)}.get(l1_ratio, ElasticNet(alpha, l1_ratio))
    got = penalty.prox_(torch.tensor(w), step).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=0)
    assert np.array_equal(got == 0, expected == 0)
    if l1_ratio > 0:
        assert np.sum(got == 0) > 0


def test_prox_works_in_place_on_a_parameter():
    p = torch.nn.Parameter(torch.tensor([0.05, -0.5, 2.0]))
    L1(1.0).prox_(p, 0.1)
    assert p.tolist() == pytest.approx([0.0, -0.4, 1.9])
    assert p.requires_grad


def test_group_prox_zeroes_whole_groups_and_shrinks_the_rest():
    w = torch.tensor([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0], [-6.0, 8.0]], dtype=torch.float64)
    out = GroupL1(2.0, "rows").prox_(w.clone(), 0.5)  # threshold 1: norms 5, 0.5, 0, 10
    expected = torch.stack([w[0] * (1 - 1 / 5), 0 * w[1], w[2], w[3] * (1 - 1 / 10)])
    torch.testing.assert_close(out, expected)
    assert torch.all(out[1:3] == 0)
    cols = GroupL1(1.0, "columns").prox_(w.clone().T.contiguous(), 0.5)
    assert torch.all(cols[:, 1] == 0) and torch.all(cols[:, 2] == 0)
    assert torch.all(cols[:, [0, 3]] != 0)


def test_group_prox_on_conv_output_channels():
    w = torch.randn(4, 3, 2, 2, dtype=torch.float64)
    w[1] *= 1e-3
    out = GroupL1(1.0, "rows").prox_(w.clone(), 0.1)
    assert torch.all(out[1] == 0)
    assert all(torch.all(out[c] != 0) for c in (0, 2, 3))


def test_heads_group_q_k_and_v_of_the_same_head():
    embed, heads = 8, 4
    attn = torch.nn.MultiheadAttention(embed, heads, dtype=torch.float64)
    w = attn.in_proj_weight.detach().clone()  # (3E, E): q, k, v stacked
    d = embed // heads
    rows_of_head_2 = [k * embed + 2 * d + i for k in range(3) for i in range(d)]
    w[rows_of_head_2] *= 1e-4
    penalty = GroupL1(1.0, "heads", n_heads=heads, packed=3)
    norms = penalty.group_norms(w)
    assert norms.shape == (heads,)
    assert float(norms[2]) == pytest.approx(float(w[rows_of_head_2].norm()))
    out = penalty.prox_(w.clone(), 0.05)
    zero_rows = (out == 0).all(dim=1).nonzero().ravel().tolist()
    assert zero_rows == rows_of_head_2
    out_proj = attn.out_proj.weight.detach().clone()  # (E, E): head h owns columns h*d:(h+1)*d
    cols = GroupL1(1.0, "heads", n_heads=heads, dim=1)
    assert float(cols.group_norms(out_proj)[1]) == pytest.approx(
        float(out_proj[:, d : 2 * d].norm())
    )


@pytest.mark.parametrize(
    "penalty",
    [
        GroupL1(1.0, "rows"),
        GroupL1(1.0, "columns"),
        GroupL1(1.0, "heads", n_heads=2),
        GroupL1(1.0, "heads", n_heads=2, packed=3),
        GroupL1(1.0, "heads", n_heads=3, dim=1),
    ],
)
def test_group_layouts_round_trip(penalty):
    w = torch.arange(6 * 6 * 2, dtype=torch.float64).reshape(6, 6, 2)
    g = penalty._to_groups(w)
    assert g.numel() == w.numel()
    torch.testing.assert_close(penalty._from_groups(g, w), w)


@pytest.mark.parametrize(
    "make",
    [
        lambda: L1(-0.1),
        lambda: L2(-1.0),
        lambda: ElasticNet(-1e-3, 0.5),
        lambda: GroupL1(-2.0),
        lambda: l1(W, -1.0),
        lambda: ElasticNet(0.1, 1.5),
        lambda: GroupL1(0.1, "neurons"),
        lambda: GroupL1(0.1, "heads"),
        lambda: GroupL1(0.1, "rows", n_heads=2),
        lambda: L1(float("nan")),
    ],
)
def test_bad_penalties_are_refused(make):
    with pytest.raises(ValueError, match=r"alpha|l1_ratio|groups|n_heads"):
        make()


def test_bad_params_are_refused():
    with pytest.raises(TypeError, match="not a Module"):
        l1(torch.nn.Linear(2, 2), 0.1)
    with pytest.raises(ValueError, match="empty"):
        l1([], 0.1)
    with pytest.raises(ValueError, match="not divisible"):
        group_l1(torch.ones(6, 2), 0.1, "heads", n_heads=4)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        group_l1(torch.ones(6), 0.1, "columns")
