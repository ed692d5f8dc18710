"""The CloudNativePG Database an entry creates, owned by the entry's role."""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry


def database_for(entry: DatabaseEntry, cluster_name: str, namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Database",
        "metadata": _metadata(entry.kubernetes_name, namespace),
        "spec": {
            "name": entry.name,
            "owner": entry.name,
            "cluster": {"name": cluster_name},
            "ensure": "present",
        },
    }


def _metadata(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace} if namespace else {"name": name}
