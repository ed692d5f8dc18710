"""Password rotation: where each rotating entry stands, and whether this render's step
may follow the last one.

A rotation is three renders, each committed: prepare (the standby login role gets the
new generation's password), switch (the app's Secret names it), retire (the previous
login role stops logging in, its ExternalSecret is pruned). Each generated object of a
rotating entry records the entry's stage in the annotation dbset.krm.dev/rotation, so
the next render reads where the package stands from what it generated before, and
refuses a step that skips one. `dbset-fn status` reads the same annotation.

What happens between renders is the cluster's: CloudNativePG applying a password,
ESO syncing a Secret, an app reloading it. The render cannot see it, so its info
results say what to check (with kubectl) before the next step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from .. import kinds
from ..config.model import STAGES, DatabaseEntry, Rotation, entry_path
from ..kinds.base import ROTATION, ObjectKey, rotation_record_of
from ..kinds.connection import Endpoint
from ..krm import FUNCTION_CONFIG, Item, Result, error, info, quoted, warning
from .generated import ForEntry, Owner
from .render import Render
from .targets import Target

# What every CloudNativePG Pooler runs PgBouncer with (cloudnative-pg,
# pkg/management/pgbouncer/config/config.go, defaultPgBouncerParameters).
POOLER_IGNORES = "extra_float_digits,options"
BOOTSTRAP_METHODS = ("initdb", "recovery", "pg_basebackup")
DEFAULT_OWNER = "app"  # cloudnative-pg api/v1/cluster_defaults.go, DefaultApplicationUserName


class Stand(NamedTuple):
    """Where a rotation stands: a generation and its stage."""

    generation: int
    stage: str

    def describe(self) -> str:
        return f"generation {self.generation}, stage {self.stage}"

    def next(self) -> Stand:
        if self.stage == "retire":
            return Stand(self.generation + 1, "prepare")
        return Stand(self.generation, STAGES[STAGES.index(self.stage) + 1])  # type: ignore[arg-type]

    def back(self) -> Stand | None:
        """The step undone by going back: none once retired (the old password is gone)."""
        if self.stage == "prepare":
            return Stand(self.generation - 1, "retire")
        return Stand(self.generation, "prepare") if self.stage == "switch" else None


def stand_of(rotation: Rotation) -> Stand:
    return Stand(rotation.generation, rotation.stage)


def rotation_record(owner: Owner) -> dict[str, str]:
    """The annotation a rotating entry's objects carry: the entry, where it stands, and
    the role its app logs in as."""
    if not isinstance(owner, ForEntry) or owner.entry.rotation is None:
        return {}
    entry, rotation = owner.entry, owner.entry.rotation
    if not entry.present:
        return {}
    record = {
        "entry": entry.name,
        "generation": rotation.generation,
        "stage": rotation.stage,
        "appRole": entry.app_role,
    }
    return {ROTATION: json.dumps(record, separators=(",", ":"))}


def recorded_stands(objects: Iterable[Item]) -> dict[str, Stand]:
    """Where each entry stood in the render the objects come from."""
    stands: dict[str, Stand] = {}
    for obj in objects:
        record = rotation_record_of(obj.annotations)
        if record is not None:
            stands[record.entry] = Stand(record.generation, record.stage)
    return stands


# Refusals that need the Cluster ---------------------------------------------------------------


def rotation_refusals(render: Render) -> Iterator[Result]:
    """Rotation behind a Pooler, or of the Cluster's bootstrap owner."""
    for target in render.targets:
        owner = bootstrap_owner(target.cluster)
        for position, entry in target.entries:
            if entry.rotation is None or not entry.present:
                continue
            yield from _behind_a_pooler(target, position, entry)
            if owner in (entry.name, *entry.role_names):
                yield error(
                    f"{entry_path(position, entry)}.rotation must not rotate role "
                    f"{quoted(owner)}, the bootstrap owner of {target.cluster.describe()}, "
                    "as CloudNativePG sets that role's password from the Cluster's app Secret "
                    "every time the primary starts; remove rotation, or give the entry "
                    "another name",
                    FUNCTION_CONFIG,
                    field_path=f"spec.databases[{position}].rotation",
                    current_value=owner,
                )


