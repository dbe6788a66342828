"""shrinkage.io.safe_json: the bounded JSON parse (depth scanned before parsing, finite and short
numbers, no repeated keys)."""

import json

import pytest

from shrinkage.io.safe_json import JSONLimitError, loads_limited, nesting_depth


@pytest.mark.parametrize(
    "text, depth",
    [
        (b"1", 0),
        (b"[]", 1),
        (b'{"a": [[1], {"b": []}]}', 4),
        (b'["[[[[", "\\"[[", "\\\\"]', 1),  # brackets in strings, escaped quotes and backslashes
        (b'["\\\\", [1]]', 2),  # an escaped backslash ends before the quote
        (b"[" + b'"]",' * 300 + b"[1]]", 2),  # more than 256 quotes (the parity wraps)
        (b"[" * 50_000 + b"]" * 50_000, 50_000),
        (b'"unterminated [[[', 0),  # not JSON: the parser refuses it
    ],
)
def test_nesting_depth(text, depth):
    assert nesting_depth(text) == depth


def test_depth_is_refused_before_the_parser_recurses():
    deep = b"[" * 1_000_000 + b"]" * 1_000_000
    with pytest.raises(JSONLimitError, match=r"x.json is nested 1000000 levels deep"):
        loads_limited(deep, "x.json", max_depth=64)


def test_within_the_limits_it_is_plain_json():
    text = json.dumps({"a": [1, -2.5e-300, "é", None, True], "b": {"c": 12345678901234567890}})
    assert loads_limited(text.encode(), "x.json", max_depth=3) == json.loads(text)
    assert loads_limited(b"\xef\xbb\xbf[1]", "x.json", max_depth=1) == [1]  # a UTF-8 BOM


@pytest.mark.parametrize(
    "text, message",
    [
        (b"123456789012345678901", r"an integer with 21 digits"),
        (b"[1e309]", r"the number 1e309 is too large"),
        (b"[-1e309]", r"the number -1e309 is too large"),
        (b"Infinity", r"non-finite number Infinity"),
        (b'{"a": 1, "b": {"c": 1, "c": 2}}', r"the key 'c' appears twice"),
        (b"[1,]", r"not JSON \(Expecting value"),
    ],
)
def test_refusals(text, message):
    with pytest.raises(JSONLimitError, match=message):
        loads_limited(text, "x.json", max_depth=8)


def test_nesting_depth_across_chunks(monkeypatch):
    from shrinkage.io import safe_json

    monkeypatch.setattr(safe_json, "_SCAN_CHUNK", 3)
    assert nesting_depth(b'{"a[": [[1], "]]]", {"b": ["[", []]}]}') == 5
