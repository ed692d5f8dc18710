"""Strict typed records read from YAML values, and their JSON Schema.

The function reads its config on every run, and a kpt pipeline waits for every run:
a validation library's import and model building would cost more than the rest of a
small run (dataclasses alone would cost a tenth of it). A record is a class derived
from Record whose annotations give each field's type: str, int, bool, a Literal of
strings, a list or a dict[str, str], another record, or any of these `| None`; its
class attributes give defaults, or `field(...)` a default, a check and a YAML name.

`read` builds a record from what YAML gave, or raises Invalid with every problem
found, each at its field path: a wrong type, a value not allowed, a missing or
unknown field (with the closest known name), or what a field's check says. YAML 1.2
gives real types, so nothing is converted: "50" for an integer is a mistake.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, Literal, NamedTuple

from .krm import quoted

Check = Callable[[Any], "str | None"]
"""A field's own rule: the problem with a value of the right type, or None."""

MAX_SHOWN = 100


class Problem(NamedTuple):
    """One thing wrong: the field's path, what must hold, and the value found."""

    field: str
    message: str
    value: Any = None


class Invalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


class Field(NamedTuple):
    """How a record reads one field: its Python and YAML names, type and rules."""

    name: str
    yaml_name: str
    default: Any
    check: Check | None

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


_REQUIRED = object()


def field(default: Any = _REQUIRED, *, check: Check | None = None, alias: str | None = None) -> Any:
    """A record field with a check, or a YAML name other than its Python name."""
    return Field("", alias or "", default, check)


