"""The layering of ../shared/DESIGN.md, read from the source: every import statement of every
module under src/shrinkage (module level and inside functions alike; only ``if TYPE_CHECKING:``
blocks, which never run, are left out), parsed with ``ast``.

- no import circles among shrinkage's modules;
- plots/ reaches nothing that fits a model (figures draw what they are given);
- estimators never reach an extra (``shrinkage.dask``, ``shrinkage.torch``): the core hands Dask
  input over through ``shrinkage._dispatch``, which imports the extra with ``importlib`` (a
  string, so not an import statement: the one documented lazy hook, see docs/architecture.md);
- report/ returns HTML and writes no file;
- the math (penalties, datafits, certificates) does not import solvers.

Known violations are listed below, each with where it comes from; a list may only shrink: a new
violation fails, and so does an entry that no longer holds (remove it when you fix it).
"""

import ast
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

SRC = Path(__file__).resolve().parents[1] / "src"

#: import circles that exist today (each a strongly connected component, or a superset of one):
#: none since 2026-12-07; the list stays for an honest record if one must ever be accepted
KNOWN_CYCLES: list[set[str]] = []

#: modules that fit models (or run the simulations that do): what plots/ must not reach
FITTING = (
    "shrinkage.path",
    "shrinkage.paths",
    "shrinkage.group_path",
    "shrinkage.glm",
    "shrinkage.engine",
    "shrinkage.solvers",
    "shrinkage.selection",
    "shrinkage.estimators",
    "shrinkage.inference",
    "shrinkage.dask",
    "shrinkage.torch",
    "shrinkage.comparison.simulations",
    "shrinkage.comparison.api",
    "shrinkage.comparison.regression",
    "shrinkage.comparison.classification",
)
#: packages whose public names load on first use (PEP 562, through ``importlib``): importing one
#: reaches everything it exports, so a figure must not import them either
LAZY_PACKAGES = ("shrinkage", "shrinkage.comparison", "shrinkage.dask")
EXTRAS = ("shrinkage.dask", "shrinkage.torch")
MATH = (
    "shrinkage.penalties",
    "shrinkage.datafits",
    "shrinkage.certificates",
    "shrinkage.glm_certificates",
    "shrinkage._certificate_kernels",
)


def _modules() -> dict[str, tuple[Path, bool]]:
    """{dotted name: (file, is a package's __init__)} of every module under src/shrinkage."""
    out = {}
    for path in sorted((SRC / "shrinkage").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST):
    """Every node of the tree outside ``if TYPE_CHECKING:`` blocks (their else runs)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                yield child
                yield from _statements(child)
            continue
        yield node
        yield from _statements(node)


def _imports(name: str) -> set[str]:
    """The shrinkage modules that module ``name`` imports (a submodule when ``from package
    import submodule``, else the module named)."""
    path, is_package = MODULES[name]
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for a in node.names:
                sub = f"{module}.{a.name}"
                found.add(sub if sub in MODULES else module)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for m in GRAPH[todo.pop()]:
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def _cycles() -> list[set[str]]:
    """The strongly connected components of more than one module."""
    names = sorted(GRAPH)
    position = {m: i for i, m in enumerate(names)}
    edges = [(position[m], position[r]) for m in names for r in GRAPH[m]]
    rows, cols = zip(*edges, strict=True) if edges else ((), ())
    graph = csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(names), len(names)))
    _, labels = connected_components(graph, directed=True, connection="strong")
    components = [
        {m for m, label in zip(names, labels, strict=True) if label == k} for k in np.unique(labels)
    ]
    return [c for c in components if len(c) > 1]


def _under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_parser_sees_the_imports_it_should():
    assert "shrinkage.comparison.results" in GRAPH["shrinkage.comparison.recommend"]
    assert "shrinkage._validation" in GRAPH["shrinkage.comparison.diagnostics"]  # from .. import
    assert "shrinkage.comparison.regression" in _reachable("shrinkage.comparison.api")
    assert "shrinkage.dask.glm" not in GRAPH["shrinkage.dask._glm_newton"]  # TYPE_CHECKING only


def test_no_new_import_circles():
    cycles = _cycles()
    new = [sorted(c) for c in cycles if not any(c <= known for known in KNOWN_CYCLES)]
    assert not new, f"import circles: {new}"
    stale = [sorted(k) for k in KNOWN_CYCLES if not any(c & k for c in cycles)]
    assert not stale, f"these circles are gone: remove them from KNOWN_CYCLES: {stale}"


@pytest.mark.parametrize("package", ["shrinkage.comparison", "shrinkage.plots", "shrinkage.report"])
def test_the_upper_floors_have_no_circle(package):
    assert not [c for c in _cycles() if any(_under(m, [package]) for m in c)]


def test_plots_reach_nothing_that_fits():
    plots = [m for m in MODULES if _under(m, ["shrinkage.plots"])]
    assert len(plots) > 5
    bad = {
        m: sorted(r for r in _reachable(m) if _under(r, FITTING) or r in LAZY_PACKAGES)
        for m in plots
    }
    assert not {m: r for m, r in bad.items() if r}


def test_estimators_never_reach_an_extra():
    estimators = [m for m in MODULES if _under(m, ["shrinkage.estimators"])]
    bad = {m: sorted(r for r in _reachable(m) if _under(r, EXTRAS)) for m in estimators}
    assert not {m: r for m, r in bad.items() if r}
    # nor does the rest of the core (the extras may import the core, never the reverse; the CLI
    # and the demos sit on top of both)
    core = [m for m in MODULES if not _under(m, [*EXTRAS, "shrinkage.cli", "shrinkage.demos"])]
    assert not [m for m in core if any(_under(r, EXTRAS) for r in GRAPH[m])]


def test_report_writes_no_file():
    for name in (m for m in MODULES if _under(m, ["shrinkage.report"])):
        assert not any(_under(r, ["shrinkage.io"]) for r in GRAPH[name]), name
        tree = ast.parse(MODULES[name][0].read_text(encoding="utf-8"))
        calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert not [f for f in calls if isinstance(f, ast.Name) and f.id == "open"], name
        writes = {"write_text", "write_bytes", "mkdir", "touch", "unlink"}
        assert not [f.attr for f in calls if isinstance(f, ast.Attribute) and f.attr in writes], (
            name
        )


def test_math_does_not_import_solvers():
    """None since issue 12 part 1 moved that math into the penalty, datafit and certificate
    modules."""
    found = {
        (m, r)
        for m in MODULES
        if _under(m, MATH)
        for r in GRAPH[m]
        if _under(r, ["shrinkage.solvers"])
    }
    assert not found, f"the math imports solvers: {sorted(found)}"
