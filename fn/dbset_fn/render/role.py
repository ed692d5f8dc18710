"""The managed role an entry adds to the Cluster's `.spec.managed.roles`."""

from __future__ import annotations

from typing import Any

from ..kinds import DATABASE_ROLE, role_claim
from ..model import DatabaseEntry, Spec
from .rendered import Rendered, metadata


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
    return Rendered(document, (role_claim(namespace, cluster_name, entry.name),))


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
