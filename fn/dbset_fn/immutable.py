"""Changes Kubernetes refuses: a field of a generated object that cannot change once
the object exists (the CRDs' `self == oldSelf` rules, a Secret's type).

The set regenerates its objects on every run; where an entry's change would change
such a field of the object an earlier run made, applying the output would fail. It is
an error here instead, naming the field, both values, and the way to make the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .collisions import Generated
from .kinds import GENERATED
from .krm import Item, Result, error, quoted
from .model import Spec
from .ownership import ObjectKey, key_of

_ABSENT = object()


def immutable_changes(
    generated: list[Generated], previous: dict[ObjectKey, Item], spec: Spec, applied: str
) -> Iterator[Result]:
    """previous holds the set's objects of the input by key_of(obj, applied)."""
    for position, obj, *_ in generated:
        before = previous.get(key_of(obj, applied))
        kind = next((kind for kind in GENERATED if kind.of(obj)), None)
        if before is None or kind is None:
            continue
        for dotted in kind.immutable:
            old, new = _value(before, dotted), _value(obj, dotted)
            if old is _ABSENT or new is _ABSENT or old == new:
                continue  # Kubernetes compares only a value set before and after
            entry = spec.databases[position]
            yield error(
                f"{obj.describe()} must keep its {dotted} {quoted(old)}, as a {obj.kind} "
                f"cannot change it once created, but spec.databases[{position}] "
                f"({quoted(entry.name)}) now gives {quoted(new)}; keep it: a new value needs a "
                f"new {obj.kind} (remove the entry, render and apply, then add it back; what "
                "the old one made in PostgreSQL stays unless its reclaim policy is delete)",
                before,
                field_path=dotted,
                current_value=old,
            )


def _value(obj: Item, dotted: str) -> Any:
    value: Any = obj.read()
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _ABSENT
        value = value[part]
    return value