def _behind_a_pooler(target: Target, position: int, entry: DatabaseEntry) -> Iterator[Result]:
    pooler = target.endpoint.pooler
    if pooler is None:
        return
    yield error(
        f"{entry_path(position, entry)}.rotation must not be set while its app is given "
        f"Pooler {quoted(pooler.name)}: CloudNativePG runs PgBouncer with "
        f"ignore_startup_parameters = {POOLER_IGNORES}, so PgBouncer drops the role option "
        f"-c role={entry.owner_role} and what the app creates through it belongs to the "
        "login role, which the next generation cannot alter; set spec.connection.usePooler: "
        "false, so apps connect to the Cluster's read-write Service",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}].rotation",
        current_value=pooler.name,
    )


def bootstrap_owner(cluster: Item) -> str:
    """The role CloudNativePG creates at bootstrap and keeps the password of: the owner
    of the bootstrap method's database, else that database's name, else app
    (api/v1/cluster_defaults.go: defaultInitDB, defaultRecovery, defaultPgBaseBackup)."""
    bootstrap = cluster.get("spec", "bootstrap")
    bootstrap = bootstrap if isinstance(bootstrap, dict) else {}
    for method in BOOTSTRAP_METHODS:
        settings = bootstrap.get(method)
        if isinstance(settings, dict):
            owner = settings.get("owner") or settings.get("database")
            return owner if isinstance(owner, str) and owner else DEFAULT_OWNER
    return DEFAULT_OWNER


# Steps ----------------------------------------------------------------------------------------


def skipped_steps(render: Render, previous: dict[ObjectKey, Item]) -> Iterator[Result]:
    """A step may repeat, follow the last one, or undo it (not a retire: the old
    password is gone); anything else skips a step."""
    stood = recorded_stands(previous.values())
    for position, entry in enumerate(render.spec.databases):
        if entry.rotation is None or not entry.present:
            continue
        now, before = stand_of(entry.rotation), stood.get(entry.name)
        if before is None:
            if entry.rotation.stage != "retire" and _had(entry, previous.values()):
                yield _step_error(
                    position, entry, now, "rotation is off", Stand(now.generation, "retire")
                )
            continue
        if now in (before, before.next(), before.back()):
            continue
        yield _step_error(
            position, entry, now, f"the package stands at {before.describe()}", before.next()
        )


def _step_error(position: int, entry: DatabaseEntry, now: Stand, where: str, next: Stand) -> Result:
    stage = "" if next.stage == "retire" else f", stage: {next.stage}"
    return error(
        f"{entry_path(position, entry)}.rotation must go one step at a time, but {where} and "
        f"it asks for {now.describe()}; the next step is generation: {next.generation}{stage}",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}].rotation",
        current_value=f"{now.generation}/{now.stage}",
    )


def _had(entry: DatabaseEntry, objects: Iterable[Item]) -> bool:
    """Whether an earlier render made objects for the entry (its database, role or
    Secret claimed by one of them)."""
    names = {entry.name, entry.secret_name}
    return any(claim.name in names for obj in objects for claim in kinds.claims_of(obj))


def rotation_notes(render: Render, previous: dict[ObjectKey, Item]) -> Iterator[Result]:
    """Warnings for what a step takes away (a login, a password, an ExternalSecret, the
    ownership of objects), and what to check before the next step."""
    stood = recorded_stands(previous.values())
    endpoints = {at: target.endpoint for target in render.targets for at, _ in target.entries}
    first = not previous
    for position, entry in enumerate(render.spec.databases):
        before = stood.get(entry.name)
        if not entry.present:
            continue
        if entry.rotation is None:
            if before is not None:
                yield _turned_off(position, entry)
            continue
        if before is None and _had(entry, previous.values()):
            yield _turned_on(position, entry, endpoints[position])
        unchecked = before is None and first and stand_of(entry.rotation) != Stand(1, "retire")
        yield _next_check(position, entry, endpoints[position], unchecked)


