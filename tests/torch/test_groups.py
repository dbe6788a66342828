"""param_groups decays weights and leaves out biases, norm layers and embeddings, by module type."""

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shrinkage.torch import decayed_parameters, param_groups, split_parameters  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.proj = nn.Linear(8, 16)
        self.bn = nn.BatchNorm1d(16)
        self.norm_proj = nn.Linear(16, 16, bias=False)  # a Linear with "norm" in its name
        self.head = nn.LayerNorm(16)  # a norm layer without "norm" in its name
        self.gn = nn.GroupNorm(4, 16)
        self.out = nn.Linear(16, 3)
        self.frozen = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)

    def forward(self, tokens):
        h = self.bn(self.proj(self.embed(tokens)))
        h = self.gn(self.head(self.norm_proj(h)))
        return self.out(h)


def names(pairs):
    return {name for name, _ in pairs}


def test_default_excludes_biases_norm_layers_and_embeddings_by_module_type():
    decay, rest = split_parameters(Net())
    assert names(decay) == {"proj.weight", "norm_proj.weight", "out.weight"}
    assert names(rest) == {
        "embed.weight",
        "proj.bias",
        "bn.weight",
        "bn.bias",
        "head.weight",
        "head.bias",
        "gn.weight",
        "gn.bias",
        "out.bias",
    }  # frozen: absent


def test_groups_feed_any_optimizer():
    net = Net()
    groups = param_groups(net, 0.05)
    assert [g["weight_decay"] for g in groups] == [0.05, 0.0]
    assert [g["penalize"] for g in groups] == [True, False]
    for cls in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW):
        opt = cls(param_groups(net, 0.05), lr=0.01)
        assert sum(len(g["params"]) for g in opt.param_groups) == 12
        net(torch.randint(0, 20, (4,))).sum().backward()
        opt.step()
    assert [id(p) for p in decayed_parameters(net)] == [id(p) for p in groups[0]["params"]]


def test_rms_norm_is_excluded_when_torch_has_it():
    if not hasattr(nn, "RMSNorm"):
        pytest.skip("this torch has no nn.RMSNorm")
    model = nn.Sequential(nn.Linear(4, 4), nn.RMSNorm(4))
    decay, rest = split_parameters(model)
    assert names(decay) == {"0.weight"} and names(rest) == {"0.bias", "1.weight"}


def test_exclude_takes_categories_and_module_types():
    net = Net()
    decay, _ = split_parameters(net, exclude=("bias",))
    assert {"embed.weight", "bn.weight", "head.weight"} <= names(decay)
    assert not any(n.endswith("bias") for n in names(decay))
    decay, rest = split_parameters(net, exclude=("bias", "norm", "embedding", nn.Linear))
    assert names(decay) == set()
    assert "out.weight" in names(rest)
    decay, _ = split_parameters(net, exclude=())
    assert len(decay) == 12  # every trainable parameter
    with pytest.raises(ValueError, match="exclude must be one of"):
        split_parameters(net, exclude=("biases",))
    with pytest.raises(TypeError, match="exclude must hold"):
        split_parameters(net, exclude=(3,))
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        param_groups(net, -0.1)
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        param_groups([torch.ones(2)], 0.1)


def test_a_parameter_named_bias_that_is_not_the_modules_bias_attribute_is_decayed():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.bias_scale = nn.Parameter(torch.ones(3, 3))  # a name, not a bias

    decay, _ = split_parameters(Scaled())
    assert names(decay) == {"bias_scale"}


def test_tied_weights_appear_once_and_are_excluded_when_an_owner_excludes_them():
    embed, out = nn.Embedding(10, 4), nn.Linear(4, 10, bias=False)
    out.weight = embed.weight
    decay, rest = split_parameters(nn.Sequential(embed, out))
    assert decay == [] and len(rest) == 1
