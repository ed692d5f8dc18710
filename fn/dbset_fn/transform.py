"""The DatabaseSet transformation: (items, DatabaseSet) -> (items, results).

Everything the set generated on an earlier run is taken out and generated anew, so
the output depends only on the config and the objects the set does not own: a
second run changes nothing, and a removed entry leaves nothing behind. Input items
are never modified; the Cluster that gains roles is a copy.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .config import DatabaseEntry, DatabaseSet, Spec
from .krm import KubeObject, Result, error, has_errors, warning
from .krm.objects import INDEX, INTERNAL_INDEX, INTERNAL_PATH, PATH
from .krm.yaml12 import SEQ, to_node
from .ownership import OWNER, ObjectKey, key_of, owner_of, record_role_owners, role_owners
from .pooler import choose_pooler
from .render import (
    Endpoint,
    app_credentials_for,
    connection_secret_for,
    database_for,
    database_role_for,
    managed_role_for,
    password_generator_for,
    role_credentials_for,
)

CLUSTER_API_VERSION = "postgresql.cnpg.io/v1"

MADE_TOGETHER = 50  # objects written to text at once: fast enough, and few kept as data


class Generated(NamedTuple):
    """An object to emit, and what it claims besides its name, read while it was data."""

    position: int  # of the entry it was generated for
    obj: KubeObject
    writes: ObjectKey | None  # the Secret an ExternalSecret writes
    manages: tuple[str, str, str] | None  # a Database's namespace, Cluster and database


def transform(
    items: list[KubeObject], database_set: DatabaseSet, config_dir: str = ""
) -> tuple[list[KubeObject], list[Result]]:
    """Extend the target Cluster and append the set's objects; on error, items as given.

    config_dir is the package directory of the DatabaseSet's file: generated objects
    without an earlier path are placed under it.
    """
    set_name = database_set.metadata.name
    spec = database_set.spec
    cluster, results = find_cluster(items, spec)
    if cluster is None:
        return items, results
    pooler, results = choose_pooler(items, cluster, spec.connection)
    results += list(namespace_problems(cluster, spec))
    if has_errors(results):
        return items, results
    endpoint = Endpoint(cluster.name, cluster.namespace, spec.connection.clusterDomain, pooler)
    extended = cluster.copy()
    results += add_managed_roles(extended, spec, set_name)
    extended = extended.as_text()  # a thousand new roles are a tenth the size as text
    previous = {key_of(obj): obj for obj in items if owner_of(obj) == set_name}
    kept = [extended if obj is cluster else obj for obj in items if owner_of(obj) != set_name]
    generated = list(generate(spec, set_name, endpoint, previous, config_dir))
    results += collisions(generated, kept, spec, set_name)
    if has_errors(results):
        return items, results
    regenerated = {key_of(new.obj) for new in generated}
    pruned = [obj for key, obj in previous.items() if key not in regenerated]
    results += list(removal_warnings(pruned, spec))
    return kept + [new.obj for new in generated], results


# The target Cluster ------------------------------------------------------------------


def find_cluster(items: list[KubeObject], spec: Spec) -> tuple[KubeObject | None, list[Result]]:
    wanted = spec.cluster
    clusters = [
        obj
        for obj in items
        if obj.is_kind(CLUSTER_API_VERSION, "Cluster") and not obj.is_local_config
    ]
    matches = [
        cluster
        for cluster in clusters
        if (wanted.name is None or cluster.name == wanted.name)
        and (wanted.namespace is None or cluster.namespace == wanted.namespace)
    ]
    if len(matches) == 1:
        return matches[0], []
    if not clusters:
        return None, [error(_no_cluster_message(items))]
    found = ", ".join(cluster.describe() for cluster in matches or clusters)
    if not matches:
        asked = {"name": wanted.name, "namespace": wanted.namespace}
        field, value = next((f, v) for f, v in asked.items() if v is not None)
        given = " and ".join(f'{f} "{v}"' for f, v in asked.items() if v is not None)
        message = (
            f"spec.cluster ({given}) must match a CloudNativePG Cluster in the input, "
            f"but none matches; the input has {found}"
        )
        return None, [error(message, field_path=f"spec.cluster.{field}", current_value=value)]
    advice = (
        "set spec.cluster.namespace to choose one"
        if wanted.name is not None
        else "set spec.cluster.name (and namespace) to choose one"
    )
    message = f"spec.cluster must pick one Cluster, but {len(matches)} match: {found}; {advice}"
    return None, [error(message, field_path="spec.cluster")]


def _no_cluster_message(items: list[KubeObject]) -> str:
    present = [obj for obj in items if obj.kind and not obj.is_local_config]
    listed = ", ".join(obj.describe() for obj in present[:10])
    if len(present) > 10:
        listed += f" and {len(present) - 10} more"
    return (
        f"the input must hold the CloudNativePG Cluster ({CLUSTER_API_VERSION}) to extend, "
        f"but it holds {listed or 'no resources'}; add the Cluster's file to the package "
        "or to the kustomization's resources"
    )


# Managed roles in the Cluster ----------------------------------------------------------


def add_managed_roles(cluster: KubeObject, spec: Spec, set_name: str) -> list[Result]:
    """Replace the set's roles in place, append new ones, drop removed ones.

    Roles the set does not own keep their node, so their text and place stay.
    """
    roles_node = cluster.get_node("spec", "managed", "roles")
    if roles_node is not None and not isinstance(roles_node, SequenceNode):
        return [
            error(
                f"spec.managed.roles of {cluster.describe()} must be a list",
                cluster,
                field_path="spec.managed.roles",
            )
        ]
    try:
        owners = role_owners(cluster)
    except ValueError as problem:
        return [error(str(problem), cluster, field_path="metadata.annotations")]
    mine = set(owners.get(set_name, []))
    wanted = (
        {entry.name: managed_role_for(entry) for entry in spec.databases}
        if spec.roleOutput == "managedRoles"
        else {}
    )
    owned = list(wanted)
    existing = roles_node.value if roles_node is not None else []
    problems = list(_claimed_roles(cluster, spec, set_name, owners, existing, mine))
    if problems:
        return problems

    roles: list[Node] = []
    touched = bool(wanted)
    for node in existing:
        name = _role_name(node)
        if name not in mine:
            roles.append(node)
            continue
        touched = True
        if name in wanted:
            roles.append(to_node(wanted.pop(name)))
    roles += [to_node(role) for role in wanted.values()]
    if touched:
        _write_roles(cluster, roles, flow_style=getattr(roles_node, "flow_style", False))

    if owned:
        owners[set_name] = owned
    else:
        owners.pop(set_name, None)
    record_role_owners(cluster, owners)
    return []


def _claimed_roles(
    cluster: KubeObject,
    spec: Spec,
    set_name: str,
    owners: dict[str, list[str]],
    existing: list[Node],
    mine: set[str],
) -> Iterator[Result]:
    """Roles the set wants that someone else has: another DatabaseSet or a person."""
    owner_of_role = {role: owner for owner, roles in owners.items() for role in roles}
    present = {_role_name(node) for node in existing}
    for position, entry in enumerate(spec.databases):
        if entry.name in mine:
            continue
        owner = owner_of_role.get(entry.name)
        if owner is not None and owner != set_name:
            held_by = f'is managed by DatabaseSet "{owner}"'
        elif entry.name in present:
            held_by = "is written by hand"
        else:
            continue
        yield error(
            f'spec.databases[{position}].name "{entry.name}" must not claim a role that is '
            f'already in {cluster.describe()}: role "{entry.name}" in spec.managed.roles '
            f"{held_by}; remove that role from the Cluster or choose another name",
            cluster,
            field_path="spec.managed.roles",
            current_value=entry.name,
        )


def _role_name(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "name":
                return value.value if isinstance(value, ScalarNode) else None
    return None


def _write_roles(cluster: KubeObject, roles: list[Node], flow_style: bool) -> None:
    """Set spec.managed.roles; a list the set emptied goes, and `managed` if it is empty."""
    if roles:
        roles_node = SequenceNode(SEQ, roles, flow_style=flow_style)
        cluster.set("spec", "managed", "roles", value=roles_node)
        return
    cluster.delete("spec", "managed", "roles")
    managed = cluster.get_node("spec", "managed")
    if isinstance(managed, MappingNode) and not managed.value:
        cluster.delete("spec", "managed")


# Generated objects ---------------------------------------------------------------------


def namespace_problems(cluster: KubeObject, spec: Spec) -> Iterator[Result]:
    """An app in another namespace reaches the Cluster by its namespace, so it must be known."""
    if cluster.namespace:
        return
    for position, entry in enumerate(spec.databases):
        if entry.appNamespace:
            yield error(
                f'spec.databases[{position}].appNamespace "{entry.appNamespace}" needs the '
                f"namespace of {cluster.describe()} for the app's host names, but it has no "
                "metadata.namespace; set it in the Cluster's file, or remove appNamespace",
                cluster,
                field_path="metadata.namespace",
            )


def generate(
    spec: Spec,
    set_name: str,
    endpoint: Endpoint,
    previous: dict[ObjectKey, KubeObject],
    config_dir: str,
) -> Iterator[Generated]:
    """Per entry: its DatabaseRole (when roles are objects) and Database, its password
    generator, then its credentials in the Cluster's namespace and in the app's; each
    marked as the set's and placed in its file. Made fifty at a time, as text."""
    documents = _placed_documents(spec, set_name, endpoint, previous, config_dir)
    while batch := list(itertools.islice(documents, MADE_TOGETHER)):
        objects = KubeObject.from_dicts([document for _, document in batch])
        for (position, document), obj in zip(batch, objects, strict=True):
            yield Generated(position, obj, _written_secret(document), _managed_database(document))


