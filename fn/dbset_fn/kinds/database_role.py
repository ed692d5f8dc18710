"""An entry's role: a CloudNativePG DatabaseRole (roleOutput: databaseRole), or the same
role as an element of the Cluster's `spec.managed.roles` (plan/cluster_roles.py).

What CloudNativePG did with either is read here too, from CloudNativePG v1.30.0:
a DatabaseRole's own status (api/v1/databaserole_types.go:111-137), or the Cluster's
`status.managedRolesStatus` (api/v1/cluster_types.go:814-854): `byStatus` lists each
role as reconciled, not-managed, pending-reconciliation or reserved; `cannotReconcile`
holds why a role failed; `passwordStatus[role].resourceVersion` is the password
Secret's version last applied. The instance manager rewrites `byStatus` only while
`spec.managed.roles` is non-empty (internal/management/controller/roles/reconciler.go:41)
and never lists roles named `pg_*` (roles/postgres.go:37-56)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.model import DatabaseEntry, Spec
from ..config.names import kubernetes_name
from ..krm import Item, Result, quoted
from .base import (
    CLUSTER,
    FAILED,
    MISSING,
    OK,
    PENDING,
    ROLE,
    STALE,
    UNKNOWN,
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
from .database import on_a_cluster
from .secret import secret_version

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

    def answers(
        self, document: dict[str, Any], entry: DatabaseEntry, endpoint: Endpoint
    ) -> tuple[str, ...]:
        return (ROLE,)

    def verdict(self, values: dict[str, Any], live: Live) -> Verdict:
        """`applied` unset is not a failure: CloudNativePG leaves it unset until it tried,
        and on a replica cluster (docs/src/declarative_role_management.md, "Status of
        DatabaseRole resources")."""
        status = field(values, "status")
        applied, message = status.get("applied"), str(status.get("message") or "")
        if applied is False:
            return Verdict(FAILED, message or "applied: false")
        if applied is None:
            return Verdict(PENDING, message or "CloudNativePG has not reconciled it yet")
        behind = generation_behind(values, status.get("observedGeneration"))
        secret = field(values, "spec", "passwordSecret").get("name")
        namespace = str(field(values, "metadata").get("namespace") or "")
        if behind is not None or not isinstance(secret, str):
            return behind or Verdict(OK)
        return _password_applied(live, namespace, secret, status.get("secretResourceVersion"))

    def entry_verdicts(
        self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint, live: Live
    ) -> dict[str, Verdict]:
        """The role in the Cluster's spec.managed.roles, from its managedRolesStatus."""
        if spec.roleOutput != "managedRoles":
            return {}
        where = f"{endpoint.namespace}/{endpoint.cluster}"
        cluster = live.get(CLUSTER, endpoint.namespace, endpoint.cluster)
        if cluster is None:
            state = MISSING if live.covers(CLUSTER, endpoint.namespace) else UNKNOWN
            return {ROLE: Verdict(state, f"Cluster {quoted(where)} not found", f"Cluster {where}")}
        return {ROLE: _managed_role(cluster, entry, live)._replace(source=f"Cluster {where}")}

    def cluster_notes(
        self, cluster: dict[str, Any], entries: list[DatabaseEntry], live: Live
    ) -> list[str]:
        """Roles CloudNativePG found but nothing declares, and what its status cannot say."""
        notes = ["roles named pg_* are never listed in status.managedRolesStatus"]
        if not field(cluster, "spec", "managed").get("roles"):
            return [
                "spec.managed.roles is empty, so CloudNativePG does not refresh "
                "status.managedRolesStatus.byStatus: unknown roles cannot be told",
                *notes,
            ]
        listed = field(cluster, "status", "managedRolesStatus", "byStatus").get("not-managed")
        explained = {role for entry in entries for role in entry.role_names}
        explained |= _declared_elsewhere(cluster, live)
        unknown = [role for role in listed or [] if role not in explained]
        if unknown:
            notes.insert(
                0,
                "unknown roles (not-managed, and no entry, DatabaseRole or bootstrap owner "
                f"declares them): {', '.join(unknown)}",
            )
        return notes

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


def _managed_role(cluster: dict[str, Any], entry: DatabaseEntry, live: Live) -> Verdict:
    """The role's line in managedRolesStatus: cannotReconcile first, then byStatus."""
    name, secret = _newest_login(entry)
    declared = field(cluster, "spec", "managed").get("roles")
    names = [role.get("name") for role in declared or [] if isinstance(role, dict)]
    if name not in names:
        return Verdict(MISSING, f"role {quoted(name)} is not in the Cluster's spec.managed.roles")
    status = field(cluster, "status", "managedRolesStatus")
    errors = field(status, "cannotReconcile").get(name)
    if errors:
        return Verdict(FAILED, "; ".join(str(error) for error in errors))
    by_status = field(status, "byStatus")
    listed = next((state for state, roles in by_status.items() if name in (roles or [])), None)
    if listed != "reconciled":
        return Verdict(
            PENDING, f"byStatus lists it as {listed}" if listed else "not in byStatus yet"
        )
    if not (entry.has_password and entry.present):
        return Verdict(OK)
    applied = field(status, "passwordStatus", name).get("resourceVersion")
    return _password_applied(live, cluster_namespace(cluster), secret, applied)


def _newest_login(entry: DatabaseEntry) -> tuple[str, str]:
    """The login role whose password matters most, and its Secret: with rotation, the
    newest generation's (its password applied is what makes a switch safe)."""
    if entry.rotation is None:
        return entry.name, entry.secret_name
    generation = entry.rotation.generation
    return entry.slot_role(generation), entry.generation_secret(generation)


def _password_applied(live: Live, namespace: str, secret: str, applied: Any) -> Verdict:
    """STALE when the password Secret has changed since CloudNativePG last applied it."""
    where = quoted(f"{namespace}/{secret}")
    current = secret_version(live, namespace, secret)
    if current is None:
        return Verdict(OK, f"password not checked: Secret {where} not read")
    if applied is None or str(applied) != current:
        applied_text = f"resourceVersion {applied}" if applied is not None else "no resourceVersion"
        return Verdict(
            STALE, f"CloudNativePG applied {applied_text} of Secret {where}, which is at {current}"
        )
    return Verdict(OK)


def _declared_elsewhere(cluster: dict[str, Any], live: Live) -> set[str]:
    """Roles a live DatabaseRole or the Cluster's own spec declares: its managed roles
    and its bootstrap owner (which CloudNativePG defaults to the database, `app`:
    api/v1/cluster_defaults.go:46-48, 237-278)."""
    namespace, name = cluster_namespace(cluster), field(cluster, "metadata").get("name")
    declared = {
        str(role.get("name"))
        for role in field(cluster, "spec", "managed").get("roles") or []
        if isinstance(role, dict)
    }
    for role in live.of_kind(DATABASE_ROLE):
        spec = field(role, "spec")
        if (
            field(role, "metadata").get("namespace") == namespace
            and field(spec, "cluster").get("name") == name
        ):
            declared.add(str(spec.get("name")))
    bootstrap = field(cluster, "spec", "bootstrap")
    methods = [field(bootstrap, method) for method in ("initdb", "recovery", "pg_basebackup")]
    chosen = next((method for method in methods if method), {})
    declared.add(str(chosen.get("owner") or chosen.get("database") or "app"))
    return declared


def cluster_namespace(cluster: dict[str, Any]) -> str:
    return str(field(cluster, "metadata").get("namespace") or "")


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
