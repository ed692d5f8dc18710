"""The app's connection Secret for a trust database: no password, so nothing for ESO to
fetch, and every key is known when the function runs."""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry
from .connection import Endpoint, connection_keys
from .external_secret import credentials_secret_name


def connection_secret_for(
    entry: DatabaseEntry, namespace: str, endpoint: Endpoint
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": credentials_secret_name(entry), "namespace": namespace},
        "type": "kubernetes.io/basic-auth",
        "stringData": connection_keys(entry, endpoint),
    }