class Record:
    """Fields in annotation order; unset ones take their defaults (copied if mutable)."""

    fields: ClassVar[tuple[Field, ...]] = ()
    explained_fields: ClassVar[dict[str, str]] = {}  # unknown fields with their own message

    def __init_subclass__(cls) -> None:
        declared = []
        for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063 - inspect is slow to import
            if name in ("fields", "explained_fields"):
                continue
            spec = cls.__dict__.get(name, _REQUIRED)
            if not isinstance(spec, Field):
                spec = Field("", "", spec, None)
            declared.append(spec._replace(name=name, yaml_name=spec.yaml_name or name))
            if name in cls.__dict__:
                delattr(cls, name)
        cls.fields = tuple(declared)

    def __init__(self, **values: Any) -> None:
        for spec in self.fields:
            if spec.name in values:
                value = values[spec.name]
            elif spec.required:
                raise TypeError(f"{type(self).__name__} needs {spec.name}")
            else:
                value = spec.default.copy() if isinstance(spec.default, dict) else spec.default
            self.__dict__[spec.name] = value
        self.__dict__["_written"] = tuple(
            spec.yaml_name for spec in self.fields if spec.name in values
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        shown_fields = ", ".join(
            f"{spec.name}={getattr(self, spec.name)!r}" for spec in self.fields
        )
        return f"{type(self).__name__}({shown_fields})"


def replace(record: Record, **changes: Any) -> Any:
    """A copy of record with some fields changed."""
    values = {spec.name: getattr(record, spec.name) for spec in record.fields}
    return type(record)(**(values | changes))


def yaml_names(record_class: type[Record]) -> list[str]:
    return [spec.yaml_name for spec in record_class.fields]


def written(record: Record) -> dict[str, Any]:
    """The fields the YAML held, by their YAML names; None where it held null."""
    values = as_dict(record)
    return {name: values.get(name) for name in record.__dict__["_written"]}


def as_dict(record: Record, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The record as YAML data, by YAML names, in field order, without unset fields."""
    result = {}
    for spec in record.fields:
        value = getattr(record, spec.name)
        if value is not None and spec.yaml_name not in exclude:
            result[spec.yaml_name] = _plain(value)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return as_dict(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _is_record(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Record)


# Reading ----------------------------------------------------------------------------------


def read(record_class: type, value: Any, path: str = "") -> Any:
    """The record of record_class that value describes, or Invalid with every problem."""
    problems: list[Problem] = []
    record = _read(record_class, value, path, problems)
    if problems:
        raise Invalid(problems)
    return record


_BAD = object()  # the value had a problem, already reported
_UNIONS = (types.UnionType, typing.Union)  # `Literal[...] | None` comes back as Optional


def _read(kind: Any, value: Any, where: str, problems: list[Problem]) -> Any:
    origin = typing.get_origin(kind)
    if origin in _UNIONS:  # X | None
        if value is None:
            return None
        (kind,) = (argument for argument in typing.get_args(kind) if argument is not type(None))
        origin = typing.get_origin(kind)
    if _is_record(kind):
        return _read_record(kind, value, where, problems)
    if origin is Literal:
        return _read_literal(typing.get_args(kind), value, where, problems)
    if origin is list:
        if not isinstance(value, list):
            return _wrong_type("a list", value, where, problems)
        (item_kind,) = typing.get_args(kind)
        items = [_read(item_kind, item, f"{where}[{i}]", problems) for i, item in enumerate(value)]
        return _BAD if _BAD in items else items
    if origin is dict:
        if not isinstance(value, dict):
            return _wrong_type("a mapping", value, where, problems)
        if not all(isinstance(key, str) for key in value):
            key = next(key for key in value if not isinstance(key, str))
            message = f"{where} must have strings as keys, got {shown(key)} ({_type_of(key)})"
            problems.append(Problem(where, message, key))
            return _BAD
        entries = {
            key: _read(str, item, _path(where, key), problems) for key, item in value.items()
        }
        return _BAD if _BAD in entries.values() else entries
    expected = _SCALARS[kind]
    if type(value) is not kind:
        return _wrong_type(expected, value, where, problems)
    return value


_SCALARS = {str: "a string", int: "an integer", bool: "true or false"}


def _read_record(
    record_class: type[Record], value: Any, where: str, problems: list[Problem]
) -> Any:
    if not isinstance(value, dict):
        return _wrong_type("a mapping", value, where, problems)
    hints = _hints(record_class)
    found: dict[str, Any] = {}
    bad = False
    for spec in record_class.fields:
        path = f"{where}.{spec.yaml_name}" if where else spec.yaml_name
        if spec.yaml_name not in value:
            if spec.required:
                problems.append(Problem(path, f"{path} is required"))
                bad = True
            continue
        result = _read(hints[spec.name], value[spec.yaml_name], path, problems)
        check = spec.check
        problem = check(result) if check and result is not _BAD and result is not None else None
        if problem:
            problems.append(Problem(path, f"{path} {shown(result)} {problem}", abbreviated(result)))
        if result is _BAD or problem:
            bad = True
        found[spec.name] = result
    known = yaml_names(record_class)
    for key in value:
        if key not in known:
            name = key if isinstance(key, str) else str(key)
            problems.append(_unknown_field(record_class, name, where, value[key]))
            bad = True
    return _BAD if bad else record_class(**found)


def _read_literal(allowed: tuple[str, ...], value: Any, where: str, problems: list[Problem]) -> Any:
    if type(value) is str and value in allowed:
        return value
    choices = [f'"{choice}"' for choice in allowed]
    expected = choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
    problems.append(Problem(where, f"{where} must be {expected}, got {shown(value)}", value))
    return _BAD


def _wrong_type(expected: str, value: Any, where: str, problems: list[Problem]) -> Any:
    message = f"{where} must be {expected}, got {shown(value)} ({_type_of(value)})"
    problems.append(Problem(where, message, abbreviated(value)))
    return _BAD


def _path(where: str, key: str) -> str:
    """A field path one step on; a key that is no plain name is quoted."""
    step = key if _PLAIN_KEY.fullmatch(key) else quoted(key)
    return f"{where}.{step}" if where else step


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_./-]+")


def _unknown_field(record_class: type, name: str, where: str, value: Any) -> Problem:
    path = _path(where, name)
    parent = where or f"the {record_class.__name__}"
    explained = record_class.explained_fields
    if name in explained:
        return Problem(
            path, f"{parent} must not set {quoted(name)}: {explained[name]}", abbreviated(value)
        )
    import difflib  # only a typo pays for it

    known = yaml_names(record_class)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or [
        field_ for field_ in known if field_.lower() == name.lower()
    ]
    hint = f'did you mean "{close[0]}"?' if close else f"known fields: {', '.join(known)}"
    return Problem(
        path, f"{parent} has an unknown field {quoted(name)}; {hint}", abbreviated(value)
    )


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(record_class: type) -> dict[str, Any]:
    """The fields' types: the annotations, evaluated once per class."""
    if record_class not in _HINTS:
        _HINTS[record_class] = typing.get_type_hints(record_class)
    return _HINTS[record_class]


def shown(value: Any) -> str:
    """A value as the user wrote it, in JSON's spelling, on one line, cut short."""
    return quoted(value)


def abbreviated(value: Any) -> Any:
    """A long string cut short, so that a message stays one readable line."""
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        return f"{value[:MAX_SHOWN]}… ({len(value)} characters)"
    return value


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# JSON Schema --------------------------------------------------------------------------------


def json_schema(record_class: type) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a record: what `read` accepts, less the checks."""
    definitions: dict[str, Any] = {}
    _schema_of(record_class, definitions)
    return {**definitions.pop(record_class.__name__), "$defs": definitions}


def _schema_of(kind: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(kind)
    if origin in _UNIONS:
        (inner,) = (argument for argument in typing.get_args(kind) if argument is not type(None))
        return {"anyOf": [_schema_of(inner, definitions), {"type": "null"}]}
    if _is_record(kind):
        name = kind.__name__
        if name not in definitions:
            definitions[name] = {}  # taken, for records that refer to themselves
            definitions[name] = _record_schema(kind, definitions)
        return {"$ref": f"#/$defs/{name}"}
    if origin is Literal:
        return {"enum": list(typing.get_args(kind)), "type": "string"}
    if origin is list:
        (item_kind,) = typing.get_args(kind)
        return {"type": "array", "items": _schema_of(item_kind, definitions)}
    if origin is dict:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {"type": {str: "string", int: "integer", bool: "boolean"}[kind]}


def _record_schema(record_class: type[Record], definitions: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(record_class)
    properties, required = {}, []
    for spec in record_class.fields:
        schema = _schema_of(hints[spec.name], definitions)
        if spec.required:
            required.append(spec.yaml_name)
        elif spec.default is not None:
            schema["default"] = _plain(spec.default)
        properties[spec.yaml_name] = schema
    schema = {
        "title": record_class.__name__,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if record_class.__doc__:
        schema["description"] = " ".join(record_class.__doc__.split())
    if required:
        schema["required"] = required
    return schema
