"""Reading JSON that may be hostile: bounded in size, depth and number length, finite numbers,
no repeated keys; every refusal is one ``ValueError`` naming the file.

Plain ``json.loads`` turns ``1e400`` into infinity, reads ``NaN``, converts a 400-digit integer
(whose float overflows later), keeps the last of two equal keys, and recurses once per nesting
level (200,000 nested brackets end in a ``RecursionError``).  ``load_json_file`` refuses each of
these before it can cause harm: the nesting depth is measured by a scan over the brackets
outside strings before the parser runs, and the parser's hooks refuse long or non-finite numbers
and repeated keys.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

#: an escape (a backslash and the character after it), removed before the quotes are paired
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
#: the longest number literal read (a float64 needs at most 24 characters)
MAX_NUMBER_CHARS = 64
#: the most digits of an integer literal (2**63 has 19)
MAX_INT_DIGITS = 20
_SCAN_CHUNK = 1 << 22


class JSONLimitError(ValueError):
    """A JSON document refused by the limits (the message says which and where)."""


def load_json_file(
    path: str | os.PathLike[str], *, max_bytes: int, max_depth: int, what: str = "JSON file"
) -> Any:
    """The JSON value in the regular file ``path``, within the limits.

    Refuses (``ValueError``) anything but a regular file (a FIFO or device never blocks or
    streams forever), a file over ``max_bytes``, text that is not UTF-8 JSON, nesting deeper
    than ``max_depth``, a non-finite or overlong number and a repeated key.

    Examples
    --------
    >>> model = load_json_file("model.json", max_bytes=2**20, max_depth=16)  # doctest: +SKIP
    """
    p = Path(path)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {str(p)!r} not found.") from None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"{str(p)!r} is a directory, not a {what}.")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(
            f"{str(p)!r} is not a regular file (a device, pipe or socket); a {what} is a file."
        )
    if info.st_size > max_bytes:
        raise ValueError(
            f"{p.name} is {info.st_size:,} bytes, more than a {what} may be ({max_bytes:,})."
        )
    with open(p, "rb") as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:  # it grew since
        raise ValueError(f"{p.name} is more than a {what} may be ({max_bytes:,} bytes).")
    return loads_limited(raw, p.name, max_depth=max_depth, what=what)


def loads_limited(raw: bytes, source: str, *, max_depth: int, what: str = "JSON file") -> Any:
    """``json.loads`` of ``raw`` (UTF-8) within the limits of ``load_json_file``.

    Examples
    --------
    >>> loads_limited(b'{"a": [1, 2.5]}', "x.json", max_depth=4)
    {'a': [1, 2.5]}
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JSONLimitError(f"{source} is not a {what}: not UTF-8 text.") from None
    depth = nesting_depth(raw)
    if depth > max_depth:
        raise JSONLimitError(
            f"{source} is nested {depth} levels deep, more than a {what} may be ({max_depth})."
        )
    try:
        return json.loads(
            text,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except JSONLimitError as e:
        raise JSONLimitError(f"{source}: {e}") from None
    except json.JSONDecodeError as e:
        raise JSONLimitError(
            f"{source} is not a {what}: not JSON ({e.msg} at line {e.lineno}, column {e.colno})."
        ) from None


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of brackets ([ and {) outside JSON strings, without recursion.

    Escapes are removed first, then quotes pair up: a bracket after an odd number of quotes is
    inside a string.  (In valid JSON a backslash only occurs inside strings; where one occurs
    outside, the parser stops there, and the scan is exact up to that point.)

    Examples
    --------
    >>> nesting_depth(b'{"a": [[1], "[[\\"["]}')
    3
    """
    data = np.frombuffer(_ESCAPE.sub(b"", raw) if b"\\" in raw else raw, dtype=np.uint8)
    deepest, depth, quotes = 0, 0, 0
    for start in range(0, data.size, _SCAN_CHUNK):
        chunk = data[start : start + _SCAN_CHUNK]
        is_quote = chunk == ord('"')
        parity = np.cumsum(is_quote, dtype=np.uint8) & 1  # wraps at 256: parity is kept
        inside = parity != (quotes & 1)
        quotes += int(np.count_nonzero(is_quote))
        opens = ((chunk == ord("[")) | (chunk == ord("{"))) & ~inside
        closes = ((chunk == ord("]")) | (chunk == ord("}"))) & ~inside
        brackets = opens | closes
        if not brackets.any():
            continue
        running = depth + np.cumsum(np.where(opens[brackets], 1, -1), dtype=np.int64)
        deepest = max(deepest, int(running.max()))
        depth = int(running[-1])
    return deepest


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONLimitError(
            f"an integer with {len(text.lstrip('-'))} digits (at most "
            f"{MAX_INT_DIGITS}): {text[:20]}..."
        )
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONLimitError(
            f"a number written with {len(text)} characters (at most "
            f"{MAX_NUMBER_CHARS}): {text[:20]}..."
        )
    value = float(text)
    if not math.isfinite(value):
        raise JSONLimitError(f"the number {text} is too large for a 64-bit float.")
    return value


def _constant(name: str) -> NoReturn:
    raise JSONLimitError(f"the non-finite number {name} (JSON has no NaN or Infinity).")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        seen, repeated = set(), []
        for key, _ in pairs:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        raise JSONLimitError(
            f"the key {repeated[0]!r} appears twice in one object (which one "
            "counts would be a guess)."
        )
    return out
