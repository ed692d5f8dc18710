"""What is wrong with a DatabaseSet, in our words: the one place pydantic's errors become
messages a user reads.

Every message names the field by its path, with the entry's name beside its index
(`spec.databases[1] ("n8n").roleConfig.login`), says what must hold, quotes the value
found (escaped, cut short) and, where it can, what to do instead. pydantic's wording
and links never reach a user.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from types import UnionType
from typing import Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..krm import quoted
from .model import EXPLAINED_FIELDS, DatabaseSet, yaml_names

Location = Sequence[str | int]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_./-]+")
_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}


class Problem(NamedTuple):
    """One thing wrong: the field's path (as results carry it), what must hold, and the
    value found."""

    field: str
    message: str
    value: Any = None


class InvalidConfig(Exception):
    """The DatabaseSet is not valid: every problem in it, at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def field_path(location: Location) -> str:
    """A path as results carry it: `spec.databases[1].name`."""
    return shown_path(location, None)


def shown_path(location: Location, values: Any) -> str:
    """A path as messages show it: each list entry that has a name is named beside its
    index, `spec.databases[1] ("n8n")` (not where the path ends at that name). Without
    values, no entry is named."""
    path, value = "", values
    for position, step in enumerate(location):
        value = _step_into(value, step)
        if isinstance(step, int):
            path += f"[{step}]"
            name = value.get("name") if isinstance(value, dict) else None
            if isinstance(name, str) and name and tuple(location[position + 1 :]) != ("name",):
                path += f" ({quoted(name)})"
        else:
            text = step if _PLAIN_KEY.fullmatch(step) else quoted(step)
            path += f".{text}" if path else text
    return path


def _value_at(location: Location, values: Any) -> Any:
    for step in location:
        values = _step_into(values, step)
    return values


