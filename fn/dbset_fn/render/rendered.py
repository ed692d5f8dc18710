"""A generated object as a renderer returns it: its document and its claims."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..kinds import Claim, Kind


class Rendered(NamedTuple):
    """A generated object's document, and what it claims besides its name."""

    document: dict[str, Any]
    claims: tuple[Claim, ...] = ()


def metadata(kind: Kind, name: str, namespace: str) -> dict[str, Any]:
    """The start of a document: its kind, and its name in its namespace (none written
    where the Cluster has none)."""
    where = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": where}
