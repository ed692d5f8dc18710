"""The DatabaseSet transformation: (items, DatabaseSet) -> (items, results).

Everything the set generated on an earlier run is taken out and generated anew, so
the output depends only on the config and the objects the set does not own: a
second run changes nothing, and a removed entry leaves nothing behind. The Cluster
gains its roles by an edit of its text (cluster.py); every other input item goes
out as it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .cluster import extend_roles, find_cluster
from .collisions import RoleClaim, collisions
from .generate import generate
from .kinds import role_claim
from .krm import FUNCTION_CONFIG, Item, Result, error, has_errors, quoted, warning
from .model import Spec
from .ownership import OWNER, foreign_reason, key_of, owner_of
from .pooler import choose_pooler
from .render import Endpoint


def transform(
    items: list[Item], spec: Spec, set_name: str, config_dir: str = ""
) -> tuple[list[Item], list[Result]]:
    """Extend the target Cluster and append the set's objects; on error, items as given.

    config_dir is the package directory of the DatabaseSet's file: generated objects
    without an earlier path are placed under it.
    """
    cluster, results = find_cluster(items, spec)
    if cluster is None:
        return items, results
    pooler, results = choose_pooler(items, cluster, spec.connection)
    owned = [obj for obj in items if owner_of(obj) == set_name]
    results += list(foreign_objects(owned))
    if has_errors(results):
        return items, results
    runs_in = cluster.namespace or spec.cluster.namespace or "default"
    domain = spec.connection.clusterDomain
    endpoint = Endpoint(cluster.name, runs_in, domain, pooler, cluster.namespace)
    extended, problems = extend_roles(cluster, spec, set_name)
    results += problems
    previous = {key_of(obj): obj for obj in owned}
    kept = [extended if obj is cluster else obj for obj in items if owner_of(obj) != set_name]
    generated = list(generate(spec, set_name, endpoint, previous, config_dir))
    results += collisions(generated, managed_role_claims(cluster, spec), kept, spec, set_name)
    if has_errors(results):
        return items, results
    regenerated = {key_of(new.obj) for new in generated}
    pruned = [obj for key, obj in previous.items() if key not in regenerated]
    results += list(removal_warnings(pruned, spec))
    return kept + [new.obj for new in generated], results


def foreign_objects(owned: Iterable[Item]) -> Iterator[Result]:
    """Objects that carry the set's ownership annotation but that it cannot have made:
    pruning them would delete what someone wrote."""
    for obj in owned:
        reason = foreign_reason(obj)
        if reason is not None:
            yield error(
                f"{obj.describe()} must not carry the annotation {OWNER}, as {reason}: it "
                "would be pruned as generated; remove the annotation from it",
                obj,
                field_path=f"metadata.annotations.{OWNER}",
                current_value=owner_of(obj),
            )


def managed_role_claims(cluster: Item, spec: Spec) -> list[RoleClaim]:
    """The roles the set manages in the Cluster's spec.managed.roles: a DatabaseRole
    object managing one of them would fight the Cluster over it."""
    if spec.roleOutput != "managedRoles":
        return []
    return [
        RoleClaim(
            position,
            role_claim(cluster.namespace, cluster.name, entry.name),
            f"role {quoted(entry.name)} in spec.managed.roles of {cluster.describe()}",
        )
        for position, entry in enumerate(spec.databases)
    ]


# Generated objects ---------------------------------------------------------------------


def removal_warnings(pruned: Iterable[Item], spec: Spec) -> Iterator[Result]:
    """Pruning stops managing a database; PostgreSQL keeps it. Say so, and how to drop it."""
    listed = {entry.name for entry in spec.databases}
    for obj in pruned:
        if obj.kind != "Database":
            continue
        database = obj.get("spec")
        database = database if isinstance(database, dict) else {}
        name = database.get("name")
        if not isinstance(name, str) or name in listed or database.get("ensure") == "absent":
            continue
        if database.get("databaseReclaimPolicy") == "delete":
            kept = (
                f"role {quoted(name)} (CloudNativePG drops database {quoted(name)} with its "
                "Database object)"
            )
        else:
            kept = f"role {quoted(name)} and database {quoted(name)}"
        yield warning(
            f"spec.databases no longer lists {quoted(name)}, so its objects are pruned, but "
            f"PostgreSQL still holds {kept}; to drop them, add the entry back with ensure: "
            "absent and render, then remove it once CloudNativePG has dropped them",
            FUNCTION_CONFIG,
            field_path="spec.databases",
            current_value=name,
        )
