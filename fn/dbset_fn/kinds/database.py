"""The CloudNativePG Database an entry creates, owned by the entry's role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.model import DatabaseEntry, Spec
from ..krm import FUNCTION_CONFIG, Item, Result, quoted, warning
from .base import DATABASE as DATABASE_COLUMN
from .base import (
    FAILED,
    OK,
    PENDING,
    Claim,
    ClaimType,
    GeneratedKind,
    Kind,
    Live,
    Pruning,
    Rendered,
    Verdict,
    field,
    generation_behind,
    lost,
    metadata,
)
from .connection import Endpoint

DATABASE = Kind("postgresql.cnpg.io", "v1", "Database")
DATABASE_CLAIM = ClaimType(
    "database", "manages", "CloudNativePG lets only one Database object manage a database"
)
# The CRD's CEL rules `self == oldSelf` (CloudNativePG 1.30).
_IMMUTABLE = "name cluster template encoding locale localeCollate localeCType localeProvider"
_IMMUTABLE += " collationVersion builtinLocale icuLocale icuRules"


class Database(GeneratedKind):
    kind = DATABASE
    immutable = tuple(f"spec.{name}" for name in _IMMUTABLE.split())
    names_a_cluster = True
    claim_types = (DATABASE_CLAIM,)

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        """A role-only entry has none. The entry's options over the set's defaults, in
        the CRD's order whatever order the user chose. It claims the database:
        CloudNativePG lets one Database manage it."""
        if entry.roleOnly:
            return []
        namespace, cluster = endpoint.written_namespace, endpoint.cluster
        document = {
            **metadata(DATABASE, entry.kubernetes_name, namespace),
            "spec": {
                "name": entry.name,
                "owner": entry.owner_role,
                "cluster": {"name": cluster},
                "ensure": entry.ensure,
                **entry.database.over(spec.databaseDefaults),
            },
        }
        return [Rendered(document, (Claim(DATABASE_CLAIM, namespace, cluster, entry.name),))]

    def claims(self, values: dict[str, Any], namespace: str) -> list[Claim]:
        return on_a_cluster(DATABASE_CLAIM, values, namespace)

    def answers(
        self, document: dict[str, Any], entry: DatabaseEntry, endpoint: Endpoint
    ) -> tuple[str, ...]:
        return (DATABASE_COLUMN,)

    def verdict(self, values: dict[str, Any], live: Live) -> Verdict:
        """DatabaseStatus (CloudNativePG v1.30.0 api/v1/database_types.go:327-371):
        `applied` is a pointer, unset until the instance manager has tried; each schema,
        extension, FDW and server has its own `applied` and `message`."""
        status = field(values, "status")
        applied, message = status.get("applied"), str(status.get("message") or "")
        if applied is False:
            return Verdict(FAILED, message or "applied: false")
        if applied is None:
            return Verdict(PENDING, message or "CloudNativePG has not reconciled it yet")
        failed = list(_failed_objects(status))
        if failed:
            return Verdict(FAILED, "; ".join(failed))
        return generation_behind(values, status.get("observedGeneration")) or Verdict(OK)

    def pruned(self, obj: Item, values: Any, pruning: Pruning) -> Iterator[Result]:
        """A removed entry's database stays in PostgreSQL unless its reclaim policy drops
        it; a role-only entry's too."""
        database = field(values, "spec")
        name = database.get("name")
        if not isinstance(name, str) or database.get("ensure") == "absent":
            return  # dropped already, as its entry asked
        listed = pruning.entries.get(name)
        if database.get("databaseReclaimPolicy") == "delete":
            yield lost(
                f"{obj.describe()} is pruned and its databaseReclaimPolicy is delete, so "
                f"CloudNativePG drops database {quoted(name)} with all its data",
                listed,
                "set roleOnly: false",
                name,
            )
        elif listed is not None:
            yield lost(
                f"{obj.describe()} is pruned, so CloudNativePG no longer manages database "
                f"{quoted(name)}, which PostgreSQL keeps",
                listed,
                "set roleOnly: false",
                name,
            )
        else:
            yield warning(
                f"spec.databases no longer lists {quoted(name)}, so its objects are pruned, but "
                f"PostgreSQL still holds role {quoted(name)} and database {quoted(name)}; to drop "
                "them, add the entry back with ensure: absent and render, then remove it once "
                "CloudNativePG has dropped them",
                FUNCTION_CONFIG,
                field_path="spec.databases",
                current_value=name,
            )


def _failed_objects(status: dict[str, Any]) -> Iterator[str]:
    """`extension "postgis": message` for each object CloudNativePG could not apply."""
    for plural, singular in _OBJECTS:
        objects = status.get(plural)
        for managed in objects if isinstance(objects, list) else []:
            if isinstance(managed, dict) and managed.get("applied") is False:
                text = managed.get("message") or "applied: false"
                yield f"{singular} {quoted(str(managed.get('name')))}: {text}"


_OBJECTS = (
    ("schemas", "schema"),
    ("extensions", "extension"),
    ("fdws", "FDW"),
    ("servers", "server"),
)


def on_a_cluster(claim_type: ClaimType, values: dict[str, Any], namespace: str) -> list[Claim]:
    """What an object naming spec.name on spec.cluster.name claims; nothing where either
    is no string."""
    spec = field(values, "spec")
    cluster = field(spec, "cluster").get("name")
    name = spec.get("name")
    if isinstance(cluster, str) and isinstance(name, str):
        return [Claim(claim_type, namespace, cluster, name)]
    return []
