"""The fuzz corpus (tools/fuzz.py) as a regression test, and the harness's own judging.

A fixed, evenly spread subset of the corpus (bad data, hyperparameters, predictions, CLI data
files, model files, options and output paths), each case in a worker process under a time
limit, must end in a clear error or a correct answer: no crash, no hang, no silent wrong answer.
The whole corpus (about 3,500 cases): ``.venv/bin/python -m tools.fuzz``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tools import fuzz
from tools.fuzz_common import Case, judge_accepted, judge_error

N_CASES = 250
TIME_LIMIT = 120.0  # seconds per case: a hang, not a slow fit (they take well under a second)


@pytest.mark.slow
def test_a_subset_of_the_corpus_ends_in_clear_errors_or_correct_answers():
    cases = fuzz.subset(fuzz.all_cases(), N_CASES)
    outcomes = fuzz.run_cases(cases, timeout=TIME_LIMIT, workers=1)
    # a valid input refused is a failure too (the whole corpus has none)
    failed = [o for o in outcomes if o.category in (*fuzz.FAILURES, "refused")]
    assert not failed, fuzz.report(cases, outcomes)


def test_the_corpus_covers_the_api_and_the_cli_with_unique_names():
    cases = fuzz.all_cases()
    assert len(cases) >= 2000
    assert len({c.name for c in cases}) == len(cases)
    kinds = {c.kind for c in cases}
    assert kinds == {"api", "cli"}
    assert sum(c.kind == "cli" for c in cases) >= 150
    assert fuzz.subset(cases, 100) == fuzz.subset(fuzz.all_cases(), 100)  # deterministic


def _raise(error: Exception):
    try:
        raise error
    except Exception as caught:
        return caught


def _numpy_error():
    try:
        np.linalg.cholesky(-np.eye(2))
    except np.linalg.LinAlgError as caught:
        return caught


CASE = Case("Lasso/alpha=-1", "hyperparameter alpha", "api", {}, "reject", "alpha")


def test_errors_are_judged_by_type_origin_and_message():
    from shrinkage import _validation

    with pytest.raises(ValueError) as ours:
        _validation.check_alpha(-1.0)
    assert judge_error(CASE, ours.value)[0] == "ok"
    unclear = Case("Lasso/alpha=-1", "hyperparameter alpha", "api", {}, "reject", "penalty")
    assert judge_error(unclear, ours.value)[0] == "unclear"
    # raised outside the library's checks (here: by the test itself) is a crash
    assert judge_error(CASE, _raise(ValueError("alpha must be >= 0")))[0] == "crash"
    # a numpy error is a crash even though LinAlgError subclasses ValueError
    assert judge_error(CASE, _numpy_error())[0] == "crash"
    assert judge_error(CASE, _raise(IndexError("0")))[0] == "crash"


def test_acceptances_are_judged_by_expectation_and_checks():
    assert judge_accepted(CASE, [])[0] == "silent-wrong"
    either = Case("Lasso/alpha=zero", "hyperparameter alpha", "api", {}, "either")
    assert judge_accepted(either, [])[0] == "ok"
    assert judge_accepted(either, ["coef_ not finite"])[0] == "silent-wrong"


def test_a_case_past_its_time_limit_is_a_hang():
    cases = [c for c in fuzz.all_cases() if c.name == "LassoCV/X:int"]
    assert [o.category for o in fuzz.run_cases(cases, timeout=1e-6)] == ["hang"]
