"""The Clusters a DatabaseSet's entries go to, and how their apps reach each.

Entries go to the set's Cluster (spec.cluster) unless they name another. Every
Cluster an entry goes to gets its roles and its own record, and its apps its own
addresses and Pooler; a Cluster whose record lists the set but that no entry goes to
any more is a target too, so that its roles are pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ..config.model import ClusterRef, DatabaseEntry, EntryClusterRef, Spec
from ..config.names import object_name_problems
from ..kinds.base import CLUSTER
from ..kinds.connection import Endpoint
from ..krm import FUNCTION_CONFIG, Item, Result, error, has_errors, quoted
from .ownership import read_record
from .poolers import choose_pooler

Entries = list[tuple[int, DatabaseEntry]]  # entries on one Cluster, with their places


class Target(NamedTuple):
    """A Cluster, the set's entries on it, and where its apps reach it."""

    cluster: Item
    entries: Entries
    endpoint: Endpoint


def targets_of(items: list[Item], spec: Spec, set_name: str) -> tuple[list[Target], list[Result]]:
    """The set's Cluster first, then the others in the order entries name them."""
    home, results = find_cluster(items, spec.cluster)
    if home is None:
        return [], results
    refs: dict[int, ClusterRef | EntryClusterRef] = {id(home): spec.cluster}
    clusters: dict[int, Item] = {id(home): home}
    entries: dict[int, Entries] = {id(home): []}
    for position, entry in enumerate(spec.databases):
        cluster, ref = home, spec.cluster
        if entry.cluster is not None:
            ref = _entry_ref(entry.cluster, home, spec)
            cluster, problems = find_cluster(items, ref, f"spec.databases[{position}].cluster")
            results += problems
            if cluster is None:
                continue
        refs.setdefault(id(cluster), ref)
        clusters.setdefault(id(cluster), cluster)
        entries.setdefault(id(cluster), []).append((position, entry))
    for cluster in _recorded(items, set_name):
        clusters.setdefault(id(cluster), cluster)
    for cluster in clusters.values():
        results += object_name_problems(cluster)
    if has_errors(results):
        return [], results
    running = {key: _runs_in(cluster, refs.get(key)) for key, cluster in clusters.items()}
    applied = _applied((cluster.namespace, running[key]) for key, cluster in clusters.items())
    targets = []
    for key, cluster in clusters.items():
        ref, runs_in = refs.get(key), running[key]
        endpoint, problems = _endpoint(items, cluster, ref, spec, home, runs_in, applied)
        results += problems
        targets.append(Target(cluster, entries.get(key, []), endpoint))
    return targets, results


def find_cluster(
    items: list[Item], wanted: ClusterRef | EntryClusterRef, field: str = "spec.cluster"
) -> tuple[Item | None, list[Result]]:
    """The one Cluster in items that wanted names; field is where wanted was written."""
    clusters = [  # a Cluster without a name is no Cluster CloudNativePG would run
        obj for obj in items if CLUSTER.of(obj) and obj.name and not obj.is_local_config
    ]
    matches = [  # a Cluster without a namespace runs in the one it is applied to
        cluster
        for cluster in clusters
        if (wanted.name is None or cluster.name == wanted.name)
        and (wanted.namespace is None or cluster.namespace in (wanted.namespace, ""))
    ]
    if len(matches) == 1:
        return matches[0], []
    if not clusters:
        return None, [error(_no_cluster_message(items), FUNCTION_CONFIG, field_path=field)]
    found = ", ".join(cluster.describe() for cluster in matches or clusters)
    if not matches:
        asked = {"name": wanted.name, "namespace": wanted.namespace}
        part, value = next((f, v) for f, v in asked.items() if v is not None)
        given = " and ".join(f"{f} {quoted(v)}" for f, v in asked.items() if v is not None)
        message = (
            f"{field} ({given}) must match a CloudNativePG Cluster in the input, "
            f"but none matches; the input has {found}"
        )
        return None, [
            error(message, FUNCTION_CONFIG, field_path=f"{field}.{part}", current_value=value)
        ]
    advice = (
        f"set {field}.namespace to choose one"
        if wanted.name is not None
        else f"set {field}.name (and namespace) to choose one"
    )
    message = f"{field} must pick one Cluster, but {len(matches)} match: {found}; {advice}"
    return None, [error(message, FUNCTION_CONFIG, field_path=field)]