def _turned_on(position: int, entry: DatabaseEntry, endpoint: Endpoint) -> Result:
    owner, login = quoted(entry.owner_role), quoted(entry.app_role)
    namespace, secret = endpoint.namespace, entry.secret_name
    return warning(
        f"{entry_path(position, entry)}.rotation is turned on, so database {quoted(entry.name)} "
        f"is owned by role {owner}, the app's Secret logs in as {login} with a new password, "
        f"and role {quoted(entry.name)} is no longer managed (PostgreSQL keeps it, and its "
        f"logins work until you drop it); what it owns in the database stays its: run "
        f'REASSIGN OWNED BY "{entry.name}" TO "{entry.owner_role}" in database '
        f"{quoted(entry.name)} as a superuser (kubectl cnpg psql -n {namespace} "
        f"{endpoint.cluster} -- -d {entry.name}) before the app writes again; Secret "
        f"{quoted(f'{namespace}/{secret}')} with the old password stays (creationPolicy "
        f"Orphan, immutable): delete it (kubectl -n {namespace} delete secret {secret}) "
        "once no app reads it, and before applying if the app is in that namespace; to "
        "undo, remove rotation before applying",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}].rotation",
    )


def _turned_off(position: int, entry: DatabaseEntry) -> Result:
    rotated = entry.model_copy(update={"rotation": Rotation(generation=1)})
    roles = ", ".join(quoted(role) for role in rotated.role_names)
    return warning(
        f"{entry_path(position, entry)}.rotation is turned off, so database "
        f"{quoted(entry.name)} is owned by role {quoted(entry.name)} again, which logs in with "
        f"a new password, and roles {roles} are no longer managed (PostgreSQL keeps them, and "
        f"their logins work until you drop them); run REASSIGN OWNED BY "
        f'"{rotated.owner_role}" TO "{entry.name}" in database {quoted(entry.name)} as a '
        "superuser; to undo, set rotation back as it was before applying",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}].rotation",
    )


def _next_check(position: int, entry: DatabaseEntry, endpoint: Endpoint, unchecked: bool) -> Result:
    """What to see in the cluster before the next step; `dbset-fn status` reports it."""
    assert entry.rotation is not None
    rotation, namespace = entry.rotation, endpoint.namespace
    generation, stage = rotation.generation, rotation.stage
    where = (
        f"{entry_path(position, entry)}.rotation stands at generation {generation}, stage {stage}"
    )
    if stage == "prepare":
        role, secret = entry.slot_role(generation), entry.generation_secret(generation)
        check = (
            f"role {quoted(role)} gets the new password; before stage: switch, check that "
            "CloudNativePG applied it (on the primary): kubectl -n "
            f"{namespace} get cluster {endpoint.cluster} -o jsonpath="
            f"'{{.status.managedRolesStatus.passwordStatus.{role}.resourceVersion}}' must "
            f"print what kubectl -n {namespace} get secret {secret} -o "
            "jsonpath='{.metadata.resourceVersion}' prints"
        )
    elif stage == "switch":
        app = (entry.app_namespaces or (namespace,))[0]
        check = (
            f"the app's Secret names role {quoted(entry.app_role)}; before stage: retire, "
            f"check that ESO synced it (kubectl -n {app} get secret {entry.secret_name} -o "
            f"jsonpath='{{.data.username}}' | base64 -d prints {entry.app_role}) and that "
            "every app pod has restarted or reloaded it"
        )
    else:
        check = (
            f"the app logs in as {quoted(entry.app_role)}; to rotate, set generation: "
            f"{generation + 1}, stage: prepare"
        )
    if unchecked:
        check += (
            "; the input holds no earlier render, so the order of steps was not checked "
            "(kustomize never passes the function its earlier output)"
        )
    return info(
        f"{where}: {check}", FUNCTION_CONFIG, field_path=f"spec.databases[{position}].rotation"
    )
