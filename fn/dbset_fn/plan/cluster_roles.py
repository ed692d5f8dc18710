"""The roles a DatabaseSet manages in a CloudNativePG Cluster's spec.managed.roles.

The Cluster is the user's file, so it is edited, never written anew: only the list
spec.managed.roles (the set's roles replaced in place, new ones appended, removed
ones dropped; every other role keeps its text) and the annotation recording which
roles each DatabaseSet owns change. Anchors, aliases, merge keys, tags, comments,
quoting and blank lines elsewhere stay byte for byte (see krm/edits.py). Where the
roles cannot be edited in place (the list is an alias, say), that is an error.

When the last role goes, the Cluster gets back what it had before the first: no
`managed:` or no `roles:` if there was none, `roles: []` if that was written there.

Where the text goes is chosen for kpt, which writes an edited item back from its own
parse and puts each comment back on the key it hung on: a new `managed:` (or `roles:`)
goes first in its mapping and a new role below the comment lines that end the list,
so no comment changes the key it hangs on (on every Cluster of tests/corpus, measured
by benchmarks/comment_moves.py). The record goes last in the annotations: placing it
first there moved no fewer comments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..config.model import DatabaseEntry
from ..kinds.base import Claim
from ..kinds.database_role import ROLE_CLAIM, managed_roles_for
from ..krm import CannotEdit, Created, Emptied, Item, KubeObject, Result, error, info, quoted
from .adoption import describe_changes
from .collisions import RoleClaim
from .generated import ForEntry
from .ownership import MANAGED_ROLES, RolesRecord, read_record
from .render import Render
from .targets import Entries, Target

ROLES = ("spec", "managed", "roles")
RECORD = ("metadata", "annotations", MANAGED_ROLES)


def edit_roles(render: Render, target: Target) -> tuple[Item, list[Result]]:
    """The target's Cluster with the roles of the set's entries on it in
    spec.managed.roles (none when roles are DatabaseRole objects), the set's other roles
    there pruned, and the record updated; on a problem, the Cluster as it was and the
    errors. With spec.adopt, a role of an entry's name that no DatabaseSet owns becomes
    the set's, replaced in place (or, for DatabaseRole objects, taken out), with an info
    result."""
    cluster, entries, _ = target
    set_name, as_managed_roles = render.set_name, render.spec.roleOutput == "managedRoles"
    obj = cluster.parse()
    problems = list(_shape_problems(cluster, obj)) or list(_role_name_problems(cluster, obj))
    if problems:
        return cluster, problems
    try:
        record = read_record(cluster)
    except ValueError as problem:
        return cluster, [error(str(problem), cluster, field_path="metadata.annotations")]
    wanted = (
        {role["name"]: role for _, entry in entries for role in managed_roles_for(entry)}
        if as_managed_roles
        else {}
    )
    mine = set(record.owners.get(set_name, []))
    existing = obj.get(*ROLES) or []
    adopted = _unowned_roles(entries, existing, record) if render.spec.adopt else {}
    mine |= set(adopted)
    problems = list(_claimed_roles(cluster, entries, set_name, record, existing, mine))
    if problems:
        return cluster, problems
    try:  # the record first, while the Cluster is small on a first run
        write_roles, restore = _roles_change(obj, existing, wanted, mine, record)
        _write_record(obj, set_name, list(wanted), record, restore)
        write_roles()
    except CannotEdit as problem:
        message = (
            f"{cluster.describe()} must let dbset-fn edit spec.managed.roles in place, but "
            f"{problem}"
        )
        return cluster, [error(message, cluster, field_path="spec.managed.roles")]
    extended = obj.to_item()
    return extended, [
        _adopted_role(extended, name, owner, old, wanted.get(name))
        for name, (owner, old) in adopted.items()
    ]


def _unowned_roles(
    entries: Entries, existing: list[Any], record: RolesRecord
) -> dict[str, tuple[ForEntry, dict[str, Any]]]:
    """Roles of the entries' names that no DatabaseSet owns: name -> (entry, role)."""
    owned = {role for roles in record.owners.values() for role in roles}
    present = {role["name"]: role for role in existing if isinstance(role, dict) and "name" in role}
    return {
        role: (ForEntry(position, entry), present[role])
        for position, entry in entries
        for role in entry.role_names
        if role in present and role not in owned
    }


