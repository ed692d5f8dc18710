"""The ExternalSecret that syncs an entry's password from the secret store.

CloudNativePG reads a role's password from a `kubernetes.io/basic-auth` Secret whose
`username` is the role; the `cnpg.io/reload` label makes it apply a changed password
at once. The same object, in the app's namespace, hands the app the same password.
"""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry, Spec


def credentials_secret_name(entry: DatabaseEntry) -> str:
    return f"{entry.kubernetes_name}-db-credentials"


def external_secret_for(entry: DatabaseEntry, spec: Spec, namespace: str) -> dict[str, Any]:
    name = credentials_secret_name(entry)
    metadata = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata,
        "spec": {
            "secretStoreRef": {"kind": spec.secretStore.kind, "name": spec.secretStore.name},
            "refreshInterval": spec.refreshInterval,
            "data": [{"secretKey": "password", "remoteRef": {"key": entry.bitwardenPasswordId}}],
            "target": {
                "name": name,
                "template": {
                    "type": "kubernetes.io/basic-auth",
                    "metadata": {"labels": {"cnpg.io/reload": "true"}},
                    "data": {"username": entry.name, "password": "{{ .password }}"},
                },
            },
        },
    }
