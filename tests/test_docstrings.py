"""Every public docstring is numpydoc: each signature parameter documented once, with a type.

The public names are ``shrinkage.__all__`` and the ``__all__`` of the public subpackages; for a
public estimator (a scikit-learn ``BaseEstimator``) its public methods written in shrinkage are
checked too.  Each docstring is parsed with ``numpydoc.docscrape`` (its warnings are errors) and
must have: one ``name : type`` entry per signature parameter (no grouped names, no entry for a
parameter the signature lacks; a dataclass or NamedTuple may list its fields under Attributes), a
type and a description on every Returns / Attributes entry, and an Examples section.  The
examples of the names whose module tests/test_doctests.py does not run (no API page lists it)
run here.  The extras' modules (torch, dask, onnx) are checked where their extra is installed.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import re
import warnings
from pathlib import Path

import pytest
from numpydoc import docscrape
from sklearn.base import BaseEstimator

import shrinkage

#: the public subpackages whose ``__all__`` names are public too
SUBPACKAGES = (
    "comparison",
    "dask",
    "datafits",
    "estimators",
    "glm",
    "inference",
    "io",
    "penalties",
    "plots",
    "report",
    "selection",
    "torch",
)
EXTRAS = {"torch": "torch", "dask": "dask"}
#: the modules whose examples tests/test_doctests.py runs (those of the API pages' names)
API_MODULES = {
    m.rsplit(".", 1)[0]
    for page in (Path(__file__).resolve().parents[1] / "docs" / "api").glob("*.md")
    for m in re.findall(r"^::: ([\w.]+)$", page.read_text(), flags=re.MULTILINE)
}
#: public names not yet numpydoc (grouped or untyped parameters, no Examples): empty since
#: 2026-12-07, and it stays so: a new public name must conform from the start.
KNOWN_NONCONFORMING: set[str] = set()


def _module_names() -> list[tuple[str, str]]:
    """(module, name) of every public name, each object once (its first public module)."""
    out = [("shrinkage", n) for n in shrinkage.__all__]
    for sub in SUBPACKAGES:
        extra = EXTRAS.get(sub)
        if extra is not None and importlib.util.find_spec(extra) is None:
            continue
        module = importlib.import_module(f"shrinkage.{sub}")
        out += [(module.__name__, n) for n in getattr(module, "__all__", [])]
    out += [
        ("shrinkage.conventions", "convert"),
        ("shrinkage.conventions", "response_sd"),
        ("shrinkage.conventions", "Penalty"),
    ]
    if importlib.util.find_spec("skl2onnx") is not None:
        out += [("shrinkage.onnx", "to_onnx"), ("shrinkage.onnx", "register")]
    return out


def _targets() -> dict[str, object]:
    """Dotted name -> documented object: public functions, classes and estimators' methods
    (a method under the class that defines it: ``module.Class.method``)."""
    seen: set[int] = set()
    targets: dict[str, object] = {}
    for module, name in _module_names():
        obj = getattr(importlib.import_module(module), name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)) or id(obj) in seen:
            continue  # constants are documented by their module
        seen.add(id(obj))
        targets[f"{module}.{name}"] = obj
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
            for method in _public_methods(obj):
                if id(method) not in seen:
                    seen.add(id(method))
                    targets[f"{method.__module__}.{method.__qualname__}"] = method
    return targets


def _public_methods(cls: type) -> list[object]:
    """The public methods of ``cls`` written in shrinkage (inherited ones included)."""
    out = []
    for attr in dir(cls):
        if attr.startswith("_"):
            continue
        raw = inspect.getattr_static(cls, attr)
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        raw = getattr(raw, "fn", raw)  # scikit-learn's available_if
        if inspect.isfunction(raw) and raw.__module__.startswith("shrinkage"):
            out.append(raw)
    return out


def _signature_parameters(obj) -> list[str]:
    """The names a docstring must document (``*args`` / ``**kwargs`` with their stars)."""
    try:
        signature = inspect.signature(obj)  # a class: its __init__ (or __new__) without self
    except ValueError:  # a class with neither
        return []
    names = []
    for i, (name, p) in enumerate(signature.parameters.items()):
        if i == 0 and name in ("self", "cls"):
            continue
        stars = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        names.append(stars + name)
    return names


def problems(obj) -> list[str]:
    """What keeps ``obj``'s docstring from being numpydoc (an empty list when it is)."""
    doc = inspect.getdoc(obj) or ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            parsed = docscrape.NumpyDocString(doc)
        except (ValueError, UserWarning) as exc:
            return [f"numpydoc cannot parse it: {exc}"]
    found: list[str] = []
    documented: list[str] = []
    is_dataclass = inspect.isclass(obj) and (
        hasattr(obj, "__dataclass_fields__") or hasattr(obj, "_fields")
    )  # or a NamedTuple
    sections = ("Parameters", "Other Parameters") + (("Attributes",) if is_dataclass else ())
    for section in sections:
        for p in parsed[section]:
            for name in p.name.split(","):
                documented.append(name.strip())
            if "," in p.name:
                found.append(f"{section}: several names in one entry {p.name!r}")
            if not p.name.startswith("*"):  # *args, **kwargs: a type is optional
                found += _entry_problems(section, p)
    signature = _signature_parameters(obj)
    for name in signature:
        count = documented.count(name) + (
            documented.count(name.lstrip("*")) if name.startswith("*") else 0
        )
        if count == 0:
            found.append(f"parameter {name!r} is not documented")
        elif count > 1:
            found.append(f"parameter {name!r} is documented {count} times")
    bare = {n.lstrip("*") for n in signature}
    extra = [n for n in documented if n.lstrip("*") not in bare]
    if extra and not is_dataclass:
        found.append(f"documented but not in the signature: {extra}")
    for section in ("Returns", "Yields") + (() if is_dataclass else ("Attributes",)):
        for p in parsed[section]:
            found += _entry_problems(section, p)
    if not "".join(parsed["Examples"]).strip():
        found.append("no Examples section")
    return found


