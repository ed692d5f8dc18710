"""The kinds the function reads and generates, and what each object claims: one registry.

An object claims more than its name: an ExternalSecret the Secret it writes, a
Database the PostgreSQL database it manages, a DatabaseRole the role. Two objects
with one claim fight (ESO over the Secret, CloudNativePG over the database or role),
so a generated object's claims are checked against every other object's. A renderer
returns its document with its claims; a hand-written object's are read from it here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from .krm import Item, quoted


class Claim(NamedTuple):
    """Something only one object may hold: ("Secret", namespace, name), ("database",
    namespace, cluster, name) or ("role", namespace, cluster, name)."""

    what: str
    namespace: str
    cluster: str
    name: str

    def describe(self) -> str:
        """`Secret "romm/romm-db-credentials"`, `database "wiki" of Cluster "postgres/pg"`."""
        if self.what == "Secret":
            return f"Secret {quoted(_joined(self.namespace, self.name))}"
        cluster = quoted(_joined(self.namespace, self.cluster))
        return f"{self.what} {quoted(self.name)} of Cluster {cluster}"


def _joined(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


class Kind(NamedTuple):
    group: str
    version: str
    kind: str
    immutable: tuple[str, ...] = ()  # dotted paths Kubernetes refuses to change once set

    @property
    def api_version(self) -> str:
        """Interned: every document a renderer makes holds it."""
        return sys.intern(f"{self.group}/{self.version}" if self.group else self.version)

    def of(self, obj: Item) -> bool:
        return obj.kind == self.kind and obj.group == self.group  # the kind is the cheaper test


CLUSTER = Kind("postgresql.cnpg.io", "v1", "Cluster")
POOLER = Kind("postgresql.cnpg.io", "v1", "Pooler")
# The CRDs' CEL rules `self == oldSelf` (CloudNativePG 1.30).
_DATABASE_IMMUTABLE = "name cluster template encoding locale localeCollate localeCType"
_DATABASE_IMMUTABLE += " localeProvider collationVersion builtinLocale icuLocale icuRules"
DATABASE = Kind(
    "postgresql.cnpg.io",
    "v1",
    "Database",
    tuple(f"spec.{field}" for field in _DATABASE_IMMUTABLE.split()),
)
DATABASE_ROLE = Kind("postgresql.cnpg.io", "v1", "DatabaseRole", ("spec.name", "spec.cluster"))
EXTERNAL_SECRET = Kind("external-secrets.io", "v1", "ExternalSecret")
PASSWORD = Kind("generators.external-secrets.io", "v1alpha1", "Password")
SECRET = Kind("", "v1", "Secret", ("type",))

GENERATED = (DATABASE, DATABASE_ROLE, EXTERNAL_SECRET, PASSWORD, SECRET)
"""What a DatabaseSet generates: only objects of these kinds are ever pruned."""


def database_claim(namespace: str, cluster: str, name: str) -> Claim:
    return Claim("database", namespace, cluster, name)


def role_claim(namespace: str, cluster: str, name: str) -> Claim:
    return Claim("role", namespace, cluster, name)


def secret_claim(namespace: str, name: str) -> Claim:
    return Claim("Secret", namespace, "", name)


def claims_of(obj: Item) -> list[Claim]:
    """What a hand-written (or earlier generated) object claims besides its name; read
    only for the kinds that claim, where the fields are strings."""
    for kind, claims in _READERS:
        if kind.of(obj):
            return claims(obj.read(), obj.namespace)
    return []


def _spec_claim(make: Callable[[str, str, str], Claim]) -> Callable[[dict, str], list[Claim]]:
    def claims(values: dict[str, Any], namespace: str) -> list[Claim]:
        spec = values.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        cluster = spec.get("cluster")
        cluster_name = cluster.get("name") if isinstance(cluster, dict) else None
        name = spec.get("name")
        if isinstance(cluster_name, str) and isinstance(name, str):
            return [make(namespace, cluster_name, name)]
        return []

    return claims


def _written_secret(values: dict[str, Any], namespace: str) -> list[Claim]:
    """ESO writes target.name, or the ExternalSecret's own name."""
    spec = values.get("spec") if isinstance(values.get("spec"), dict) else {}
    target = spec.get("target") if isinstance(spec.get("target"), dict) else {}
    metadata = values.get("metadata") if isinstance(values.get("metadata"), dict) else {}
    name = target.get("name") or metadata.get("name")
    return [secret_claim(namespace, name)] if isinstance(name, str) else []


def _secret(values: dict[str, Any], namespace: str) -> list[Claim]:
    metadata = values.get("metadata") if isinstance(values.get("metadata"), dict) else {}
    name = metadata.get("name")
    return [secret_claim(namespace, name)] if isinstance(name, str) else []


_READERS = (
    (DATABASE, _spec_claim(database_claim)),
    (DATABASE_ROLE, _spec_claim(role_claim)),
    (EXTERNAL_SECRET, _written_secret),
    (SECRET, _secret),
)
CLAIMING = tuple(kind for kind, _ in _READERS)
