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
import posixpath
from typing import NamedTuple

from .kinds import GENERATED
from .krm import Item, quoted
from .krm.objects import INDEX, INTERNAL_INDEX, INTERNAL_PATH, PATH

OWNER = "dbset.krm.dev/database-set"
MANAGED_ROLES = "dbset.krm.dev/managed-roles"
RESTORE = "@restore"  # in the record: never a DatabaseSet's name (not a DNS name)

ObjectKey = tuple[str, str, str, str]

# What a generated Secret (a trust database's connection keys) holds, and nothing else.
GENERATED_SECRET_FIELDS = frozenset({"apiVersion", "kind", "metadata", "type", "stringData"})


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
    if not any(kind.of(obj) for kind in GENERATED):
        return f"a DatabaseSet never generates a {obj.kind or 'resource without a kind'}"
    if obj.kind == "Secret":
        fields = set(obj.read())
        if not fields <= GENERATED_SECRET_FIELDS:
            extra = ", ".join(sorted(str(field) for field in fields - GENERATED_SECRET_FIELDS))
            return f"a generated Secret has no {quoted(extra)}"
    return None


class RolesRecord(NamedTuple):
    """The Cluster's record: the roles each DatabaseSet owns, and what to put back
    (dotted path -> its text before, None: it was not there) once no set has roles."""

    owners: dict[str, list[str]]
    restore: dict[str, str | None]

    def to_json(self) -> str | None:
        record: dict[str, object] = dict(sorted(self.owners.items()))
        if self.restore and self.owners:
            record[RESTORE] = self.restore
        return json.dumps(record, separators=(",", ":")) if self.owners else None


def read_record(cluster: Item) -> RolesRecord:
    """The record in the Cluster's annotation; ValueError when it was edited into
    something else."""
    text = cluster.annotations.get(MANAGED_ROLES)
    if text is None:
        return RolesRecord({}, {})
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        record = None
    restore = record.pop(RESTORE, {}) if isinstance(record, dict) else None
    if not (
        isinstance(record, dict)
        and all(
            isinstance(roles, list) and all(isinstance(role, str) for role in roles)
            for roles in record.values()
        )
        and isinstance(restore, dict)
        and all(isinstance(before, str | None) for before in restore.values())
    ):
        raise ValueError(
            f"annotation {MANAGED_ROLES} of {cluster.describe()} must be a JSON object "
            f"mapping DatabaseSet names to lists of role names, got {quoted(text)}; restore "
            "it from version control or remove it together with the roles it lists"
        )
    return RolesRecord(record, restore)


def placement(key: ObjectKey, previous: Item | None, config_dir: str) -> dict[str, str]:
    """The annotations that give an object the file kpt writes it to: its earlier file,
    or the default one.

    The earlier object's kpt and kustomize annotations (ids included) are carried
    over, so kpt keeps the comments a user wrote into a generated file.
    """
    _, kind, namespace, name = key
    carried = previous.orchestrator_annotations if previous is not None else {}
    path = previous.path if previous is not None and previous.path else None
    index = previous.index if path else "0"
    if path is None:
        path = posixpath.join(config_dir, namespace, f"{kind.lower()}_{name}.yaml")
    return {**carried, PATH: path, INDEX: index, INTERNAL_PATH: path, INTERNAL_INDEX: index}
