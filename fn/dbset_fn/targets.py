"""The Clusters a DatabaseSet's entries go to, and how their apps reach each.

Entries go to the set's Cluster (spec.cluster) unless they name another. Every
Cluster an entry goes to gets its roles and its own record, and its apps its own
addresses and Pooler; a Cluster whose record lists the set but that no entry goes to
any more is a target too, so that its roles are pruned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .cluster import Entries, find_cluster
from .kinds import CLUSTER
from .krm import Item, Result, has_errors
from .model import ClusterRef, EntryClusterRef, Spec
from .names import object_name_problems
from .ownership import read_record
from .pooler import choose_pooler
from .render import Endpoint


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
        if not obj.is_kind(CLUSTER.api_version, CLUSTER.kind) or obj.is_local_config:
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
