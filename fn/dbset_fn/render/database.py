"""The CloudNativePG Database an entry creates, owned by the entry's role."""

from __future__ import annotations

from typing import Any

from ..config import options_over
from ..model import DatabaseEntry, DatabaseOptions


def database_for(
    entry: DatabaseEntry, defaults: DatabaseOptions, cluster_name: str, namespace: str
) -> dict[str, Any]:
    """The entry's options over the set's defaults, in the CRD's order whatever order the
    user chose."""
    options = options_over(entry.database, defaults)
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Database",
        "metadata": _metadata(entry.kubernetes_name, namespace),
        "spec": {
            "name": entry.name,
            "owner": entry.name,
            "cluster": {"name": cluster_name},
            "ensure": entry.ensure,
            **options,
        },
    }


def _metadata(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace} if namespace else {"name": name}
