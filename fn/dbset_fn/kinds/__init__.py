"""The kinds a DatabaseSet generates: one module each, one line each in the registry.

The registry's order is the order an entry's objects are made in: the owner role
before the database, as CloudNativePG creates them, and the password generator before
the ExternalSecrets that use it. To add a kind, see docs/development.md,
"Adding a generated kind".
"""

from __future__ import annotations

import functools

from ..krm import Item
from .base import Claim, GeneratedKind
from .database import Database
from .database_role import DatabaseRole
from .external_secret import ExternalSecret
from .password import Password
from .secret import Secret

GENERATED: tuple[GeneratedKind, ...] = (
    DatabaseRole(),
    Database(),
    Password(),
    ExternalSecret(),
    Secret(),
)
"""What a DatabaseSet generates: only objects of these kinds are ever pruned."""


def kind_of(obj: Item) -> GeneratedKind | None:
    """The generated kind obj is of, or None for a kind the set never generates (asked
    of every item of a large package: a lookup, not a loop)."""
    return _by_kind(GENERATED).get((obj.kind, obj.group))


@functools.lru_cache(maxsize=1)
def _by_kind(registry: tuple[GeneratedKind, ...]) -> dict[tuple[str, str], GeneratedKind]:
    return {(kind.kind.kind, kind.kind.group): kind for kind in registry}


def claims_of(obj: Item) -> list[Claim]:
    """What an object in the input claims besides its name: read only for the kinds that
    claim, where the fields are strings."""
    kind = kind_of(obj)
    return kind.claims(obj.read(), obj.namespace) if kind and kind.claim_types else []
