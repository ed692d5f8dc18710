"""Changes Kubernetes refuses: a field of a generated object that cannot change once
the object exists (the CRDs' `self == oldSelf` rules, a Secret's type).

The set regenerates its objects on every run; where an entry's change would change
such a field of the object an earlier run made, applying the output would fail. It is
an error here instead, naming the field, both values, and the way to make the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .. import kinds
from ..kinds.base import GeneratedKind, ObjectKey
from ..krm import Item, Result, error, quoted
from .generated import Change, Generated, Owner
from .render import Render

_ABSENT = object()


def fixed_changes(
    kind: GeneratedKind, before: dict[str, Any], now: dict[str, Any]
) -> tuple[Change, ...]:
    """The fields of kind.immutable that differ between an object's fields before and its
    new document; Kubernetes compares only a value set before and after."""
    changes = []
    for dotted in kind.immutable:
        old, new = _value(before, dotted), _value(now, dotted)
        if old is not _ABSENT and new is not _ABSENT and old != new:
            changes.append((dotted, old, new))
    return tuple(changes)


def immutable_changes(
    render: Render, generated: list[Generated], previous: dict[ObjectKey, Item]
) -> Iterator[Result]:
    """previous holds the set's objects of the input by render.key_of."""
    earlier: dict[tuple[GeneratedKind, Any], Item] | None = None  # read when an object is new
    for owner, kind, obj, *_, replaces in generated:
        if replaces is None and kind.names_a_cluster:
            earlier = _by_what_they_manage(previous.values()) if earlier is None else earlier
            if not earlier:  # a first render: nothing can have moved
                continue
            moved_from = earlier.get((kind, _value(obj.read(), "spec.name")))
            if moved_from is not None:  # from a Cluster in another namespace
                yield _moved(moved_from, obj, owner)
            continue
        for dotted, old, new in replaces.changes if replaces is not None else ():
            before = replaces.obj
            if dotted == "spec.cluster":
                yield _moved(before, obj, owner)
                continue
            yield error(
                f"{obj.describe()} must keep its {dotted} {quoted(old)}, as a {obj.kind} "
                f"cannot change it once created, but {owner.describe()} now gives "
                f"{quoted(new)}; keep it: a new value needs a "
                f"new {obj.kind} (remove the entry, render and apply, then add it back; what "
                "the old one made in PostgreSQL stays unless its reclaim policy is delete)",
                before,
                field_path=dotted,
                current_value=old,
            )


def _by_what_they_manage(objects: Iterable[Item]) -> dict[tuple[GeneratedKind, Any], Item]:
    """The set's earlier objects that name a Cluster, by the database or role they manage:
    an entry's names are the set's alone, so an earlier one elsewhere is the entry's, moved."""
    return {
        (kind, _value(obj.read(), "spec.name")): obj
        for obj in objects
        for kind in kinds.GENERATED
        if kind.names_a_cluster and kind.of(obj)
    }


def _moved(before: Item, obj: Item, owner: Owner) -> Result:
    """One error for a move to any other Cluster, in the namespace or out of it: either way
    the earlier object is pruned and a new one starts empty."""
    old, new = _cluster_name(before), _cluster_name(obj)
    return error(
        f"{before.describe()} must stay on Cluster {quoted(old)}, as a {obj.kind} cannot "
        f"move to another Cluster once created, but {owner.describe()} now puts it on "
        f"Cluster {quoted(new)}; keep the entry's cluster: a "
        f"new Cluster needs a new {obj.kind} (remove the entry, render and apply, then add it "
        "back with its new cluster; what the old one made in PostgreSQL stays unless its "
        "reclaim policy is delete)",
        before,
        field_path="spec.cluster",
        current_value=_value(before.read(), "spec.cluster"),
    )


def _cluster_name(obj: Item) -> str:
    cluster = _value(obj.read(), "spec.cluster.name")
    name = cluster if isinstance(cluster, str) else quoted(cluster)
    return f"{obj.namespace}/{name}" if obj.namespace else name


def _value(values: dict[str, Any], dotted: str) -> Any:
    value: Any = values
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _ABSENT
        value = value[part]
    return value
