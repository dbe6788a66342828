#!/usr/bin/env bash
# Does the wheel work once installed?  Builds it, installs it into a fresh virtual environment
# outside the source tree (its dependencies from the package index, as a user gets them) and runs
# `shrinkage --version`, `shrinkage demo`, and fit / predict / save / load on a small table, from a
# directory that holds no source.  A module, data file or template missing from the wheel fails
# here, where every test on the editable install would pass.
#
#     tools/wheel_smoke.sh            # PYTHON (default .venv/bin/python) needs the `build` package
#
# Set KEEP=1 to keep the temporary directory (its path is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d)"
if [ "${KEEP:-0}" = 1 ]; then
    echo "wheel smoke: keeping $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi
unset PYTHONPATH
step() { echo "wheel smoke [$((SECONDS))s]: $*"; }

step "building the wheel"
"$PYTHON" -m build --wheel --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
wheel=("$WORK"/dist/shrinkage-*.whl)
step "built $(basename "${wheel[0]}")"

# a fresh environment from the base interpreter: nothing of .venv or the source tree in it
"$PYTHON" -m venv "$WORK/venv"
BIN="$WORK/venv/bin"
step "installing the wheel and its dependencies"
# --no-compile: Python compiles what it imports anyway; pip would precompile every module of
# scipy, pandas, matplotlib and the rest (the install took 95 s with it, 27 s without)
"$BIN/python" -m pip install --quiet --disable-pip-version-check --no-compile "${wheel[0]}"

cd "$WORK"
expected="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/pyproject.toml")"
version="$("$BIN/shrinkage" --version)"
step "$version"
case "$version" in
    *" $expected") ;;
    *) echo "wheel smoke: expected version $expected, got: $version" >&2; exit 1 ;;
esac

step "shrinkage demo"
"$BIN/shrinkage" demo --out "$WORK/r.html" --no-progress >"$WORK/demo.log" 2>&1 \
    || { cat "$WORK/demo.log"; exit 1; }
grep -q "</html>" "$WORK/r.html" || { echo "wheel smoke: r.html is not a whole page" >&2; exit 1; }

step "a small fit from Python and from the command line"
"$BIN/python" - "$ROOT" <<'EOF'
import sys
from pathlib import Path

import numpy as np

import shrinkage

root = Path(sys.argv[1]).resolve()
where = Path(shrinkage.__file__).resolve()
assert root not in where.parents, f"shrinkage imported from the source tree: {where}"
assert (where.parent / "py.typed").is_file(), "py.typed is missing from the wheel"

rng = np.random.default_rng(0)
X = rng.standard_normal((60, 5))
y = X @ np.array([2.0, 0.0, -1.0, 0.0, 0.5]) + 0.1 * rng.standard_normal(60)
model = shrinkage.Lasso(alpha=0.05).fit(X, y)
assert model.converged_ and model.coef_[1] == 0.0, (model.coef_, model.dual_gap_)
shrinkage.save(model, "lasso.json")
again = shrinkage.load("lasso.json")
assert np.array_equal(again.predict(X), model.predict(X))

header = ",".join([f"x{j}" for j in range(5)] + ["y"])
np.savetxt("table.csv", np.column_stack([X, y]), delimiter=",", header=header, comments="")
print(f"fit: coef {np.round(model.coef_, 3)}, dual gap {model.dual_gap_:.2e}")
EOF
"$BIN/shrinkage" fit table.csv --target y --penalty l1 --alpha 0.05 --model-out model.json \
    >"$WORK/fit.log" 2>&1 || { cat "$WORK/fit.log"; exit 1; }
"$BIN/shrinkage" predict model.json table.csv --out predictions.csv >"$WORK/predict.log" 2>&1 \
    || { cat "$WORK/predict.log"; exit 1; }
test "$(wc -l <predictions.csv)" -eq 61 || { echo "wheel smoke: predictions.csv" >&2; exit 1; }
step "passed"