def _adopted_role(
    cluster: Item, name: str, owner: ForEntry, old: dict[str, Any], new: dict[str, Any] | None
) -> Result:
    what = f"role {quoted(name)} in spec.managed.roles of {cluster.describe()}"
    done = describe_changes(old, new) if new else "it leaves the Cluster for a DatabaseRole"
    return info(
        f"adopted {what} for {owner.describe()}: {done}",
        cluster,
        field_path="spec.managed.roles",
        current_value=name,
    )


def _shape_problems(cluster: Item, obj: KubeObject) -> Iterator[Result]:
    """spec, spec.managed and its roles must be what CloudNativePG reads: a value of
    another type is the user's to fix, never the function's to replace."""
    expected = {"spec": dict, "spec.managed": dict, "spec.managed.roles": list}
    value: Any = obj.get()
    for path, kind in expected.items():
        value = value.get(path.rpartition(".")[2]) if isinstance(value, dict) else None
        if value is None and path != "spec":
            return
        if not isinstance(value, kind):
            shape = "a mapping" if kind is dict else "a list"
            yield error(
                f"{path} of {cluster.describe()} must be {shape}, got {quoted(value)}; "
                "fix the Cluster's file",
                cluster,
                field_path=path,
            )
            return


def _role_name_problems(cluster: Item, obj: KubeObject) -> Iterator[Result]:
    """Each role's name must be a string, as CloudNativePG reads it: roles are matched
    by name, and a list or a mapping there matches nothing the function can compare."""
    for position, role in enumerate(obj.get(*ROLES) or []):
        name = role.get("name", "") if isinstance(role, dict) else ""
        if not isinstance(name, str):
            field = f"spec.managed.roles[{position}].name"
            yield error(
                f"{field} of {cluster.describe()} must be a string (the role's name), got "
                f"{quoted(name)}; fix the Cluster's file",
                cluster,
                field_path=field,
            )


def _claimed_roles(
    cluster: Item,
    entries: Entries,
    set_name: str,
    record: RolesRecord,
    existing: list[Any],
    mine: set[str],
) -> Iterator[Result]:
    """Roles the set wants that someone else has: another DatabaseSet or a person."""
    owner_of_role = {role: owner for owner, roles in record.owners.items() for role in roles}
    present = {role.get("name") for role in existing if isinstance(role, dict)}
    for position, entry, role in _entry_roles(entries):
        if role in mine:
            continue
        owner = owner_of_role.get(role)
        if owner is not None and owner != set_name:
            held_by = f"is managed by DatabaseSet {quoted(owner)}"
        elif role in present:
            held_by = "is written by hand"
        else:
            continue
        yield error(
            f"spec.databases[{position}].name {quoted(entry.name)} must not claim a role that "
            f"is already in {cluster.describe()}: role {quoted(role)} in "
            f"spec.managed.roles {held_by}; remove that role from the Cluster or choose "
            f"another name{_or_adopt(held_by)}",
            cluster,
            field_path="spec.managed.roles",
            current_value=role,
        )


def _entry_roles(entries: Entries) -> Iterator[tuple[int, DatabaseEntry, str]]:
    """Each role of each entry (with rotation, an entry has three)."""
    return ((position, entry, role) for position, entry in entries for role in entry.role_names)


def _or_adopt(held_by: str) -> str:
    return " (or set spec.adopt: true to take it over)" if held_by == "is written by hand" else ""