def _placed_documents(
    spec: Spec,
    set_name: str,
    endpoint: Endpoint,
    previous: dict[ObjectKey, KubeObject],
    config_dir: str,
) -> Iterator[tuple[int, dict]]:
    for position, entry in enumerate(spec.databases):
        for document in _documents_for(entry, spec, endpoint):
            metadata = document["metadata"]
            if spec.commonLabels:
                metadata["labels"] = metadata.get("labels", {}) | spec.commonLabels
            key = _key_of_document(document)
            metadata["annotations"] = (
                metadata.get("annotations", {})
                | spec.commonAnnotations
                | {OWNER: set_name}
                | placement(key, previous.get(key), config_dir)
            )
            yield position, document


def _written_secret(document: dict) -> ObjectKey | None:
    """The Secret an ExternalSecret writes; ESO would fight over one that exists."""
    if document["kind"] != "ExternalSecret":
        return None
    namespace = document["metadata"].get("namespace", "")
    return ("", "Secret", namespace, document["spec"]["target"]["name"])


def _managed_database(document: dict) -> tuple[str, str, str] | None:
    if document["kind"] != "Database":
        return None
    spec = document["spec"]
    return (document["metadata"].get("namespace", ""), spec["cluster"]["name"], spec["name"])


def _key_of_document(document: dict) -> ObjectKey:
    metadata = document["metadata"]
    group = document["apiVersion"].rpartition("/")[0]
    return (group, document["kind"], metadata.get("namespace", ""), metadata["name"])


