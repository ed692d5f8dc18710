"""The managed role an entry adds to the Cluster's `.spec.managed.roles`."""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry
from .external_secret import credentials_secret_name


def managed_role_for(entry: DatabaseEntry) -> dict[str, Any]:
    """The seed's role (login, comment, password Secret) plus the entry's roleConfig.

    Keys come in RoleConfiguration's order, whatever order the user wrote them in,
    so a re-ordered roleConfig does not change the output.
    """
    role: dict[str, Any] = {"name": entry.name, "ensure": "present", "login": True}
    if entry.comment is not None:
        role["comment"] = entry.comment
    role.update(entry.roleConfig.model_dump(exclude_none=True))
    if entry.has_password:
        role["passwordSecret"] = {"name": credentials_secret_name(entry)}
    return role
