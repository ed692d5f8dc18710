"""The join: what the package declares for each entry, against the live objects.

The package is rendered in memory, as `dbset-fn DATABASESET FILES` would: its errors
are the status command's errors. Each entry's objects come from the kinds that make
them (for_entry), each answering some of the entry's columns (answers); a live object
gets its kind's verdict, a missing one MISSING and one in a namespace not read
UNKNOWN. A column shows the worst verdict of what answers it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .. import kinds
from ..cli import render
from ..config.load import load_database_set
from ..config.model import DatabaseEntry, Spec
from ..kinds.base import (
    CLUSTER,
    COLUMNS,
    FAILED,
    MISSING,
    OK,
    UNKNOWN,
    GeneratedKind,
    ObjectKey,
    Verdict,
    field,
)
from ..kinds.connection import Endpoint
from ..krm import Item
from ..plan.ownership import OWNER, owner_of
from ..plan.targets import targets_of
from .live import LiveObjects


class EntryStatus(NamedTuple):
    """One line of the report: an entry on its Cluster, and a verdict per column (None
    where the entry has nothing, such as a role-only entry's Database)."""

    name: str
    cluster: str
    cells: dict[str, Verdict | None]


class Report(NamedTuple):
    database_set: str
    entries: list[EntryStatus]
    clusters: dict[str, list[str]]  # notes per Cluster, "namespace/name"
    left_behind: list[str]  # generated objects live that the package no longer declares

    @property
    def exit_code(self) -> int:
        """0: every entry OK; 1: one failed or is missing; 3: the rest not yet OK."""
        states = {cell.state for entry in self.entries for cell in entry.cells.values() if cell}
        if states & {FAILED, MISSING}:
            return 1
        return 0 if states <= {OK} else 3


class PackageError(Exception):
    """The package does not render: its problems, one line each."""


def report(config: Item, package: list[Item], live: LiveObjects) -> Report:
    rendered, results = render(config, package)
    if rendered is None:
        raise PackageError([result.stderr_line() for result in results])
    spec = load_database_set(config).spec
    targets, _ = targets_of(package, spec, config.name)
    entries = [
        entry_status(entry, spec, endpoint, live)
        for _, placed, endpoint in targets
        for _, entry in placed
    ]
    clusters = {
        f"{endpoint.namespace}/{endpoint.cluster}": cluster_notes(placed, endpoint, live)
        for _, placed, endpoint in targets
        if live.get(CLUSTER, endpoint.namespace, endpoint.cluster) is not None
    }
    home = targets[0].endpoint.namespace if targets else ""
    declared = {_declared_key(item, home) for item in rendered if owner_of(item) == config.name}
    return Report(config.name, entries, clusters, left_behind(config.name, declared, live))


def cluster_notes(
    placed: list[tuple[int, DatabaseEntry]], endpoint: Endpoint, live: LiveObjects
) -> list[str]:
    """What each kind reads in the live Cluster beyond the entries on it."""
    cluster = live.get(CLUSTER, endpoint.namespace, endpoint.cluster) or {}
    entries = [entry for _, entry in placed]
    return [note for kind in kinds.GENERATED for note in kind.cluster_notes(cluster, entries, live)]


def entry_status(
    entry: DatabaseEntry, spec: Spec, endpoint: Endpoint, live: LiveObjects
) -> EntryStatus:
    cells: dict[str, Verdict | None] = dict.fromkeys(COLUMNS)
    for kind in kinds.GENERATED:
        for rendered in kind.for_entry(entry, spec, endpoint):
            verdict = object_verdict(kind, rendered.document, endpoint, live)
            for column in kind.answers(rendered.document, entry, endpoint):
                cells[column] = _worst(cells[column], verdict)
        for column, verdict in kind.entry_verdicts(entry, spec, endpoint, live).items():
            cells[column] = _worst(cells[column], verdict)
    return EntryStatus(entry.name, f"{endpoint.namespace}/{endpoint.cluster}", cells)


def object_verdict(
    kind: GeneratedKind, document: dict[str, Any], endpoint: Endpoint, live: LiveObjects
) -> Verdict:
    """The kind's verdict on the live object, or why there is none."""
    namespace = field(document, "metadata").get("namespace") or endpoint.namespace
    name = field(document, "metadata")["name"]
    source = f"{kind.name} {namespace}/{name}"
    values = live.get(kind.kind, namespace, name)
    if values is not None:
        return kind.verdict(values, live)._replace(source=source)
    if live.covers(kind.kind, namespace):
        return Verdict(MISSING, "not found: never applied, or deleted", source)
    return Verdict(
        UNKNOWN, f"not read: no {kind.name} objects of namespace {namespace} were given", source
    )


def left_behind(set_name: str, declared: set[ObjectKey], live: LiveObjects) -> list[str]:
    """Live objects the set generated (its ownership annotation) that it no longer
    declares: what applying without pruning left in the cluster."""
    found = []
    for kind in kinds.GENERATED:
        for values in live.of_kind(kind.kind):
            metadata = field(values, "metadata")
            if field(metadata, "annotations").get(OWNER) != set_name:
                continue
            key = kind.key(str(metadata.get("namespace") or ""), str(metadata.get("name")))
            if key not in declared:
                found.append(f"{kind.name} {key[2]}/{key[3]}")
    return found


def _declared_key(item: Item, home: str) -> ObjectKey:
    return (item.group, item.kind, item.namespace or home, item.name)


def _worst(cell: Verdict | None, verdict: Verdict) -> Verdict:
    return verdict if cell is None else cell.worse(verdict)