def _step_into(value: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return value[step] if isinstance(value, list) and step < len(value) else None
    return value.get(step) if isinstance(value, dict) else None


def problems_of(error: ValidationError, values: dict[str, Any]) -> list[Problem]:
    """Every error pydantic found, as a Problem."""
    details = _in_the_values_form(list(error.errors(include_url=False)))
    return [_problem(detail, values) for detail in details]


def _in_the_values_form(details: list[Any]) -> list[Any]:
    """pydantic tries each form a field of several takes (an entry's cluster: a name, or
    {name, namespace}) and reports every form's errors, each under the form's name. The
    mistake is in the form the value has: the other forms' type errors go, and the
    form's name leaves the path. A value of no form gets one error naming them all."""
    fits: dict[tuple, bool] = {}
    for detail in details:
        if (step := _form_step(detail["loc"])) is not None:
            location = tuple(detail["loc"][:step])
            fits[location] = fits.get(location, False) or not _wrong_form(detail, step)
    kept, merged = [], set()
    for detail in details:
        step = _form_step(detail["loc"])
        if step is None:
            kept.append(detail)
            continue
        location = tuple(detail["loc"][:step])
        if fits[location] and not _wrong_form(detail, step):
            kept.append({**detail, "loc": location + tuple(detail["loc"][step + 1 :])})
        elif not fits[location] and location not in merged:
            merged.add(location)
            forms = [d["type"] for d in details if tuple(d["loc"][:step]) == location]
            kept.append({"loc": location, "type": "union", "input": detail["input"], "ctx": forms})
    return kept


def _form_step(location: Location) -> int | None:
    """Where in location a form's name is: right after a field of several forms."""
    for step in range(1, len(location)):
        if isinstance(location[step - 1], str) and _has_forms(location[:step]):
            return step
    return None


def _has_forms(location: Location) -> bool:
    model = model_at(location[:-1])
    field = _field(model, str(location[-1])) if model else None
    if field is None or get_origin(field.annotation) not in (Union, UnionType):
        return False
    return len([form for form in get_args(field.annotation) if form is not type(None)]) > 1


def _wrong_form(detail: Any, step: int) -> bool:
    """A form's error that says only that the value is not of that form."""
    return len(detail["loc"]) == step + 1 and detail["type"] in _EXPECTED


def _problem(detail: Any, values: dict[str, Any]) -> Problem:
    location, kind, value = tuple(detail["loc"]), detail["type"], detail.get("input")
    if location and location[-1] == "[key]":  # a key of a mapping of strings
        where = shown_path(location[:-2], values)
        mapping = _value_at(location[:-2], values)
        key = next((key for key in mapping if not isinstance(key, str)), location[-2])
        message = f"{where} must have strings as keys, got {quoted(key)} ({_type_of(key)})"
        return Problem(field_path(location[:-2]), message, key)
    where = shown_path(location, values)
    field = field_path(location)
    if kind == "missing":
        return Problem(field, f"{where} is required")
    if kind == "extra_forbidden":
        return _unknown_field(location, values, value)
    if kind == "literal_error":
        expected = detail["ctx"]["expected"].replace("'", '"')
        return Problem(field, f"{where} must be {expected}, got {quoted(value)}", value)
    if kind == "union":
        forms = " or ".join(dict.fromkeys(_EXPECTED[form] for form in detail["ctx"]))
        return Problem(field, f"{where} must be {forms}, got {quoted(value)} ({_type_of(value)})")
    if kind == "value_error":
        reason = str(detail["ctx"]["error"])
        return Problem(field, f"{where} {quoted(value)} {reason}", value)
    expected = _EXPECTED.get(kind, "of another type")
    return Problem(
        field, f"{where} must be {expected}, got {quoted(value)} ({_type_of(value)})", value
    )


def _unknown_field(location: Location, values: Any, value: Any) -> Problem:
    """An unknown field: the closest known name, or the right place if it belongs one
    level up or down, or the known fields."""
    name = str(location[-1])
    parent_location = location[:-1]
    model = model_at(parent_location)
    parent = shown_path(parent_location, values) or "the DatabaseSet"
    field = field_path(location)
    explained = EXPLAINED_FIELDS.get(model, {}) if model else {}
    if name in explained:
        return Problem(field, f"{parent} must not set {quoted(name)}: {explained[name]}", value)
    known = yaml_names(model) if model else []
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or [
        known_name for known_name in known if known_name.lower() == name.lower()
    ]
    if close:
        hint = f"did you mean {quoted(close[0])}?"
    elif (moved := _one_level_off(name, parent_location, values)) is not None:
        hint = moved
    else:
        hint = f"known fields: {', '.join(known)}"
    return Problem(field, f"{parent} has an unknown field {quoted(name)}; {hint}", value)


def _one_level_off(name: str, parent_location: Location, values: Any) -> str | None:
    """Where a field unknown here is known: in the mapping around this one, or in one of
    this mapping's own fields."""
    around = _up(parent_location)
    around_model = model_at(around) if parent_location else None
    if around_model is not None and name in yaml_names(around_model):
        place = shown_path(around, values) or "the DatabaseSet"
        return f"it belongs to {place}: move it there"
    model = model_at(parent_location)
    for field_name, field in model.model_fields.items() if model else ():
        inner = _model_of(field.annotation)
        if inner is not None and name in yaml_names(inner):
            return f"did you mean {quoted((field.alias or field_name) + '.' + name)}?"
    return None


def _up(location: Location) -> list[str | int]:
    """The location of the mapping around the one at location."""
    steps = list(location)
    while steps and isinstance(steps[-1], int):
        steps.pop()
    return steps[:-1]


def model_at(location: Location) -> type[BaseModel] | None:
    """The model of the mapping at location in a DatabaseSet, None where there is none."""
    model: type[BaseModel] | None = DatabaseSet
    for step in location:
        if model is None:
            return None
        if isinstance(step, int):
            continue
        field = _field(model, step)
        model = _model_of(field.annotation) if field is not None else None
    return model


def _field(model: type[BaseModel], name: str) -> FieldInfo | None:
    """The field a YAML key names."""
    return next((f for n, f in model.model_fields.items() if (f.alias or n) == name), None)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation: X, X | None, list[X]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


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
