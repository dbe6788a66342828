"""shrinkage.io.schema: the small JSON-schema validator behind model files."""

import pytest

from shrinkage.io.schema import array_of, number, validate

SCHEMA = {
    "type": "object",
    "required": ("name", "values"),
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "maxLength": 5},
        "kind": {"enum": ("a", 1, None)},
        "values": array_of(number(0, 10), 3, minItems=1),
        "tags": array_of({"type": "string"}, 5, uniqueItems=True),
        "rate": number(exclusiveMinimum=0, exclusiveMaximum=1),
        "count": {"type": "integer"},
        "flag": {"type": ("boolean", "null")},
    },
}


def test_a_valid_document_passes():
    validate(
        {
            "name": "ab",
            "kind": 1,
            "values": [0, 2.5],
            "tags": ["x", "y"],
            "rate": 0.5,
            "count": 3,
            "flag": None,
        },
        SCHEMA,
        "doc",
    )


@pytest.mark.parametrize(
    "doc, message",
    [
        ([], r"doc must be a JSON object; got a list of 0 items"),
        ({"name": "ab"}, r"doc lacks 'values'"),
        ({"name": "ab", "values": [1], "other": 1}, r"doc has an unknown key 'other'"),
        (
            {"name": "abcdef", "values": [1]},
            r"doc.name must be text of at most 5 characters; got 6 "
            r"characters",
        ),
        ({"name": "ab", "values": []}, r"doc.values must be a list of at least 1 item; got 0"),
        (
            {"name": "ab", "values": [1, 2, 3, 4]},
            r"doc.values must be a list of at most 3 items; "
            r"got 4 items",
        ),
        ({"name": "ab", "values": [1, 11]}, r"doc.values\[1\] must be at most 10; got 11"),
        ({"name": "ab", "values": [False]}, r"doc.values\[0\] must be a number; got False"),
        (
            {"name": "ab", "values": [1], "kind": True},
            r"doc.kind must be one of 'a', 1, None; got "
            r"True",
        ),
        ({"name": "ab", "values": [1], "kind": 1.0}, r"doc.kind must be one of"),
        (
            {"name": "ab", "values": [1], "tags": ["x", "x"]},
            r"doc.tags must be a list without "
            r"repeated items; got 'x' twice",
        ),
        ({"name": "ab", "values": [1], "rate": 1}, r"doc.rate must be below 1; got 1"),
        ({"name": "ab", "values": [1], "rate": 0}, r"doc.rate must be above 0; got 0"),
        ({"name": "ab", "values": [1], "count": 2.0}, r"doc.count must be an integer; got 2.0"),
        (
            {"name": "ab", "values": [1], "flag": 0},
            r"doc.flag must be true or false or null; got 0",
        ),
        ({"name": "x" * 100, "values": [1]}, r"got 100 characters"),
    ],
)
def test_the_first_violation_is_named(doc, message):
    with pytest.raises(ValueError, match=message):
        validate(doc, SCHEMA, "doc")


def test_long_values_are_shortened_in_messages():
    with pytest.raises(ValueError, match=r"got 'x{56}\.\.\.\.$"):
        validate("x" * 1000, {"type": "integer"}, "doc")
