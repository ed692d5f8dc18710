"""A generated object and what it was generated for: an entry, or a Cluster."""

from __future__ import annotations

from typing import NamedTuple

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


class Generated(NamedTuple):
    """An object the set makes, its kind, what it is made for, what it claims besides
    its name, and the secret store it reads."""

    owner: Owner
    kind: GeneratedKind
    obj: Item
    claims: tuple[Claim, ...]
    reads: SecretStoreRef | None = None
