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

from ..kinds import EXTERNAL_SECRET, PASSWORD, secret_claim
from ..model import RELOAD_LABEL, DatabaseEntry, PasswordRef, SecretStoreRef, Spec
from .connection import PASSWORD_VALUE, Endpoint, connection_keys, go_literal
from .password_generator import password_generator_name
from .rendered import Rendered, metadata


def role_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint | None
) -> Rendered:
    """The Cluster namespace's ExternalSecret, read by CloudNativePG; with an endpoint
    it also serves an app in that namespace and carries the connection keys."""
    data = connection_keys(entry, endpoint) if endpoint else _basic_auth(entry)
    ref = entry.password_ref(spec.secretStore)
    if ref is None:
        return _generate_once(entry, spec, namespace, data)
    return _external_secret(entry, spec, namespace, ref, data)


def app_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint
) -> Rendered:
    """The app namespace's copy: the same password, every connection key."""
    ref = entry.password_ref(spec.secretStore) or _generated_secret(entry, spec)
    return _external_secret(entry, spec, namespace, ref, connection_keys(entry, endpoint))


def _generated_secret(entry: DatabaseEntry, spec: Spec) -> PasswordRef:
    return PasswordRef(
        key=entry.secret_name,
        property="password",
        secretStore=spec.clusterNamespaceStore,
    )


def _basic_auth(entry: DatabaseEntry) -> dict[str, str]:
    return {"username": go_literal(entry.name), "password": PASSWORD_VALUE}


def _external_secret(
    entry: DatabaseEntry, spec: Spec, namespace: str, ref: PasswordRef, data: dict[str, str]
) -> Rendered:
    store = ref.secretStore
    assert isinstance(store, SecretStoreRef)
    remote = ref.model_dump(by_alias=True, exclude_none=True, exclude={"secretStore"})
    return _shell(
        entry,
        namespace,
        {
            "secretStoreRef": {"kind": store.kind, "name": store.name},
            "refreshInterval": spec.refreshInterval,
            "data": [{"secretKey": "password", "remoteRef": remote}],
            "target": _target(entry, spec, data),
        },
        store,
    )


def _generate_once(
    entry: DatabaseEntry, spec: Spec, namespace: str, data: dict[str, str]
) -> Rendered:
    """Generated once and kept: an immutable Secret that outlives its ExternalSecret, so
    neither a refresh nor a re-created ExternalSecret changes the password."""
    generator = {
        "apiVersion": PASSWORD.api_version,
        "kind": PASSWORD.kind,
        "name": password_generator_name(entry),
    }
    target = _target(entry, spec, data, {"creationPolicy": "Orphan", "immutable": True})
    return _shell(
        entry,
        namespace,
        {
            "refreshPolicy": "CreatedOnce",
            "dataFrom": [{"sourceRef": {"generatorRef": generator}}],
            "target": target,
        },
    )


def _shell(
    entry: DatabaseEntry,
    namespace: str,
    spec: dict[str, Any],
    reads: SecretStoreRef | None = None,
) -> Rendered:
    """The ExternalSecret around a spec; it claims the Secret it writes."""
    document = {**metadata(EXTERNAL_SECRET, entry.secret_name, namespace), "spec": spec}
    return Rendered(document, (secret_claim(namespace, entry.secret_name),), reads)


def _target(
    entry: DatabaseEntry, spec: Spec, data: dict[str, str], policies: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "name": entry.secret_name,
        **(policies or {}),
        "template": {
            "type": "kubernetes.io/basic-auth",
            "metadata": _in_template(secret_metadata(spec)),
            "data": data,
        },
    }


def _in_template(metadata: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """ESO renders the values of the template's labels and annotations as Go templates
    too (v2.9.0 runtime/template/v2/template.go, valueScopeApply)."""
    return {
        part: {key: go_literal(value) for key, value in values.items()}
        for part, values in metadata.items()
    }


def secret_metadata(spec: Spec, reload: bool = True) -> dict[str, dict[str, str]]:
    """The user's labels and annotations, and the reload label CloudNativePG watches on a
    Secret with a password."""
    labels = {RELOAD_LABEL: "true"} if reload else {}
    metadata = {"labels": labels | spec.secretLabels} if labels or spec.secretLabels else {}
    if spec.secretAnnotations:
        metadata["annotations"] = dict(spec.secretAnnotations)
    return metadata
