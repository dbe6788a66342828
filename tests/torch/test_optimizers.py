"""L2 in the loss vs weight decay (SGD: equal; Adam vs AdamW: a computed difference), and proximal
steps: the core's Lasso / Elastic Net reached by proximal gradient, groups zeroed, bad input."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import shrinkage  # noqa: E402
from shrinkage.torch import (  # noqa: E402
    L1,
    L2,
    ElasticNet,
    GroupL1,
    Proximal,
    decayed_parameters,
    l2,
    param_groups,
)

F64 = torch.float64


def mlp(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(), torch.nn.Linear(7, 3)).to(
        F64
    )


def batches(n_steps, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [
        (torch.randn(16, 5, generator=g, dtype=F64), torch.randint(0, 3, (16,), generator=g))
        for _ in range(n_steps)
    ]


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_with_l2_in_the_loss_equals_sgd_with_weight_decay_2_lambda(momentum):
    lam, lr = 0.05, 0.1
    a, b = mlp(), mlp()
    opt_a = torch.optim.SGD(a.parameters(), lr=lr, momentum=momentum)
    opt_b = torch.optim.SGD(param_groups(b, 2 * lam), lr=lr, momentum=momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    for X, y in batches(8):
        weights = decayed_parameters(a)
        loss_a = loss_fn(a(X), y) + lam * sum(w.pow(2).sum() for w in weights)  # lam ||w||^2
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
        opt_b.zero_grad()
        loss_fn(b(X), y).backward()
        opt_b.step()
        for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
            torch.testing.assert_close(pa, pb, rtol=1e-12, atol=1e-13)
    assert not torch.equal(a[0].weight, mlp()[0].weight)  # it did move


def test_our_l2_is_half_alpha_so_weight_decay_equals_alpha():
    a, b = mlp(), mlp()
    opt_a = torch.optim.SGD(a.parameters(), lr=0.2)
    opt_b = torch.optim.SGD(param_groups(b, 0.03), lr=0.2)
    X, y = batches(1)[0]
    loss_fn = torch.nn.CrossEntropyLoss()
    (loss_fn(a(X), y) + l2(decayed_parameters(a), 0.03)).backward()
    loss_fn(b(X), y).backward()
    opt_a.step()
    opt_b.step()
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(pa, pb, rtol=1e-12, atol=1e-13)


def test_adam_with_l2_differs_from_adamw_by_the_computed_amount():
    """One step from the same point, linear model, squared loss, gradients written by hand.

    Adam's first step is lr * g / (|g| + eps) (bias corrections cancel).  With L2 in the loss
    (wd/2 ||w||^2), g becomes g + wd w; AdamW instead uses g and multiplies w by (1 - lr wd).
    """
    rng = np.random.default_rng(3)
    n, p = 20, 6
    X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    w0, b0 = rng.standard_normal(p), 0.3
    lr, wd, eps = 0.01, 0.5, 1e-8

    def model():
        m = torch.nn.Linear(p, 1).to(F64)
        with torch.no_grad():
            m.weight.copy_(torch.tensor(w0)[None])
            m.bias.fill_(b0)
        return m

    Xt, yt = torch.tensor(X), torch.tensor(y)
    adam, adamw = model(), model()
    opt = torch.optim.Adam(param_groups(adam, 0.0), lr=lr, eps=eps)
    optw = torch.optim.AdamW(param_groups(adamw, wd), lr=lr, eps=eps)
    loss = 0.5 * ((adam(Xt).squeeze(1) - yt) ** 2).mean() + l2(adam.weight, wd)
    loss.backward()
    opt.step()
    (0.5 * ((adamw(Xt).squeeze(1) - yt) ** 2).mean()).backward()
    optw.step()

    g = X.T @ (X @ w0 + b0 - y) / n  # gradient of the data term in w
    g_l2 = g + wd * w0
    w_adam = w0 - lr * g_l2 / (np.abs(g_l2) + eps)
    w_adamw = w0 * (1 - lr * wd) - lr * g / (np.abs(g) + eps)
    np.testing.assert_allclose(adam.weight.detach().numpy().ravel(), w_adam, rtol=1e-12)
    np.testing.assert_allclose(adamw.weight.detach().numpy().ravel(), w_adamw, rtol=1e-12)
    got = (adam.weight - adamw.weight).detach().numpy().ravel()
    np.testing.assert_allclose(got, w_adam - w_adamw, rtol=1e-9, atol=1e-15)
    assert np.abs(w_adam - w_adamw).max() > 1e-3
    torch.testing.assert_close(adam.bias, adamw.bias)  # biases are not decayed by either


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    n, p = 60, 12
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:4] = [2.0, -1.5, 1.0, 0.5]
    y = X @ coef + 0.5 * rng.standard_normal(n) + 3.0
    return X, y


def proximal_gradient(X, y, penalty, n_steps, momentum=0.0):
    """Full-batch proximal gradient (ISTA) on 1/(2n)||y - Xw - b||^2 with step 1/L (and SGD's
    heavy-ball momentum, if any, before the proximal map)."""
    n, p = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    lipschitz = np.linalg.eigvalsh(A.T @ A / n).max()
    model = torch.nn.Linear(p, 1).to(F64)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    opt = Proximal(
        torch.optim.SGD(model.parameters(), lr=1 / lipschitz, momentum=momentum),
        penalty,
        params=[model.weight],
    )
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(n_steps):
        opt.zero_grad()
        (0.5 * ((yt - model(Xt).squeeze(1)) ** 2).mean()).backward()
        opt.step()
    return model.weight.detach().numpy().ravel(), float(model.bias.detach())


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_proximal_gradient_reaches_the_core_solution(regression, l1_ratio):
    X, y = regression
    alpha = 0.15
    if l1_ratio == 1.0:
        core, penalty = shrinkage.Lasso(alpha=alpha, tol=1e-12), L1(alpha)
    else:
        core, penalty = (
            shrinkage.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12),
            ElasticNet(alpha, l1_ratio),
        )
    core.fit(X, y)
    w, b = proximal_gradient(X, y, penalty, 800)
    np.testing.assert_allclose(w, core.coef_, atol=1e-5)
    assert b == pytest.approx(core.intercept_, abs=1e-5)
    assert np.array_equal(w == 0, core.coef_ == 0)
    assert np.sum(w == 0) >= 5  # exact zeros, not small numbers


def test_proximal_step_after_momentum_solves_the_penalty_times_one_minus_momentum(regression):
    """Momentum carries the gradient (its steady step is lr g / (1 - beta)) but not the
    threshold lr alpha applied after the step: a fixed point is the lasso at (1 - beta) alpha."""
    X, y = regression
    alpha, beta = 0.15, 0.9
    w, b = proximal_gradient(X, y, L1(alpha), 1500, momentum=beta)
    core = shrinkage.Lasso(alpha=(1 - beta) * alpha, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(w, core.coef_, atol=1e-5)
    assert b == pytest.approx(core.intercept_, abs=1e-5)
    assert np.array_equal(w == 0, core.coef_ == 0)
    at_alpha = shrinkage.Lasso(alpha=alpha, tol=1e-12).fit(X, y).coef_
    assert np.abs(w - at_alpha).max() > 0.05  # not the lasso at alpha itself


def test_group_l1_zeroes_whole_input_columns():
    """Group lasso on the columns of a multi-output linear map: irrelevant inputs drop out of
    every output at once; no partially zero column."""
    rng = np.random.default_rng(1)
    n, p, k = 80, 10, 3
    X = torch.tensor(rng.standard_normal((n, p)))
    W = torch.zeros(k, p, dtype=F64)
    W[:, :3] = torch.tensor(rng.standard_normal((k, 3)))
    Y = X @ W.T + 0.1 * torch.tensor(rng.standard_normal((n, k)))
    model = torch.nn.Linear(p, k).to(F64)
    opt = Proximal(
        torch.optim.SGD(model.parameters(), lr=0.3), GroupL1(0.1, "columns"), params=[model.weight]
    )
    for _ in range(300):
        opt.zero_grad()
        (0.5 * ((Y - model(X)) ** 2).sum(dim=1).mean()).backward()
        opt.step()
    zero = model.weight.detach() == 0
    zero_columns = zero.all(dim=0)
    assert zero_columns[3:].all() and not zero_columns[:3].any()
    assert torch.equal(zero.any(dim=0), zero_columns)  # whole columns or nothing


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW])
def test_proximal_l1_gives_exact_zeros_with_any_optimizer(regression, optimizer):
    X, y = regression
    model = torch.nn.Linear(X.shape[1], 1).to(F64)
    opt = Proximal(optimizer(param_groups(model, 0.0), lr=0.05), L1(0.3))
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(300):
        opt.zero_grad()
        (0.5 * ((yt - model(Xt).squeeze(1)) ** 2).mean()).backward()
        opt.step()
    w = model.weight.detach().numpy().ravel()
    assert np.sum(w == 0) >= 4
    assert np.all(w[:2] != 0)
    assert float(model.bias.detach()) != 0  # the bias group is marked penalize=False


def test_proximal_uses_each_groups_current_learning_rate():
    a, b = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    opt = torch.optim.SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.5}], lr=0.1)
    prox = Proximal(opt, L1(1.0), params=[a, b])
    scheduler = torch.optim.lr_scheduler.StepLR(prox.optimizer, step_size=1, gamma=0.5)
    a.grad, b.grad = torch.zeros(3), torch.zeros(3)
    prox.step()
    assert a.tolist() == pytest.approx([0.9] * 3) and b.tolist() == pytest.approx([0.5] * 3)
    scheduler.step()  # lrs now 0.05 and 0.25
    prox.step()
    assert a.tolist() == pytest.approx([0.85] * 3) and b.tolist() == pytest.approx([0.25] * 3)
    b.grad = None  # no gradient: the optimizer skips b, and so does the proximal step
    prox.step()
    assert b.tolist() == pytest.approx([0.25] * 3) and a.tolist() == pytest.approx([0.8] * 3)


def test_decoupled_decay_scaled_by_the_learning_rate_or_not():
    w = torch.nn.Parameter(torch.full((4,), 2.0))
    w.grad = torch.zeros(4)
    scaled = Proximal(torch.optim.SGD([w], lr=0.5), weight_decay=0.1)
    scaled.step()  # w *= 1 - lr * wd
    assert w.tolist() == pytest.approx([2.0 * 0.95] * 4)
    opt = torch.optim.SGD([w], lr=0.5)
    independent = Proximal(opt, weight_decay=0.1, independent_decay=True)
    independent.step()  # w *= 1 - wd, whatever the learning rate
    opt.param_groups[0]["lr"] = 1e-4
    independent.step()
    assert w.tolist() == pytest.approx([2.0 * 0.95 * 0.9 * 0.9] * 4)
    with_l2 = Proximal(torch.optim.SGD([w], lr=0.25), L2(2.0))
    with_l2.step()  # the prox with step lr: w / (1 + lr alpha)
    assert w.tolist() == pytest.approx([2.0 * 0.95 * 0.81 / 1.5] * 4)


def test_adam_proximal_step_is_per_coordinate():
    """After Adam's step, the prox uses lr / (sqrt(v_hat) + eps) per coordinate."""
    w = torch.nn.Parameter(torch.tensor([1.0, 1.0, 1.0], dtype=F64))
    opt = torch.optim.Adam([w], lr=0.1, eps=1e-8)
    prox = Proximal(opt, L1(0.5))
    w.grad = torch.tensor([0.01, 1.0, -100.0], dtype=F64)
    before = w.detach().clone()
    opt.step()  # Adam's first step: lr * sign(g) (up to eps)
    after_adam = w.detach().clone()
    with torch.no_grad():
        w.copy_(before)
    prox.step()
    step = 0.1 / (w.grad.abs() + 1e-8)  # sqrt(v_hat) = |g| after one step
    expected = torch.sign(after_adam) * torch.clamp(after_adam.abs() - 0.5 * step, min=0)
    torch.testing.assert_close(w.detach(), expected)
    assert w[0] == 0 and w[1] != 0  # a small gradient means a large step, hence a zero
    lr_rule = Proximal(torch.optim.Adam([w], lr=0.1), L1(0.5), step="lr")
    assert lr_rule.step_rule == "lr"
    with pytest.raises(ValueError, match="step='adam' reads Adam's state"):
        Proximal(torch.optim.SGD([w], lr=0.1), L1(0.5), step="adam")