def _entry_problems(section: str, p) -> list[str]:
    """A ``name : type`` line then an indented description: a sentence is not a type."""
    kind = p.type.strip()
    if not kind:
        return [f"{section}: {p.name!r} has no type"]
    if kind.endswith(".") or kind.lower().startswith(("a ", "an ", "the ")) or ": " in kind:
        return [f"{section}: {p.name or kind!r} has a sentence for a type: {kind!r}"]
    if not "".join(p.desc).strip():
        return [f"{section}: {p.name or kind!r} has no description"]
    return []


TARGETS = _targets()


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_docstring_is_numpydoc(target):
    found = problems(TARGETS[target])
    if target in KNOWN_NONCONFORMING:
        assert found, f"{target} conforms now: remove it from KNOWN_NONCONFORMING"
        return
    assert not found, f"{target}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(
    "target",
    sorted(t for t, obj in TARGETS.items() if inspect.unwrap(obj).__module__ not in API_MODULES),
)
def test_examples_run(target, capsys):
    """The examples of the names no API page lists (test_doctests.py runs the others)."""
    obj = TARGETS[target]
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    module = importlib.import_module(inspect.unwrap(obj).__module__)
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in finder.find(obj, target, module=module, globs=vars(module).copy()):
        runner.run(test)
    assert runner.failures == 0, capsys.readouterr().out


def test_known_nonconforming_are_public_names():
    assert set(TARGETS) >= KNOWN_NONCONFORMING, KNOWN_NONCONFORMING - set(TARGETS)


def test_the_checker_sees_the_faults():
    def grouped(a, b, c=1):
        """Grouped names.

        Parameters
        ----------
        a, b : float
            Two numbers.
        d : int
            Not a parameter.
        """

    found = problems(grouped)
    assert any("several names" in f for f in found)
    assert any("'c' is not documented" in f for f in found)
    assert any("not in the signature: ['d']" in f for f in found)
    assert "no Examples section" in found

    def sentence(a):
        """A free-text entry.

        Parameters
        ----------
        a : the strength, >= 0.

        Examples
        --------
        >>> sentence(1)
        """

    assert problems(sentence) == [
        "Parameters: 'a' has a sentence for a type: 'the strength, >= 0.'"
    ]
