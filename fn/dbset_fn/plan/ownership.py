"""How the function knows what it made, so that re-runs replace it and prune it.

`kpt fn render` writes generated objects into the package, and the next run gets
them back as input. Generated objects carry an annotation naming their DatabaseSet,
and are placed in a file of their own. The Cluster carries one annotation recording
which managed roles each DatabaseSet owns, so several DatabaseSets can share a
Cluster and hand-written roles stay theirs; it also records how to put back what a
set created there, so that pruning leaves the Cluster as the user wrote it.
"""

from __future__ import annotations

import json
from typing import NamedTuple, NoReturn

from .. import kinds
from ..config.names import dns1123_subdomain_problem
from ..kinds.base import ObjectKey
from ..krm import Emptied, Item, quoted

OWNER = "dbset.krm.dev/database-set"
MANAGED_ROLES = "dbset.krm.dev/managed-roles"
RESTORE = "@restore"  # in the record: never a DatabaseSet's name (not a DNS name)


def key_of(obj: Item, applied: str) -> ObjectKey:
    """What makes two objects the same object once applied: group, kind, namespace and
    name, where an object without a namespace is in applied, the namespace the output
    is applied to ("" where that is not known). So `Database app` of a Cluster without
    a namespace and a hand-written `Database default/app` are one object when the
    Cluster runs in default."""
    return landed((obj.group, obj.kind, obj.namespace, obj.name), applied)


def landed(key: ObjectKey, applied: str) -> ObjectKey:
    """An object's key as written, with the namespace it lands in (see key_of)."""
    group, kind, namespace, name = key
    return (group, kind, namespace or applied, name)


def owner_of(obj: Item) -> str:
    """The DatabaseSet named in obj's ownership annotation, or ""."""
    return obj.header.annotation(OWNER)


def foreign_reason(obj: Item) -> str | None:
    """Why an object that carries the ownership annotation cannot have been generated
    (it must then never be pruned), or None."""
    kind = kinds.kind_of(obj)
    if kind is None:
        return f"a DatabaseSet never generates a {obj.kind or 'resource without a kind'}"
    return kind.foreign_reason(obj)


class RolesRecord(NamedTuple):
    """The Cluster's record: the roles each DatabaseSet owns, and what to put back
    (dotted path -> what stood there, None: nothing) once no set has roles."""

    owners: dict[str, list[str]]
    restore: dict[str, Emptied | None]

    def to_json(self) -> str | None:
        record: dict[str, object] = dict(sorted(self.owners.items()))
        if self.restore and self.owners:
            record[RESTORE] = {
                path: None if before is None else before.text
                for path, before in self.restore.items()
            }
        return json.dumps(record, separators=(",", ":")) if self.owners else None


def read_record(cluster: Item) -> RolesRecord:
    """The record in the Cluster's annotation; ValueError when it was edited into
    something else. The record is input like any other (edited by hand, or by a merge):
    its shape and values are checked, as what it says is acted on."""
    text = cluster.annotations.get(MANAGED_ROLES)
    if text is None:
        return RolesRecord({}, {})
    try:
        record = json.loads(text, object_pairs_hook=_without_repeated_keys)
    except _RepeatedKey as repeated:
        _refuse(cluster, str(repeated))
    except (ValueError, RecursionError):
        record = None
    restore = record.pop(RESTORE, {}) if isinstance(record, dict) else None
    if not _has_record_shape(record, restore):
        _refuse(
            cluster,
            f"must be a JSON object mapping DatabaseSet names to lists of role names, got "
            f"{quoted(text)}",
        )
    problem = _owners_problem(record) or _restore_problem(restore)
    if problem:
        _refuse(cluster, problem)
    return RolesRecord(record, {path: _emptied(before) for path, before in restore.items()})


def _emptied(written: str | None) -> Emptied | None:
    return None if written is None else Emptied.read(written)


def _has_record_shape(owners: object, restore: object) -> bool:
    """Set names to lists of role names, and @restore paths to texts (or null)."""
    return (
        isinstance(owners, dict)
        and all(
            isinstance(roles, list) and all(isinstance(role, str) for role in roles)
            for roles in owners.values()
        )
        and isinstance(restore, dict)
        and all(isinstance(before, str | None) for before in restore.values())
    )


# What a record may put back, and as what: the empty value a set's first role or the
# record itself replaced (see cluster_roles.py), a mapping or a list as the path holds.
# A Cluster's spec is a mapping, never null: `spec: {}` is all it can have been.
_RESTORABLE = {"spec.managed": dict, "spec.managed.roles": list, "metadata.annotations": dict}
_ROLES_PATH = ("spec", "spec.managed", "spec.managed.roles")  # at most one put back


class _RepeatedKey(ValueError):
    """A key written twice in the record: JSON keeps the last, and drops what the first
    said."""


def _without_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _RepeatedKey(f"must not have the key {quoted(key)} twice")
        seen.add(key)
    return dict(pairs)


def _refuse(cluster: Item, problem: str) -> NoReturn:
    raise ValueError(
        f"annotation {MANAGED_ROLES} of {cluster.describe()} {problem}; restore it from "
        "version control or remove it together with the roles it lists"
    )


def _owners_problem(owners: dict[str, list[str]]) -> str | None:
    """Sets by their names, each role owned by one set: a role under two sets (as a
    merge may leave it) would be dropped by one while the other still wants it."""
    owner_of: dict[str, str] = {}
    for name, roles in owners.items():
        if dns1123_subdomain_problem(name):
            return f"must name each DatabaseSet by its metadata.name, got {quoted(name)}"
        for role in roles:
            if role in owner_of:
                twice = {owner_of[role], name}
                return (
                    f"must list each role once, under one DatabaseSet, but role {quoted(role)} "
                    f"is under {' and '.join(quoted(owner) for owner in sorted(twice))}"
                    + (" twice" if len(twice) == 1 else "")
                )
            owner_of[role] = name
    return None


def _restore_problem(restore: dict[str, str | None]) -> str | None:
    """Only the empty values the function itself records may be put back, on the paths
    it records them for, and at most one on the way to the roles: anything else would
    write the record's text into the Cluster."""
    for path, before in restore.items():
        if not _restorable(path, before):
            return (
                f"must put back ({RESTORE}) only an empty spec.managed, spec.managed.roles or "
                "metadata.annotations as it was written (null, {} or []), or spec as {}, got "
                f"{quoted(path)}: {quoted(before)}"
            )
    on_roles_path = [path for path in restore if path in _ROLES_PATH]
    if len(on_roles_path) > 1:
        got = " and ".join(f"{quoted(path)}: {quoted(restore[path])}" for path in on_roles_path)
        return (
            f"must put back ({RESTORE}) one of spec.managed and spec.managed.roles, not both "
            f"(nor either and spec), got {got}"
        )
    return None


def _restorable(path: str, before: str | None) -> bool:
    if path == "spec":
        return before is not None and _is_empty_form(before, dict, null=False)
    kind = _RESTORABLE.get(path)
    return kind is not None and (before is None or _is_empty_form(before, kind))


def _is_empty_form(written: str, kind: type, null: bool = True) -> bool:
    """Whether written is an empty collection of kind (or a null), on one line."""
    emptied = Emptied.read(written)
    value = None if emptied is None else emptied.value
    return emptied is not None and ((null and value is None) or type(value) is kind)
