"""The docstring examples of the public modules run as doctests, and the API reference site
(docs/api/*.md, built by ``make docs``) documents every public name.

Each module that defines a public name is run with ``doctest.testmod``; the extras' modules
(torch, dask, onnx) only where their extra is installed.  Every documented name has an
``Examples`` section.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import warnings
from pathlib import Path

import pytest

import shrinkage

ROOT = Path(__file__).resolve().parents[1]
API_PAGES = sorted((ROOT / "docs" / "api").glob("*.md"))
EXTRAS = {"shrinkage.torch": "torch", "shrinkage.dask": "dask", "shrinkage.onnx": "skl2onnx"}
#: public constants: documented by their module, no docstring of their own
CONSTANTS = {"shrinkage.conventions.CONVENTIONS", "shrinkage.conventions.FAMILIES"}


def _documented() -> list[str]:
    """The targets of the ``::: dotted.name`` directives of the API pages."""
    return [
        m
        for page in API_PAGES
        for m in re.findall(r"^::: ([\w.]+)$", page.read_text(), flags=re.MULTILINE)
    ]


def _resolve(target: str):
    module, name = target.rsplit(".", 1)
    _skip_missing_extra(module)
    return getattr(importlib.import_module(module), name)


def _skip_missing_extra(module: str) -> None:
    for prefix, package in EXTRAS.items():
        if module == prefix or module.startswith(prefix + "."):
            pytest.importorskip(package)


def _public_names() -> list[str]:
    """Every public name: shrinkage.__all__ and the public modules' names, as 'module.name'."""
    names = [f"shrinkage.{n}" for n in shrinkage.__all__]
    for module in ("shrinkage.inference", "shrinkage.torch", "shrinkage.dask"):
        text = (ROOT / "src" / Path(*module.split(".")) / "__init__.py").read_text()
        block = re.search(r"^__all__ = \[(.*?)\]", text, flags=re.MULTILINE | re.DOTALL)
        listed = re.findall(r'"(\w+)"', block.group(1))
        lazy = re.search(r"^_LAZY = \{(.*?)^\}", text, flags=re.MULTILINE | re.DOTALL)
        if "*sorted(_LAZY)" in block.group(1) and lazy:
            listed += re.findall(r'^\s+"(\w+)":', lazy.group(1), flags=re.MULTILINE)
        names += [f"{module}.{n}" for n in listed]
    names += [
        "shrinkage.conventions.convert",
        "shrinkage.conventions.response_sd",
        "shrinkage.conventions.Penalty",
        "shrinkage.onnx.to_onnx",
        "shrinkage.onnx.register",
    ]
    return names


def test_every_public_name_has_a_page():
    documented = {t.rsplit(".", 1)[1] for t in _documented()}
    missing = [n for n in _public_names() if n.rsplit(".", 1)[1] not in documented]
    assert not missing, f"public names missing from docs/api/*.md: {missing}"


@pytest.mark.parametrize("target", _documented())
def test_every_documented_name_has_an_example(target):
    if target in CONSTANTS:
        return
    obj = inspect.unwrap(_resolve(target))
    assert "Examples\n--------" in inspect.cleandoc(obj.__doc__ or ""), (
        f"{target}'s docstring has no Examples section"
    )


def _modules() -> list[str]:
    return sorted(
        {t.rsplit(".", 1)[0] for t in _documented() if t not in CONSTANTS}
        | {"shrinkage.plots.bias_variance"}
    )


@pytest.mark.parametrize("module", _modules())
def test_docstring_examples_run(module, capsys):
    _skip_missing_extra(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        mod = importlib.import_module(module)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(mod, optionflags=flags, report=False)
    assert result.failed == 0, capsys.readouterr().out
