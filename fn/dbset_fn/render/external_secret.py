"""The ExternalSecrets that bring an entry's password to CloudNativePG and to the app.

CloudNativePG reads a role's password from a `kubernetes.io/basic-auth` Secret whose
`username` is the role; the `cnpg.io/reload` label makes it apply a changed password
at once. The app's copy, in its own namespace, carries the full connection keys.

A password from a store (Bitwarden or any other) is read by both ExternalSecrets from
that store. A generated password is generated once, into the Cluster's namespace; the
app's copy reads that Secret back through a `kubernetes`-provider store, because a
generator gives a new value to every reader.
"""

from __future__ import annotations

from typing import Any

from ..config import DatabaseEntry, PasswordRef, SecretStoreRef, Spec
from .connection import PASSWORD, Endpoint, connection_keys
from .password_generator import GENERATOR_API_VERSION, password_generator_name


def credentials_secret_name(entry: DatabaseEntry) -> str:
    return f"{entry.kubernetes_name}-db-credentials"


def role_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint | None
) -> dict[str, Any]:
    """The Cluster namespace's ExternalSecret, read by CloudNativePG; with an endpoint
    it also serves an app in that namespace and carries the connection keys."""
    data = connection_keys(entry, endpoint) if endpoint else _basic_auth(entry)
    ref = entry.password_ref(spec.secretStore)
    if ref is None:
        return _generate_once(entry, namespace, data)
    return _external_secret(entry, namespace, ref, spec.refreshInterval, data)


def app_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint
) -> dict[str, Any]:
    """The app namespace's copy: the same password, every connection key."""
    ref = entry.password_ref(spec.secretStore) or _generated_secret(entry, spec)
    return _external_secret(
        entry, namespace, ref, spec.refreshInterval, connection_keys(entry, endpoint)
    )


def _generated_secret(entry: DatabaseEntry, spec: Spec) -> PasswordRef:
    return PasswordRef(
        key=credentials_secret_name(entry),
        property="password",
        secretStore=spec.clusterNamespaceStore,
    )


def _basic_auth(entry: DatabaseEntry) -> dict[str, str]:
    return {"username": entry.name, "password": PASSWORD}


def _external_secret(
    entry: DatabaseEntry,
    namespace: str,
    ref: PasswordRef,
    refresh_interval: str,
    data: dict[str, str],
) -> dict[str, Any]:
    store = ref.secretStore
    assert isinstance(store, SecretStoreRef)
    remote = ref.model_dump(include={"key", "property", "version"}, exclude_none=True)
    return _shell(
        entry,
        namespace,
        {
            "secretStoreRef": {"kind": store.kind, "name": store.name},
            "refreshInterval": refresh_interval,
            "data": [{"secretKey": "password", "remoteRef": remote}],
            "target": _target(entry, data),
        },
    )


def _generate_once(entry: DatabaseEntry, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    """Generated once and kept: an immutable Secret that outlives its ExternalSecret, so
    neither a refresh nor a re-created ExternalSecret changes the password."""
    generator = {
        "apiVersion": GENERATOR_API_VERSION,
        "kind": "Password",
        "name": password_generator_name(entry),
    }
    target = _target(entry, data, {"creationPolicy": "Orphan", "immutable": True})
    return _shell(
        entry,
        namespace,
        {
            "refreshPolicy": "CreatedOnce",
            "dataFrom": [{"sourceRef": {"generatorRef": generator}}],
            "target": target,
        },
    )


def _shell(entry: DatabaseEntry, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    name = credentials_secret_name(entry)
    metadata = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata,
        "spec": spec,
    }


def _target(
    entry: DatabaseEntry, data: dict[str, str], policies: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": credentials_secret_name(entry),
        **(policies or {}),
        "template": {
            "type": "kubernetes.io/basic-auth",
            "metadata": {"labels": {"cnpg.io/reload": "true"}},
            "data": data,
        },
    }
