"""What a user reads about the DatabaseSet on a terminal: `--help` and `explain`.

Made from the same model as the JSON Schema (model.py): a field's description,
type, default and example are written there once, so the three cannot disagree.
"""

from __future__ import annotations

import json
import textwrap
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .model import DatabaseSet

MINIMAL_EXAMPLE = """\
apiVersion: dbset.krm.dev/v1alpha1
kind: DatabaseSet
metadata:
  name: prod-databases
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  cluster:
    name: prod-pg17
    namespace: postgres
  databases:
  - name: romm
    bitwardenPasswordId: 7f3c1a52-0000-4000-8000-000000000001
    appNamespace: romm
"""
WIDTH = 88


def fields_at_a_glance() -> str:
    """One line per field of spec and of an entry: its path, type and first sentence."""
    lines = []
    spec = _field_model(DatabaseSet.model_fields["spec"])
    assert spec is not None
    for path, field in _fields(spec, "spec"):
        if path == "spec.databases":
            continue
        lines.append(_glance(path, field))
    entry = _field_model(spec.model_fields["databases"])
    assert entry is not None
    for path, field in _fields(entry, "spec.databases[]"):
        lines.append(_glance(path, field))
    return "\n".join(lines) + "\n"


def _glance(path: str, field: FieldInfo) -> str:
    """The field's path and type, and the first sentence of its description below."""
    first = (field.description or "").split(". ")[0].rstrip(".") + "."
    wrapped = textwrap.fill(first, WIDTH, initial_indent="      ", subsequent_indent="      ")
    return f"  {path} <{type_name(field.annotation)}>\n{wrapped}"


def _fields(model: type[BaseModel], prefix: str) -> list[tuple[str, FieldInfo]]:
    return [
        (f"{prefix}.{field.alias or name}", field) for name, field in model.model_fields.items()
    ]


def explain(path: str) -> str:
    """A field's description, type, default and example, and its own fields: like
    `kubectl explain`. path is dotted from the DatabaseSet, `[]` optional after a list
    (`spec.databases.password.generate.length`)."""
    model: type[BaseModel] = DatabaseSet
    field: FieldInfo | None = None
    steps = [step.removesuffix("[]") for step in path.split(".")] if path else []
    shown = []
    for step in steps:
        if model is None:
            raise KeyError(_unknown(path, shown, step, None))
        field = _field_named(model, step)
        if field is None:
            raise KeyError(_unknown(path, shown, step, model))
        shown.append(step + ("[]" if _is_list(field.annotation) else ""))
        model = _field_model(field)  # type: ignore[assignment]
    text = f"FIELD:    {'.'.join(shown) or 'DatabaseSet'}"
    if field is None:
        text += "\n\nDESCRIPTION:\n" + _wrapped(" ".join((DatabaseSet.__doc__ or "").split()))
    else:
        text += f" <{type_name(field.annotation)}>\n"
        default = _default(field)
        if default is not None:
            text += f"DEFAULT:  {default}\n"
        if field.is_required():
            text += "REQUIRED: yes\n"
        if field.examples:
            text += f"EXAMPLE:  {json.dumps(field.examples[0], ensure_ascii=False)}\n"
        text += "\nDESCRIPTION:\n" + _wrapped(field.description or "")
    if model is not None:
        text += "\n\nFIELDS:\n" + "\n".join(
            f"  {(sub.alias or name):<24} <{type_name(sub.annotation)}>"
            + ("  (required)" if sub.is_required() else "")
            for name, sub in model.model_fields.items()
        )
    return text + "\n"


def _unknown(path: str, shown: list[str], step: str, model: type[BaseModel] | None) -> str:
    where = ".".join(shown) or "the DatabaseSet"
    if model is None:
        return f"{where} has no fields, so {path!r} names none; try `dbset-fn explain {where}`"
    known = ", ".join(field.alias or name for name, field in model.model_fields.items())
    return f"{where} has no field {step!r}; its fields: {known}"


def _field_named(model: type[BaseModel], name: str) -> FieldInfo | None:
    return next(
        (field for key, field in model.model_fields.items() if (field.alias or key) == name), None
    )


def _field_model(field: FieldInfo) -> type[BaseModel] | None:
    return _model_in(field.annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(argument) for argument in typing.get_args(annotation))


def type_name(annotation: Any) -> str:
    """A field's type as `kubectl explain` names types."""
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(arguments[0])
    if origin is typing.Literal:
        return " | ".join(f'"{value}"' for value in arguments)
    if origin is list:
        return f"[]{type_name(arguments[0])}"
    if origin is dict:
        return "map[string]string"
    if origin in (typing.Union, types.UnionType):  # X | None, or X | Y: each, once
        named = [type_name(argument) for argument in arguments if argument is not type(None)]
        return " | ".join(dict.fromkeys(named))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object"
    return {str: "string", int: "integer", bool: "boolean"}.get(annotation, str(annotation))


def _default(field: FieldInfo) -> str | None:
    default = field.default
    if default is PydanticUndefined or default is None:
        return None
    if isinstance(default, BaseModel):
        values = default.model_dump(by_alias=True, exclude_none=True)
        return json.dumps(values) if values else None
    if default in ({}, []):
        return None
    return json.dumps(default, ensure_ascii=False)


def _wrapped(text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent="  ", subsequent_indent="  ")
