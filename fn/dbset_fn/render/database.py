"""The CloudNativePG Database an entry creates, owned by the entry's role."""

from __future__ import annotations

from ..config import options_over
from ..kinds import DATABASE, database_claim
from ..model import DatabaseEntry, DatabaseOptions
from .rendered import Rendered, metadata


def database_for(
    entry: DatabaseEntry, defaults: DatabaseOptions, cluster_name: str, namespace: str
) -> Rendered:
    """The entry's options over the set's defaults, in the CRD's order whatever order the
    user chose. It claims the database: CloudNativePG lets one Database manage it."""
    options = options_over(entry.database, defaults)
    document = {
        **metadata(DATABASE, entry.kubernetes_name, namespace),
        "spec": {
            "name": entry.name,
            "owner": entry.name,
            "cluster": {"name": cluster_name},
            "ensure": entry.ensure,
            **options,
        },
    }
    return Rendered(document, (database_claim(namespace, cluster_name, entry.name),))
