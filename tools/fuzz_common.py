"""What a fuzz case is and how its outcome is judged (shared by the API and CLI corpora).

A case says what it runs (a pickleable ``spec``), what a correct library does with it
(``expect``: "reject" with a clear error, "accept" with a correct answer, or "either") and, for
an error, a pattern its message must match (the argument it names).  Outcomes:

    ok            a clear error where one is due, or an accepted input with a sane answer
    unclear       a ValueError / TypeError from our code whose message does not name the argument
    refused       a clear error on an input that is valid and should have been accepted
    crash         any other exception (from numpy, numba, pandas, ...), a dead worker, CLI exit 1
    hang          the case ran past its time limit
    silent-wrong  accepted what it should refuse, or answered with non-finite or wrong numbers
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field

CATEGORIES = ("ok", "unclear", "refused", "crash", "hang", "silent-wrong")
FAILURES = ("crash", "hang", "silent-wrong")

# modules whose ValueError / TypeError is a checked refusal: ours, and scikit-learn's input
# validation (check_array, check_is_fitted, parameter and target-type checks) that we call
CHECKING_MODULES = (
    "shrinkage",
    "sklearn.utils.validation",
    "sklearn.utils._param_validation",
    "sklearn.utils.multiclass",
    "sklearn.utils.class_weight",
    "sklearn.base",
)


@dataclass(frozen=True)
class Case:
    """One bad (or borderline) input and what a correct library does with it."""

    name: str  # unique and stable, e.g. "Lasso/X:nan-cell"
    cause: str  # what is bad, shared by the same mutation on every target, e.g. "X: NaN cell"
    kind: str  # "api" or "cli"
    spec: dict = field(hash=False, compare=False)
    expect: str = "reject"  # "reject", "accept" or "either"
    mention: str = ""  # regex (case-insensitive) an error message must match
    describe: str = ""  # a one-line reproduction in words


@dataclass
class Outcome:
    name: str
    category: str
    detail: str
    seconds: float = 0.0


def frames(error: BaseException) -> list[str]:
    """The modules of the frames of ``error``'s traceback, outermost first."""
    tb, out = error.__traceback__, []
    while tb is not None:
        out.append(tb.tb_frame.f_globals.get("__name__", "?"))
        tb = tb.tb_next
    return out


def origin(error: BaseException) -> str:
    """The module of the frame that raised ``error`` (the innermost of its traceback)."""
    return (frames(error) or ["?"])[-1]


def _within(module: str, prefixes) -> bool:
    return any(module == m or module.startswith(m + ".") for m in prefixes)


def judge_error(case: Case, error: BaseException) -> tuple[str, str]:
    """(category, detail) of a case that raised ``error``.

    A ValueError / TypeError raised by a checking module is a refusal: clear when its message
    matches ``case.mention`` or is scikit-learn's own input check.  One raised by numpy while
    scikit-learn's ``check_array`` converts the input is a refusal in numpy's words (unclear).
    Anything else is a crash, including a numpy / scipy / numba error that happens to subclass
    ValueError (LinAlgError).
    """
    message = " ".join(str(error).split())
    where = origin(error)
    detail = f"{type(error).__name__} from {where}: {message[:200]}"
    if not isinstance(error, (ValueError, TypeError)):
        return "crash", detail
    if _within(where, CHECKING_MODULES):
        if case.expect == "accept":
            return "refused", detail
        sklearn_words = where == "sklearn.utils.validation"  # the estimator contract's messages
        if case.mention and not sklearn_words and not re.search(case.mention, message, re.I):
            return "unclear", detail + f"  [expected a mention of /{case.mention}/]"
        return "ok", detail
    if "sklearn.utils.validation" in frames(error):
        return ("refused" if case.expect == "accept" else "unclear"), (
            detail + "  [numpy's words inside scikit-learn's check_array]"
        )
    return "crash", detail


def judge_accepted(case: Case, problems: list[str]) -> tuple[str, str]:
    """(category, detail) of a case that ran to the end; ``problems`` are failed sanity checks."""
    if case.expect == "reject":
        return "silent-wrong", "accepted" + (f" ({'; '.join(problems)})" if problems else "")
    if problems:
        return "silent-wrong", "; ".join(problems)
    return "ok", "accepted"


def format_exception(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))
