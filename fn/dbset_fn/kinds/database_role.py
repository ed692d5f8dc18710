"""An entry's role: a CloudNativePG DatabaseRole (roleOutput: databaseRole), or the same
role as an element of the Cluster's `spec.managed.roles` (plan/cluster_roles.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.model import DatabaseEntry, Spec
from ..config.names import kubernetes_name
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
        cluster, namespace = endpoint.cluster, endpoint.written_namespace
        return [
            database_role_for(role, entry, spec, cluster, namespace) for role in roles_of(entry)
        ]

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


def managed_roles_for(entry: DatabaseEntry) -> list[dict[str, Any]]:
    """The entry's roles as elements of spec.managed.roles. An entry being dropped keeps
    only the names, for CloudNativePG to drop the roles."""
    if not entry.present:
        return [{"name": name, "ensure": "absent"} for name in entry.role_names]
    return roles_of(entry)


def roles_of(entry: DatabaseEntry) -> list[dict[str, Any]]:
    """Each role of the entry: its name, ensure, and RoleConfiguration fields."""
    if entry.rotation is None:
        return [{"name": entry.name, "ensure": "present", **_role_settings(entry)}]
    return [_owner_role(entry), *(_slot_role(entry, slot) for slot in (1, 2))]


def database_role_for(
    role: dict[str, Any], entry: DatabaseEntry, spec: Spec, cluster_name: str, namespace: str
) -> Rendered:
    """A role as a CNPG DatabaseRole. It cannot say `ensure: absent`: an entry being
    dropped keeps its DatabaseRoles with the reclaim policy `delete`, so that removing the
    entry later (after CloudNativePG dropped its database) drops the roles too."""
    policy = spec.databaseRoleReclaimPolicy if entry.present else "delete"
    settings = {key: value for key, value in role.items() if key not in ("name", "ensure")}
    document = {
        **metadata(DATABASE_ROLE, kubernetes_name(role["name"]), namespace),
        "spec": {
            "name": role["name"],
            "cluster": {"name": cluster_name},
            "databaseRoleReclaimPolicy": policy,
            **settings,
        },
    }
    return Rendered(document, (Claim(ROLE_CLAIM, namespace, cluster_name, role["name"]),))


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


def _owner_role(entry: DatabaseEntry) -> dict[str, Any]:
    """The owner of the database and its objects: it never logs in, so no password
    and no rotation ever touches it."""
    role: dict[str, Any] = {"name": entry.owner_role, "ensure": "present", "login": False}
    if entry.comment is not None:
        role["comment"] = entry.comment
    return role


def _slot_role(entry: DatabaseEntry, slot: int) -> dict[str, Any]:
    """A login role (slot 1: _a, 2: _b), a member of the owner role. It logs in with the
    password of the generation it holds while that generation is live; otherwise it
    cannot log in and has no password (CloudNativePG sets PASSWORD NULL for
    disablePassword), so a retired password is gone, not merely unused."""
    assert entry.rotation is not None
    live = [generation for generation in entry.rotation.live if generation % 2 == slot % 2]
    settings = entry.roleConfig.model_dump(by_alias=True, exclude_none=True, exclude={"ensure"})
    settings["inRoles"] = [entry.owner_role, *settings.get("inRoles", [])]
    role: dict[str, Any] = {"name": entry.slot_role(slot), "ensure": "present"}
    role["login"] = bool(live)
    if entry.comment is not None:
        role["comment"] = entry.comment
    role |= settings
    if live and entry.present:
        role["passwordSecret"] = {"name": entry.generation_secret(live[0])}
    elif not live:
        role["disablePassword"] = True
    return role
