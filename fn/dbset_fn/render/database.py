"""The CloudNativePG Database an entry creates, owned by the entry's role."""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry, DatabaseOptions
from ..records import yaml_names


def database_for(
    entry: DatabaseEntry, defaults: DatabaseOptions, cluster_name: str, namespace: str
) -> dict[str, Any]:
    """The entry's options over the set's defaults, in the CRD's order whatever order the
    user chose."""
    options = entry.database.over(defaults)
    ordered = {field: options[field] for field in _OPTION_ORDER if field in options}
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Database",
        "metadata": _metadata(entry.kubernetes_name, namespace),
        "spec": {
            "name": entry.name,
            "owner": entry.name,
            "cluster": {"name": cluster_name},
            "ensure": entry.ensure,
            **ordered,
        },
    }


_OPTION_ORDER = yaml_names(DatabaseOptions)


def _metadata(name: str, namespace: str) -> dict[str, str]:
    return {"name": name, "namespace": namespace} if namespace else {"name": name}