def _roles_change(
    obj: KubeObject,
    existing: list[Any],
    wanted: dict[str, dict[str, Any]],
    mine: set[str],
    record: RolesRecord,
) -> tuple[Callable[[], None], dict[str, Emptied | None]]:
    """The edit of spec.managed.roles to make, and the record's restore entries as they
    are to be once it is made."""
    restore = dict(record.restore)
    names = [role.get("name") if isinstance(role, dict) else None for role in existing]
    removed = mine - set(wanted)
    kept = [name for name in names if name not in removed]
    if not wanted and len(kept) == len(names):
        return lambda: None, restore
    if existing and (kept or wanted):
        return lambda: obj.update_list(
            *ROLES, key="name", upserts=wanted, removals=removed
        ), restore
    if wanted:
        _remember(restore, obj.created_by_set(*ROLES))
        return lambda: obj.set(*ROLES, value=list(wanted.values()), first=True), restore
    made_here = {path: before for path, before in restore.items() if _on_roles_path(path)}
    kept_entries = {path: before for path, before in restore.items() if path not in made_here}
    return lambda: _put_back(obj, made_here), kept_entries


def _on_roles_path(dotted: str) -> bool:
    path = tuple(dotted.split("."))
    return ROLES[: len(path)] == path


def _put_back(obj: KubeObject, made_here: dict[str, Emptied | None]) -> None:
    """The roles list is to be empty: give back what the Cluster had before the set's
    first role, as the record says. Where what the set made holds more now (or a record
    from before it said so): the roles go, and managed if nothing else is in it."""
    if made_here:
        ((dotted, before),) = made_here.items()
        path = tuple(dotted.split("."))
        if not _holds_more(obj, path):
            obj.restore(path, before)
            return
    obj.delete(*ROLES)
    if not obj.get(*ROLES[:2]):
        obj.delete(*ROLES[:2])


def _holds_more(obj: KubeObject, path: tuple[str, ...]) -> bool:
    """Whether the mapping at path (spec or spec.managed) holds more than the way to the
    roles: someone wrote into what the set made."""
    return any(set(obj.get(*ROLES[:depth]) or {}) - {ROLES[depth]} for depth in range(len(path), 3))


def _write_record(
    obj: KubeObject,
    set_name: str,
    owned: list[str],
    record: RolesRecord,
    restore: dict[str, Emptied | None],
) -> None:
    """Write the record back, and only if it changed, so re-runs keep the text as is.
    Without owners it goes, and the annotations as they were before it came (a
    Cluster without a record keeps its annotations as they are)."""
    owners = dict(record.owners)
    if owned:
        owners[set_name] = owned
    else:
        owners.pop(set_name, None)
    if not owners:
        if obj.get(*RECORD) is not None:
            obj.delete(*RECORD)
            if not obj.get(*RECORD[:2]):
                obj.restore(RECORD[:2], restore.get(".".join(RECORD[:2])))
        return
    text = RolesRecord(owners, restore).to_json()
    if text == obj.get(*RECORD):
        return
    created = obj.set(*RECORD, value=text)
    if created is not None and created.path != RECORD and _remember(restore, created):
        obj.set(*RECORD, value=RolesRecord(owners, restore).to_json())


def _remember(restore: dict[str, Emptied | None], created: Created | None) -> bool:
    """Note what an edit replaced, if it was written out (`[]`, `{}`, `null`): what was
    not there at all goes without a note."""
    if created is None or created.before is None:
        return False
    restore[".".join(created.path)] = created.before
    return True


def managed_role_claims(render: Render) -> Iterator[RoleClaim]:
    """The roles the set manages in its Clusters' spec.managed.roles: a DatabaseRole
    object managing one of them would fight the Cluster over it."""
    if render.spec.roleOutput != "managedRoles":
        return
    for cluster, entries, _ in render.targets:
        for position, entry, role in _entry_roles(entries):
            namespace = cluster.namespace or render.applied
            claim = Claim(ROLE_CLAIM, namespace, cluster.name, role)
            yield RoleClaim(ForEntry(position, entry), claim, cluster)
