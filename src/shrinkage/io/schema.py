"""A small JSON-schema validator for the files we read (model files), in plain Python.

A schema is a dict using a subset of JSON Schema's keywords:

- ``type``: "object", "array", "string", "number" (int or float, never a boolean),
  "integer", "boolean" or "null", or a tuple of them;
- ``enum`` (a tuple of allowed values, compared with their types: ``True`` is not ``1``);
- numbers: ``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``;
- strings: ``maxLength``; arrays: ``items`` (the schema of every item), ``minItems``,
  ``maxItems``, ``uniqueItems``;
- objects: ``properties`` (name -> schema), ``required`` (names), ``additionalProperties``
  (False refuses other keys; by default they are allowed and not looked into).

``validate`` walks the schema, not the data, so its recursion is as deep as the schema however
deep the document; the first violation raises one ``ValueError`` naming the place
(``preprocessing.columns[2].kind``), what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeAlias, TypeGuard

#: a schema: JSON Schema's keywords (the subset above) -> their values
Schema: TypeAlias = dict[str, Any]


def _is_number(x: object) -> TypeGuard[float]:
    """An int or a float, never a boolean."""
    return isinstance(x, int | float) and not isinstance(x, bool)


_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "number": _is_number,
    "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
}
_ARTICLES = {
    "object": "a JSON object",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def number(minimum: float | None = None, maximum: float | None = None, **extra: Any) -> Schema:
    """The schema of a number within bounds (``exclusiveMinimum`` etc. pass through ``extra``).

    Examples
    --------
    >>> number(0, 1)
    {'type': 'number', 'minimum': 0, 'maximum': 1}
    """
    out: Schema = {"type": "number"}
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return {**out, **extra}


def array_of(items: Schema, max_items: int, **extra: Any) -> Schema:
    """The schema of a list of at most ``max_items`` items, each matching ``items``."""
    return {"type": "array", "items": items, "maxItems": max_items, **extra}


def validate(value: object, schema: Schema, where: str) -> None:
    """Raise ``ValueError("<where> must be ...; got ...")`` at the first place ``value``
    breaks ``schema``.

    Examples
    --------
    >>> validate({"alpha": -1}, {"type": "object", "properties": {"alpha": number(0)}}, "m")
    Traceback (most recent call last):
    ...
    ValueError: m.alpha must be at least 0; got -1.
    """
    types = schema.get("type")
    if types is not None:
        types = (types,) if isinstance(types, str) else tuple(types)
        if not any(_TYPES[t](value) for t in types):
            wanted = " or ".join(_ARTICLES[t] for t in types)
            _fail(where, wanted, value)
    if "enum" in schema and not any(type(value) is type(a) and value == a for a in schema["enum"]):
        _fail(where, "one of " + ", ".join(repr(a) for a in schema["enum"]), value)
    if _is_number(value):
        _check_number(value, schema, where)
    elif isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        _fail(
            where,
            f"text of at most {schema['maxLength']} characters",
            shown=f"{len(value)} characters",
        )
    elif isinstance(value, list):
        _check_array(value, schema, where)
    elif isinstance(value, dict):
        _check_object(value, schema, where)


def _check_number(value: float, schema: Schema, where: str) -> None:
    if "minimum" in schema and not value >= schema["minimum"]:
        _fail(where, f"at least {schema['minimum']:g}", value)
    if "maximum" in schema and not value <= schema["maximum"]:
        _fail(where, f"at most {schema['maximum']:g}", value)
    if "exclusiveMinimum" in schema and not value > schema["exclusiveMinimum"]:
        _fail(where, f"above {schema['exclusiveMinimum']:g}", value)
    if "exclusiveMaximum" in schema and not value < schema["exclusiveMaximum"]:
        _fail(where, f"below {schema['exclusiveMaximum']:g}", value)


def _check_array(value: list[Any], schema: Schema, where: str) -> None:
    if len(value) > schema.get("maxItems", len(value)):
        _fail(
            where, f"a list of at most {schema['maxItems']:,} items", shown=f"{len(value):,} items"
        )
    if len(value) < schema.get("minItems", 0):
        _fail(
            where,
            f"a list of at least {schema['minItems']} item{'s' if schema['minItems'] != 1 else ''}",
            shown=f"{len(value)}",
        )
    items = schema.get("items")
    if items is not None:
        for i, item in enumerate(value):
            validate(item, items, f"{where}[{i}]")
    if schema.get("uniqueItems"):
        seen: set[object] = set()
        for item in value:
            key = (type(item), item) if not isinstance(item, dict | list) else repr(item)
            if key in seen:
                _fail(where, "a list without repeated items", shown=f"{_short(item)} twice")
            seen.add(key)


def _check_object(value: dict[str, Any], schema: Schema, where: str) -> None:
    missing = [k for k in schema.get("required", ()) if k not in value]
    if missing:
        names = ", ".join(repr(k) for k in missing)
        raise ValueError(f"{where} lacks {names}.")
    properties = schema.get("properties", {})
    if schema.get("additionalProperties", True) is False:
        extra = [k for k in value if k not in properties]
        if extra:
            raise ValueError(f"{where} has an unknown key {extra[0]!r}.")
    for key, sub in properties.items():
        if key in value:
            validate(value[key], sub, f"{where}.{key}")


def _fail(where: str, wanted: str, value: object = None, *, shown: str | None = None) -> NoReturn:
    raise ValueError(f"{where} must be {wanted}; got {_short(value) if shown is None else shown}.")


def _short(value: object) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
