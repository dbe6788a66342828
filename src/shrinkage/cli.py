"""The ``shrinkage`` command (a thin shell over the library)."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shrinkage",
        description="L1 (lasso), L2 (ridge) and Elastic-Net regularized models.",
    )
    parser.add_argument("--version", action="version", version=f"shrinkage {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="fit L1, L2 and Elastic Net on the bundled diabetes data and compare them",
        description="Fit the lasso, ridge and Elastic Net on scikit-learn's diabetes data "
                    "(standardized columns) and print their coefficients side by side.")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .demo import run_demo

        print(run_demo())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
