"""A generated object and what it was generated for: an entry, or a Cluster."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..config.model import DatabaseEntry, SecretStoreRef, entry_path
from ..kinds.base import Claim, GeneratedKind
from ..krm import Item


class ForEntry(NamedTuple):
    """An object made for the entry at spec.databases[position]."""

    position: int
    entry: DatabaseEntry

    def describe(self) -> str:
        return entry_path(self.position, self.entry)


class ForCluster(NamedTuple):
    """An object made for a Cluster the set's entries go to, whatever they are."""

    cluster: Item

    def describe(self) -> str:
        return self.cluster.describe()


Owner = ForEntry | ForCluster


Change = tuple[str, Any, Any]
"""A field Kubernetes will not change: its path, its value before and its value now."""


class Replaced(NamedTuple):
    """The object a generated one replaces (an earlier run's, or an adopted one), and
    what the checks after generation need of it, read once: a large package's earlier
    objects are read when generated again, never after."""

    obj: Item
    changes: tuple[Change, ...]  # of the fields its kind lists as immutable
    compared: Any  # what its kind's `changed` compares


class Generated(NamedTuple):
    """An object the set makes, its kind, what it is made for, what it claims besides
    its name, the secret store it reads, what its kind's `changed` compares, and the
    object it replaces."""

    owner: Owner
    kind: GeneratedKind
    obj: Item
    claims: tuple[Claim, ...]
    reads: SecretStoreRef | None = None
    compared: Any = None
    replaces: Replaced | None = None