def _no_cluster_message(items: list[Item]) -> str:
    present = [obj for obj in items if obj.kind and not obj.is_local_config]
    listed = ", ".join(obj.describe() for obj in present[:10])
    if len(present) > 10:
        listed += f" and {len(present) - 10} more"
    if not present:  # kustomize gives a generator no resources
        return (
            f"the input must hold the CloudNativePG Cluster ({CLUSTER.api_version}) to extend, "
            "but it holds no resources; add the Cluster's file to the package, or to "
            "dbset-fn's arguments (dbset-fn databaseset.yaml cluster.yaml); a kustomization "
            "must list the DatabaseSet under transformers:, not generators:, and the "
            "Cluster under resources:"
        )
    return (
        f"the input must hold the CloudNativePG Cluster ({CLUSTER.api_version}) to extend, "
        f"but it holds {listed}; add the Cluster's file to the package, to the "
        "kustomization's resources, or to dbset-fn's arguments (dbset-fn databaseset.yaml "
        "cluster.yaml)"
    )


def _entry_ref(written: str | EntryClusterRef, home: Item, spec: Spec) -> EntryClusterRef:
    """An entry's Cluster is in the set's Cluster's namespace unless it says otherwise."""
    ref = EntryClusterRef(name=written) if isinstance(written, str) else written
    if ref.namespace is None:
        ref = ref.model_copy(update={"namespace": home.namespace or spec.cluster.namespace})
    return ref


def _recorded(items: list[Item], set_name: str) -> list[Item]:
    """Clusters whose record lists roles of the set (a record that cannot be read is
    reported when an entry goes to its Cluster)."""
    found = []
    for obj in items:
        if not CLUSTER.of(obj) or obj.is_local_config:
            continue
        try:
            if set_name in read_record(obj).owners:
                found.append(obj)
        except ValueError:
            continue
    return found


def applied_namespace(targets: list[Target]) -> str:
    """The namespace the output is applied to, where objects without one land."""
    return _applied((target.cluster.namespace, target.endpoint.namespace) for target in targets)


def _applied(places: Iterable[tuple[str, str]]) -> str:
    """From each Cluster's namespace as written and the one it runs in: a Cluster
    without a namespace runs where the output is applied, so that is where every
    object without one lands. Where each Cluster has its own it is not known: "",
    and an object without a namespace is the same only as another without one."""
    return next((runs_in for written, runs_in in places if not written), "")


def _runs_in(cluster: Item, ref: ClusterRef | EntryClusterRef | None) -> str:
    """A Cluster without a namespace runs in the one its reference names, or default."""
    return cluster.namespace or (ref.namespace if ref else None) or "default"


def _endpoint(
    items: list[Item],
    cluster: Item,
    ref: ClusterRef | EntryClusterRef | None,
    spec: Spec,
    home: Item,
    runs_in: str,
    applied: str,
) -> tuple[Endpoint, list[Result]]:
    """Where the Cluster answers. spec.connection.pooler names a Pooler of the set's
    Cluster; another Cluster gets its own default."""
    connection = spec.connection
    if cluster is not home:
        connection = connection.model_copy(update={"pooler": None})
    pooler, problems = (
        choose_pooler(items, cluster, connection, runs_in, applied) if ref else (None, [])
    )
    domain = connection.clusterDomain
    return Endpoint(cluster.name, runs_in, domain, pooler, cluster.namespace), problems