def _documents_for(entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[dict]:
    """An entry being dropped keeps only what CloudNativePG needs to drop it."""
    namespace = endpoint.namespace
    app_namespace = entry.appNamespace
    shared = app_namespace == namespace
    documents = []
    if spec.roleOutput == "databaseRole":  # the owner first, as CloudNativePG creates them
        documents.append(database_role_for(entry, spec, endpoint.cluster, namespace))
    documents.append(database_for(entry, spec.databaseDefaults, endpoint.cluster, namespace))
    if not entry.present:
        return documents
    if entry.password is not None:
        documents.append(password_generator_for(entry, namespace))
    if entry.has_password:
        documents.append(role_credentials_for(entry, spec, namespace, endpoint if shared else None))
        if app_namespace and not shared:
            documents.append(app_credentials_for(entry, spec, app_namespace, endpoint))
    elif app_namespace:
        documents.append(connection_secret_for(entry, spec, app_namespace, endpoint))
    return documents


def placement(key: ObjectKey, previous: KubeObject | None, config_dir: str) -> dict[str, str]:
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


def collisions(
    generated: list[Generated], kept: list[KubeObject], spec: Spec, set_name: str
) -> Iterator[Result]:
    """Objects the set does not own that stand where a generated object must go:
    the same name, the same file, or (for a Database) the same PostgreSQL database.

    Only objects where a generated one goes are indexed: a package can hold tens of
    thousands of others."""
    others = [obj for obj in kept if obj.kind and not obj.is_local_config]
    names = {key_of(new.obj) for new in generated} | {new.writes for new in generated}
    files = {(new.obj.path, new.obj.index) for new in generated}
    by_key = {key: obj for obj in others if (key := key_of(obj)) in names}
    by_file = {file: obj for obj in others if (file := (obj.path, obj.index)) in files}
    by_database = {
        (obj.namespace, obj.get("spec", "cluster", "name"), obj.get("spec", "name")): obj
        for obj in others
        if obj.is_kind(CLUSTER_API_VERSION, "Database")
    }
    for position, obj, writes, manages in generated:
        made = (
            f'DatabaseSet "{set_name}" generates {obj.describe()} for '
            f'spec.databases[{position}] ("{spec.databases[position].name}")'
        )
        if other := by_key.get(key_of(obj)):
            yield _in_the_way(other, f"{_whose(other)}, but {made}; rename or remove it")
        elif other := by_key.get(writes):
            yield _in_the_way(
                other, f"{_whose(other)}, but {made}, which writes that Secret; remove it"
            )
        elif other := by_file.get((obj.path, obj.index)):
            yield _in_the_way(other, f"takes the file where {made}; move it to another file")
        elif other := by_database.get(manages):
            yield _in_the_way(
                other,
                f"{_whose(other)} and manages the same PostgreSQL database, but {made}; "
                "CloudNativePG lets only one Database object manage a database, so remove it",
            )


def _whose(obj: KubeObject) -> str:
    owner = owner_of(obj)
    return f'belongs to DatabaseSet "{owner}"' if owner else "is not generated by a DatabaseSet"


def _in_the_way(other: KubeObject, why: str) -> Result:
    return error(
        f"{other.describe()} {why} (or rename the entry)",
        other,
        field_path="metadata.name",
        current_value=other.name,
    )


def removal_warnings(pruned: Iterable[KubeObject], spec: Spec) -> Iterator[Result]:
    """Pruning stops managing a database; PostgreSQL keeps it. Say so, and how to drop it."""
    listed = {entry.name for entry in spec.databases}
    for obj in pruned:
        if obj.kind != "Database":
            continue
        name = obj.get("spec", "name")
        if name in listed or obj.get("spec", "ensure") == "absent":
            continue
        if obj.get("spec", "databaseReclaimPolicy") == "delete":
            kept = f'role "{name}" (CloudNativePG drops database "{name}" with its Database object)'
        else:
            kept = f'role "{name}" and database "{name}"'
        yield warning(
            f'spec.databases no longer lists "{name}", so its objects are pruned, but PostgreSQL '
            f"still holds {kept}; to drop them, add the entry back with ensure: absent and "
            "render, then remove it once CloudNativePG has dropped them",
            field_path="spec.databases",
            current_value=name,
        )
