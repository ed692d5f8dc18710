"""A generated object as a renderer returns it: its document, its claims, and the
secret store it reads, if any."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..kinds import Claim, Kind
from ..model import SecretStoreRef


class Rendered(NamedTuple):
    """A generated object's document, what it claims besides its name, and the secret
    store it reads (an ExternalSecret's), which must exist where it is applied."""

    document: dict[str, Any]
    claims: tuple[Claim, ...] = ()
    reads: SecretStoreRef | None = None


def metadata(kind: Kind, name: str, namespace: str) -> dict[str, Any]:
    """The start of a document: its kind, and its name in its namespace (none written
    where the Cluster has none)."""
    where = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": where}
