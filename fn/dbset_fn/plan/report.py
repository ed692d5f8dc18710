"""What a successful run tells the user: what each entry became, and what the output
relies on that the input does not hold.

The most common mistake, an entry without an app namespace, shows nowhere else until
the app fails to start; a missing secret store shows only when ESO reports it. One
info result per entry and per missing prerequisite, each pointing at the config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..config.model import entry_path
from ..krm import FUNCTION_CONFIG, Item, Result, info, quoted
from .generated import ForEntry, Generated, Owner
from .pg_hba import first_match, pg_hba_line
from .render import Render
from .targets import Target

ESO_GROUP = "external-secrets.io"
STORE_KINDS = ("ClusterSecretStore", "SecretStore")


def entry_summaries(render: Render, generated: list[Generated]) -> Iterator[Result]:
    """One line per entry: its role, its objects, and where its app reads its Secret."""
    made: dict[int, list[Item]] = {}
    for owner, _, obj, *_ in generated:
        if isinstance(owner, ForEntry):
            made.setdefault(owner.position, []).append(obj)
    for cluster, entries, _ in render.targets:
        for position, entry in entries:
            parts = []
            if render.spec.roleOutput == "managedRoles":
                parts.append(f"role in {_named(cluster)}")
            objects = made.get(position, [])
            parts.append(", ".join(_named(obj) for obj in objects))
            if not entry.present:
                parts.append("being dropped")
            elif entry.app_namespaces:
                secrets = [quoted(f"{place}/{entry.secret_name}") for place in entry.app_namespaces]
                parts.append(f"the app reads Secret{'s' * (len(secrets) > 1)} {', '.join(secrets)}")
            else:
                parts.append("no app Secret: set appNamespace to give an app its connection Secret")
            yield info(
                f"{entry_path(position, entry)}: {'; '.join(parts)}",
                FUNCTION_CONFIG,
                field_path=f"spec.databases[{position}]",
            )


def trust_logins(render: Render) -> Iterator[Result]:
    """An entry without a password logs in by trust only where its Cluster's pg_hba
    allows it: otherwise its app cannot connect, and nothing else would say why."""
    for cluster, entries, _ in render.targets:
        pg_hba = cluster.get("spec", "postgresql", "pg_hba")
        for position, entry in entries:
            match = first_match(pg_hba, entry)
            if entry.has_password or not entry.present or (match and match[1] == "trust"):
                continue
            where = f"spec.postgresql.pg_hba of {cluster.describe()}"
            refused = (
                f"which the first line of {where} that matches it, {quoted(match[0])}, does "
                f"not allow (its method is {match[1]}, not trust)"
                if match
                else f"which no line of {where} allows (CloudNativePG ends pg_hba.conf with "
                "host all all all scram-sha-256, or md5, which asks for a password)"
            )
            yield info(
                f"{entry_path(position, entry)} has no password, so its app logs in by trust "
                f"authentication, {refused}; add a line such as {quoted(pg_hba_line(entry))} "
                + ("before it" if match else "there"),
                FUNCTION_CONFIG,
                field_path=f"spec.databases[{position}]",
            )


def missing_prerequisites(
    render: Render, items: Iterable[Item], generated: list[Generated]
) -> Iterator[Result]:
    """The secret stores the ExternalSecrets read through and the app namespaces they
    go to, where the input does not hold them: the output works only once they exist.
    A SecretStore without a namespace lands where the output is applied."""
    spec, targets, applied = render.spec, render.targets, render.applied
    held = {(obj.kind, _landing(obj, applied), obj.name) for obj in items if _prerequisite(obj)}
    clusters = {target.endpoint.namespace for target in targets}
    apps = {place for entry in spec.databases for place in entry.app_namespaces} - clusters
    stores: dict[tuple[str, str, str], Item] = {}
    for new in sorted(generated, key=_by_cluster(targets)):  # Clusters in turn
        if new.reads:
            namespace = _landing(new.obj, applied) if new.reads.kind == "SecretStore" else ""
            stores.setdefault((new.reads.kind, namespace, new.reads.name), new.obj)
    namespaces: dict[str, Item] = {}
    for new in generated:
        obj = new.obj
        if obj.namespace in apps:
            namespaces.setdefault(obj.namespace, obj)
    for (kind, namespace, name), user in stores.items():
        if (kind, namespace, name) in held:
            continue
        where = f"{namespace}/{name}" if namespace else name
        copies = name == spec.clusterNamespaceStore.name
        role = (
            "the kubernetes-provider store that copies generated passwords into app "
            "namespaces (examples/kubernetes-store has it, with its ServiceAccount and RBAC)"
            if copies
            else "the store the passwords are read from"
        )
        yield info(
            f"the output relies on {kind} {quoted(where)}, {role}, which the input does "
            f"not hold: {user.describe()} reads through it; make sure it exists",
            FUNCTION_CONFIG,
        )
    for namespace, user in namespaces.items():
        if ("Namespace", "", namespace) not in held:
            yield info(
                f"the output relies on namespace {quoted(namespace)}, which the input does "
                f"not hold: {user.describe()} goes there; make sure it exists",
                FUNCTION_CONFIG,
            )


def _by_cluster(targets: list[Target]) -> Callable[[Generated], tuple[int, int]]:
    """Objects by their Cluster, in the order of targets, and by entry on each."""
    order = {
        position: (place, rank)
        for place, target in enumerate(targets)
        for rank, (position, _) in enumerate(target.entries)
    }
    clusters = {id(target.cluster): (place, -1) for place, target in enumerate(targets)}

    def key(new: Generated) -> tuple[int, int]:
        owner: Owner = new.owner
        if isinstance(owner, ForEntry):
            return order[owner.position]
        return clusters[id(owner.cluster)]

    return key


def _named(obj: Item) -> str:
    where = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
    return f"{obj.kind} {quoted(where)}"


def _landing(obj: Item, applied: str) -> str:
    """Where a namespaced object lands; a cluster-wide one has no namespace."""
    return "" if obj.kind in ("ClusterSecretStore", "Namespace") else obj.namespace or applied


def _prerequisite(obj: Item) -> bool:
    return (obj.kind in STORE_KINDS and obj.group == ESO_GROUP) or (
        obj.kind == "Namespace" and obj.group == ""
    )
