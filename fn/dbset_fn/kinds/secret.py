"""The app's connection Secret for a trust database, and what every Secret the set makes
holds (written by the function here, or by ESO from an ExternalSecret).

A trust database has no password, so nothing for ESO to fetch: every key is known
when the function runs, and the function writes the Secret itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..config.model import RELOAD_LABEL, DatabaseEntry, Spec
from ..krm import Item, Result, quoted
from .base import (
    APP_SECRET,
    OK,
    Adoption,
    Claim,
    ClaimType,
    GeneratedKind,
    Kind,
    Live,
    Pruning,
    Rendered,
    Verdict,
    field,
    lost,
)
from .base import metadata as start
from .connection import Endpoint, connection_keys

SECRET = Kind("", "v1", "Secret")
SECRET_CLAIM = ClaimType("Secret", "writes", "two writers of one Secret overwrite each other")
BASIC_AUTH = "kubernetes.io/basic-auth"
GENERATED_FIELDS = frozenset({"apiVersion", "kind", "metadata", "type", "stringData"})
"""What a generated Secret holds, and nothing else."""


class Secret(GeneratedKind):
    kind = SECRET
    immutable = ("type",)
    claim_types = (SECRET_CLAIM,)

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        """Only a trust entry's app gets one. Labelled and annotated like the Secrets ESO
        writes for the other entries, less the reload label: there is no password to
        reload."""
        if not entry.present or entry.has_password:
            return []
        return [_connection_secret(entry, spec, endpoint, place) for place in entry.app_namespaces]

    def claims(self, values: dict[str, Any], namespace: str) -> list[Claim]:
        name = field(values, "metadata").get("name")
        return [secret_claim(namespace, name)] if isinstance(name, str) else []

    def keep_from(self, document: dict[str, Any], before: dict[str, Any]) -> None:
        """A Secret's type cannot change: the new one keeps the type before had."""
        document["type"] = secret_type(before.get("type"))

    def foreign_reason(self, obj: Item) -> str | None:
        fields = set(obj.read())
        if fields <= GENERATED_FIELDS:
            return None
        extra = ", ".join(sorted(str(name) for name in fields - GENERATED_FIELDS))
        return f"a generated Secret has no {quoted(extra)}"

    def adoption_refusal(self, obj: Item, new: Item, adoption: Adoption) -> str | None:
        """A Secret's data is never replaced: only the fields and stringData keys the
        generated Secret writes may hold anything."""
        written = new.get("stringData") or {}
        held = [
            path
            for name, value in obj.read().items()
            if name not in GENERATED_FIELDS or name == "stringData"
            for path in _held_paths(str(name), value, written if name == "stringData" else {})
        ]
        if not held:
            return None
        return (
            f"it holds {quoted(', '.join(held))}, which the generated Secret does not write "
            "and adopting would lose"
        )

    def adoption_notes(self, old: Item, new: Item, renamed: bool) -> Iterator[str]:
        yield from type_kept(new.get("type"))

    def answers(
        self, document: dict[str, Any], entry: DatabaseEntry, endpoint: Endpoint
    ) -> tuple[str, ...]:
        return (APP_SECRET,)

    def verdict(self, values: dict[str, Any], live: Live) -> Verdict:
        """Nothing acts on it once applied: it is there (the report said so if not)."""
        return Verdict(OK)

    def pruned(self, obj: Item, values: Any, pruning: Pruning) -> Iterator[Result]:
        keys = field(values, "stringData")
        role = keys.get("username") if isinstance(keys.get("username"), str) else None
        for_app = "host" in keys or obj.namespace not in pruning.clusters
        yield from deleted_secret(obj, obj.name, role, for_app, pruning)


def secret_version(live: Live, namespace: str, name: str) -> str | None:
    """The live Secret's resourceVersion (its metadata is all a status report reads of
    it); None when it was not read or is not there."""
    version = field(live.get(SECRET, namespace, name), "metadata").get("resourceVersion")
    return None if version is None else str(version)


def _connection_secret(
    entry: DatabaseEntry, spec: Spec, endpoint: Endpoint, namespace: str
) -> Rendered:
    document = start(SECRET, entry.secret_name, namespace)
    document["metadata"] |= secret_metadata(spec, reload=False)
    document |= {"type": BASIC_AUTH, "stringData": connection_keys(entry, endpoint)}
    return Rendered(document, (secret_claim(namespace, entry.secret_name),))


def secret_claim(namespace: str, name: str) -> Claim:
    return Claim(SECRET_CLAIM, namespace, "", name)


def secret_metadata(spec: Spec, reload: bool = True) -> dict[str, dict[str, str]]:
    """The user's labels and annotations, and the reload label CloudNativePG watches on a
    Secret with a password."""
    labels = {RELOAD_LABEL: "true"} if reload else {}
    metadata = {"labels": labels | spec.secretLabels} if labels or spec.secretLabels else {}
    if spec.secretAnnotations:
        metadata["annotations"] = dict(spec.secretAnnotations)
    return metadata


def secret_type(written: object) -> str:
    """The type written, or Opaque where none is (ESO writes Opaque where its template
    names none): a type that is no string (a Secret never had it) is not copied."""
    return written if isinstance(written, str) and written else "Opaque"


def type_kept(kept_type: object) -> Iterator[str]:
    """A note for a Secret that keeps another type than the generated one's."""
    if kept_type not in (None, BASIC_AUTH):
        yield (
            f"; its Secret stays of type {quoted(kept_type)}, as Kubernetes cannot change a "
            f"Secret's type: to switch to {BASIC_AUTH} on purpose, delete this object's file "
            "and render, then delete the Secret and this ExternalSecret in the cluster before "
            "applying, so that ESO writes the Secret anew (a generated password changes then)"
        )


def deleted_secret(
    obj: Item, name: str, role: str | None, for_app: bool, pruning: Pruning
) -> Iterator[Result]:
    """Only an app's Secret: the one CloudNativePG alone reads goes with its role."""
    if role is None or not for_app:
        return
    where = f"{obj.namespace}/{name}" if obj.namespace else name
    deleted = "it" if SECRET.of(obj) else f"Secret {quoted(where)}"
    listed = pruning.entries.get(role)
    yield lost(
        f"{obj.describe()} is pruned, so Kubernetes deletes {deleted}, which the app of "
        f"role {quoted(role)} reads to connect",
        listed,
        _keeps_secret(listed[1], obj.namespace, name) if listed else "",
        role,
    )


def _keeps_secret(entry: DatabaseEntry, namespace: str, name: str) -> str:
    if not entry.present:
        return "set ensure: present"
    if not entry.app_namespaces:
        return f"set appNamespace back to {quoted(namespace)}"
    if namespace not in entry.app_namespaces:
        return f"add {quoted(namespace)} back to appNamespace"
    if entry.model_copy(update={"secretName": None}).secret_name == name:
        return "remove secretName"
    return f"set secretName back to {quoted(name)}"


def _held_paths(name: str, value: Any, written: dict[str, Any]) -> list[str]:
    """Where a field holds something: each key of a mapping (but those written anew),
    or the field itself."""
    if isinstance(value, dict):
        return [f"{name}.{key}" for key in value if key not in written]
    return [] if value in (None, "", []) else [name]
