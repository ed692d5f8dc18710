"""The app's connection Secret for a trust database: no password, so nothing for ESO to
fetch, and every key is known when the function runs."""

from __future__ import annotations

from typing import Any

from ..model import DatabaseEntry, Spec
from .connection import Endpoint, connection_keys
from .external_secret import secret_metadata


def connection_secret_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint
) -> dict[str, Any]:
    """Labelled and annotated like the Secrets ESO writes for the other entries, less the
    reload label: there is no password to reload."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": entry.secret_name,
            "namespace": namespace,
            **secret_metadata(spec, reload=False),
        },
        "type": "kubernetes.io/basic-auth",
        "stringData": connection_keys(entry, endpoint),
    }