def test_proximal_wrappers_stack_and_forward_the_optimizer():
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2)).to(F64)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    both = Proximal(
        Proximal(opt, L1(0.5), params=[model[0].weight]), GroupL1(100.0), params=[model[1].weight]
    )
    assert both.param_groups is opt.param_groups
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    both.step()
    assert torch.all(model[1].weight == 0)  # the big group penalty zeroes every row
    assert torch.all(model[0].weight.abs() < 0.5) and torch.all(model[0].weight == 0)
    both.zero_grad()
    assert model[0].weight.grad is None
    assert set(both.state_dict()) == {"state", "param_groups"}


def test_penalty_on_parameters_not_in_the_optimizer_is_refused():
    model = torch.nn.Linear(3, 2)
    other = torch.nn.Linear(3, 2)
    opt = torch.optim.SGD([model.weight], lr=0.1)
    with pytest.raises(ValueError, match=r"2 of the 2 tensors .* not parameters of the optimizer"):
        Proximal(opt, L1(0.1), params=[other.weight, model.bias])
    with pytest.raises(TypeError, match="not a Module"):
        Proximal(opt, L1(0.1), params=model)


def test_other_bad_input_is_refused():
    w = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match=r"alpha must be a finite number >= 0; got -0\.1"):
        Proximal(opt, L1(-0.1))
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        Proximal(opt, L1(0.1), weight_decay=-1.0)
    with pytest.raises(ValueError, match="needs a penalty or weight_decay"):
        Proximal(opt)
    with pytest.raises(ValueError, match="must be < 1"):
        Proximal(opt, weight_decay=1.5, independent_decay=True)
    with pytest.raises(ValueError, match="step must be one of"):
        Proximal(opt, L1(0.1), step="newton")
    with pytest.raises(TypeError, match="prox_"):
        Proximal(opt, lambda params: 0.0)
    with pytest.raises(TypeError, match="optimizer"):
        Proximal([w], L1(0.1))
    too_much = Proximal(torch.optim.SGD([w], lr=10.0), weight_decay=0.5)
    w.grad = torch.zeros(2)
    with pytest.raises(ValueError, match="flip the weights' signs"):
        too_much.step()
    none_marked = torch.optim.SGD([{"params": [w], "penalize": False}], lr=0.1)
    with pytest.raises(ValueError, match="marked"):
        Proximal(none_marked, L1(0.1))
