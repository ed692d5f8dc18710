"""The app's connection Secret for a trust database: no password, so nothing for ESO to
fetch, and every key is known when the function runs."""

from __future__ import annotations

from ..kinds import SECRET, secret_claim
from ..model import DatabaseEntry, Spec
from .connection import Endpoint, connection_keys
from .external_secret import secret_metadata
from .rendered import Rendered, metadata


def connection_secret_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint
) -> Rendered:
    """Labelled and annotated like the Secrets ESO writes for the other entries, less the
    reload label: there is no password to reload."""
    document = metadata(SECRET, entry.secret_name, namespace)
    document["metadata"] |= secret_metadata(spec, reload=False)
    document |= {"type": "kubernetes.io/basic-auth", "stringData": connection_keys(entry, endpoint)}
    return Rendered(document, (secret_claim(namespace, entry.secret_name),))
