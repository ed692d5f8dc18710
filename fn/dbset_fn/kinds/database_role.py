"""An entry's role: a CloudNativePG DatabaseRole (roleOutput: databaseRole), or the same
role as an element of the Cluster's `spec.managed.roles` (plan/cluster_roles.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.model import DatabaseEntry, Spec
from ..krm import Item, Result, quoted
from .base import Claim, ClaimType, GeneratedKind, Kind, Pruning, Rendered, field, lost, metadata
from .connection import Endpoint
from .database import on_a_cluster

DATABASE_ROLE = Kind("postgresql.cnpg.io", "v1", "DatabaseRole")
ROLE_CLAIM = ClaimType("role", "manages", "CloudNativePG lets only one object manage a role")


class DatabaseRole(GeneratedKind):
    kind = DATABASE_ROLE
    immutable = ("spec.name", "spec.cluster")
    names_a_cluster = True
    claim_types = (ROLE_CLAIM,)

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        if spec.roleOutput != "databaseRole":
            return []
        return [database_role_for(entry, spec, endpoint.cluster, endpoint.written_namespace)]

    def claims(self, values: dict[str, Any], namespace: str) -> list[Claim]:
        return on_a_cluster(ROLE_CLAIM, values, namespace)

    def pruned(self, obj: Item, values: Any, pruning: Pruning) -> Iterator[Result]:
        role = field(values, "spec")
        name = role.get("name")
        if not isinstance(name, str) or role.get("databaseRoleReclaimPolicy") != "delete":
            return
        yield lost(
            f"{obj.describe()} is pruned and its databaseRoleReclaimPolicy is delete, so "
            f"CloudNativePG drops role {quoted(name)}",
            pruning.entries.get(name),
            "set roleOutput: databaseRole back, then render and apply it with "
            "spec.databaseRoleReclaimPolicy: retain before switching",
            name,
        )


def managed_role_for(entry: DatabaseEntry) -> dict[str, Any]:
    """An entry being dropped keeps only its name, for CloudNativePG to drop the role."""
    if not entry.present:
        return {"name": entry.name, "ensure": "absent"}
    return {"name": entry.name, "ensure": "present", **_role_settings(entry)}


def database_role_for(
    entry: DatabaseEntry, spec: Spec, cluster_name: str, namespace: str
) -> Rendered:
    """The same role as a CNPG DatabaseRole. It cannot say `ensure: absent`: an entry being
    dropped keeps its DatabaseRole with the reclaim policy `delete`, so that removing the
    entry later (after CloudNativePG dropped its database) drops the role too."""
    policy = spec.databaseRoleReclaimPolicy if entry.present else "delete"
    document = {
        **metadata(DATABASE_ROLE, entry.kubernetes_name, namespace),
        "spec": {
            "name": entry.name,
            "cluster": {"name": cluster_name},
            "databaseRoleReclaimPolicy": policy,
            **_role_settings(entry),
        },
    }
    return Rendered(document, (Claim(ROLE_CLAIM, namespace, cluster_name, entry.name),))


def _role_settings(entry: DatabaseEntry) -> dict[str, Any]:
    """The seed's role (login, comment, password Secret) plus the entry's roleConfig.

    Keys come in RoleConfiguration's order, whatever order the user wrote them in,
    so a re-ordered roleConfig does not change the output.
    """
    role: dict[str, Any] = {"login": True}
    if entry.comment is not None:
        role["comment"] = entry.comment
    role.update(entry.roleConfig.model_dump(by_alias=True, exclude_none=True, exclude={"ensure"}))
    if entry.has_password and entry.present:
        role["passwordSecret"] = {"name": entry.secret_name}
    return role
