"""What applying a render takes away in the cluster: a warning for each, never an info.

The function only writes intent, but the operators act on it: CloudNativePG drops a
database or a role for a Database with `ensure: absent` or a pruned object whose
reclaim policy is `delete`; ESO deletes the Secret an ExternalSecret owns with it, and
a new generating ExternalSecret makes a new password. Each such consequence of a
render is named here with the way to keep what would be lost. kpt does not fail on
warnings, so a pipeline that must stop on them asks for it (see the README).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .collisions import Generated
from .kinds import DATABASE, DATABASE_ROLE, EXTERNAL_SECRET, SECRET, Kind
from .krm import FUNCTION_CONFIG, Item, Result, quoted, warning
from .model import DatabaseEntry, Spec
from .ownership import ObjectKey, key_of

_GO_BRACES = '{{"{{"}}'  # how render/connection.py writes `{{` into template text


def losses(
    generated: list[Generated], previous: dict[ObjectKey, Item], spec: Spec, applied: str
) -> Iterator[Result]:
    """Entries being dropped, objects pruned, and passwords replaced (previous holds the
    set's objects of the input by key_of(obj, applied))."""
    made = {key_of(new.obj, applied) for new in generated}
    pruned = [obj for key, obj in previous.items() if key not in made]
    yield from _dropped_entries(spec)
    entries = {entry.name: (position, entry) for position, entry in enumerate(spec.databases)}
    clusters = _clusters_namespaces([*previous.values(), *(new.obj for new in generated)])
    for obj in pruned:
        for kind, lost in _PRUNED:
            if kind.of(obj):
                yield from lost(obj, obj.read(), entries, clusters)
    yield from _new_passwords(previous.values(), [new.obj for new in generated], entries)


def _dropped_entries(spec: Spec) -> Iterator[Result]:
    for position, entry in enumerate(spec.databases):
        if entry.present:
            continue
        what = f"role {quoted(entry.name)}"
        if not entry.roleOnly:
            what += f" and database {quoted(entry.name)} with all its data"
        yield warning(
            f"spec.databases[{position}] ({quoted(entry.name)}) has ensure: absent, so "
            f"CloudNativePG drops {what} once the output is applied; to keep them, set "
            "ensure: present",
            FUNCTION_CONFIG,
            field_path=f"spec.databases[{position}].ensure",
            current_value="absent",
        )


Entries = dict[str, tuple[int, DatabaseEntry]]


def _clusters_namespaces(objects: Iterable[Item]) -> set[str]:
    """Where the set's Clusters are: a Secret elsewhere is an app's."""
    return {obj.namespace for obj in objects if DATABASE.of(obj) or DATABASE_ROLE.of(obj)}


def _pruned_database(
    obj: Item, values: Any, entries: Entries, clusters: set[str]
) -> Iterator[Result]:
    """A removed entry's database stays in PostgreSQL unless its reclaim policy drops it;
    a role-only entry's too."""
    database = _field(values, "spec")
    name = database.get("name")
    if not isinstance(name, str) or database.get("ensure") == "absent":
        return  # dropped already, as its entry asked
    listed = entries.get(name)
    if database.get("databaseReclaimPolicy") == "delete":
        yield _lost(
            f"{obj.describe()} is pruned and its databaseReclaimPolicy is delete, so "
            f"CloudNativePG drops database {quoted(name)} with all its data",
            listed,
            "set roleOnly: false",
            name,
        )
    elif listed is not None:
        yield _lost(
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


def _pruned_database_role(
    obj: Item, values: Any, entries: Entries, clusters: set[str]
) -> Iterator[Result]:
    role = _field(values, "spec")
    name = role.get("name")
    if not isinstance(name, str) or role.get("databaseRoleReclaimPolicy") != "delete":
        return
    yield _lost(
        f"{obj.describe()} is pruned and its databaseRoleReclaimPolicy is delete, so "
        f"CloudNativePG drops role {quoted(name)}",
        entries.get(name),
        "set roleOutput: databaseRole back, then render and apply it with "
        "spec.databaseRoleReclaimPolicy: retain before switching",
        name,
    )


def _pruned_external_secret(
    obj: Item, values: Any, entries: Entries, clusters: set[str]
) -> Iterator[Result]:
    """ESO deletes the Secret it owns with its ExternalSecret (creationPolicy Owner, its
    default); a generated password's Secret is Orphan and stays."""
    target = _field(values, "spec", "target")
    if target.get("creationPolicy", "Owner") != "Owner":
        return
    keys = _field(target, "template", "data")
    name = target.get("name") if isinstance(target.get("name"), str) else obj.name
    for_app = "host" in keys or obj.namespace not in clusters
    yield from _deleted_secret(obj, name, _role_in(keys), for_app, entries)


def _pruned_secret(
    obj: Item, values: Any, entries: Entries, clusters: set[str]
) -> Iterator[Result]:
    keys = _field(values, "stringData")
    role = keys.get("username") if isinstance(keys.get("username"), str) else None
    for_app = "host" in keys or obj.namespace not in clusters
    yield from _deleted_secret(obj, obj.name, role, for_app, entries)


def _deleted_secret(
    obj: Item, name: str, role: str | None, for_app: bool, entries: Entries
) -> Iterator[Result]:
    """Only an app's Secret: the one CloudNativePG alone reads goes with its role."""
    if role is None or not for_app:
        return
    where = f"{obj.namespace}/{name}" if obj.namespace else name
    deleted = "it" if SECRET.of(obj) else f"Secret {quoted(where)}"
    listed = entries.get(role)
    yield _lost(
        f"{obj.describe()} is pruned, so Kubernetes deletes {deleted}, which the app of "
        f"role {quoted(role)} reads to connect",
        listed,
        _keeps_secret(listed[1], obj.namespace, name) if listed else "",
        role,
    )


def _keeps_secret(entry: DatabaseEntry, namespace: str, name: str) -> str:
    if not entry.present:
        return "set ensure: present"
    if entry.appNamespace != namespace:
        return f"set appNamespace back to {quoted(namespace)}"
    if entry.model_copy(update={"secretName": None}).secret_name == name:
        return "remove secretName"
    return f"set secretName back to {quoted(name)}"


def _new_passwords(
    before: Iterable[Item], after: Iterable[Item], entries: Entries
) -> Iterator[Result]:
    """A role whose password comes from elsewhere than before gets a new one: a store's
    other entry, or a new generating ExternalSecret (each one generates anew)."""
    old = _password_sources(before)
    new = _password_sources(after) if old else {}  # a first render replaces no password
    warned: set[str] = set()
    for (namespace, role), source in new.items():
        if old.get((namespace, role), source) == source or role in warned:
            continue
        warned.add(role)
        position, _ = entries[role]
        yield warning(
            f"spec.databases[{position}] ({quoted(role)}) now takes its password from "
            f"{source} instead of {old[namespace, role]}, so role "
            f"{quoted(role)} gets a new password once the output is applied, and its apps "
            "fail to connect until they read the new Secret; to keep the password, undo the "
            "change to the entry's password source or secretName",
            FUNCTION_CONFIG,
            field_path=f"spec.databases[{position}]",
        )


def _password_sources(objects: Iterable[Item]) -> dict[tuple[str, str], str]:
    """Per namespace and role, where its ExternalSecret reads the password."""
    sources = {}
    for obj in objects:
        if not EXTERNAL_SECRET.of(obj):
            continue
        values = obj.read()
        role = _role_in(_field(values, "spec", "target", "template", "data"))
        source = _password_source(_field(values, "spec"), obj)
        if role is not None and source is not None:
            sources[obj.namespace, role] = source
    return sources


def _password_source(spec: dict[str, Any], obj: Item) -> str | None:
    data, generators = spec.get("data"), spec.get("dataFrom")
    if isinstance(generators, list) and generators:
        where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
        return f"the generator of ExternalSecret {quoted(where)}"  # each generates anew
    if isinstance(data, list) and data and isinstance(data[0], dict):
        store, remote = _field(spec, "secretStoreRef"), _field(data[0], "remoteRef")
        where = "/".join(str(part) for part in (remote.get("key"), remote.get("property")) if part)
        return (
            f"{store.get('kind', 'SecretStore')} {quoted(str(store.get('name')))} {quoted(where)}"
        )
    return None


def _lost(what: str, listed: tuple[int, DatabaseEntry] | None, keep: str, name: str) -> Result:
    if listed is None:
        return warning(
            f"{what}, as spec.databases no longer lists {quoted(name)}; to keep it, add the "
            "entry back",
            FUNCTION_CONFIG,
            field_path="spec.databases",
            current_value=name,
        )
    position, _ = listed
    return warning(
        f"{what}, as spec.databases[{position}] ({quoted(name)}) changed; to keep it, {keep}",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}]",
    )


def _role_in(keys: dict[str, Any]) -> str | None:
    username = keys.get("username")
    return username.replace(_GO_BRACES, "{{") if isinstance(username, str) else None


def _field(values: Any, *path: str) -> dict[str, Any]:
    """The mapping at path, or an empty one: a hand-edited object may hold anything."""
    for part in path:
        values = values.get(part) if isinstance(values, dict) else None
    return values if isinstance(values, dict) else {}


_PRUNED: tuple[tuple[Kind, Callable[..., Iterator[Result]]], ...] = (
    (DATABASE, _pruned_database),
    (DATABASE_ROLE, _pruned_database_role),
    (EXTERNAL_SECRET, _pruned_external_secret),
    (SECRET, _pruned_secret),
)
