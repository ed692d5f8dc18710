"""What a DatabaseSet generates: per entry, its objects, marked as the set's and placed
in their files. Each kind is shaped in its own module under render/."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .collisions import Generated
from .kinds import EXTERNAL_SECRET, SECRET
from .krm import Item
from .model import DatabaseEntry, Spec
from .ownership import OWNER, ObjectKey, landed, placement
from .render import (
    Endpoint,
    Rendered,
    app_credentials_for,
    connection_secret_for,
    database_for,
    database_role_for,
    password_generator_for,
    role_credentials_for,
)

MADE_TOGETHER = 50  # objects written to text at once: fast enough, and few kept as data


def generate(
    spec: Spec,
    set_name: str,
    endpoints: list[Endpoint],
    previous: dict[ObjectKey, Item],
    config_dir: str,
    applied: str,
) -> Iterator[Generated]:
    """Per entry: its DatabaseRole (when roles are objects) and Database, its password
    generator, then its credentials in its Cluster's namespace and in the app's; each
    marked as the set's and placed in its file. Made fifty at a time, as text.
    endpoints holds each entry's Cluster, by the entry's place; previous the objects
    an earlier run made, by key_of(obj, applied)."""
    rendered = _placed(spec, set_name, endpoints, previous, config_dir, applied)
    while batch := list(itertools.islice(rendered, MADE_TOGETHER)):
        objects = Item.new([made.document for _, made in batch])
        for (position, made), obj in zip(batch, objects, strict=True):
            yield Generated(position, obj, made.claims, made.reads)


def _placed(
    spec: Spec,
    set_name: str,
    endpoints: list[Endpoint],
    previous: dict[ObjectKey, Item],
    config_dir: str,
    applied: str,
) -> Iterator[tuple[int, Rendered]]:
    for position, (entry, endpoint) in enumerate(zip(spec.databases, endpoints, strict=True)):
        for made in _rendered_for(entry, spec, endpoint):
            document = made.document
            metadata = document["metadata"]
            if spec.commonLabels:
                metadata["labels"] = metadata.get("labels", {}) | spec.commonLabels
            key = _key_of_document(document)
            before = previous.get(landed(key, applied))
            _keep_secret_type(document, before)
            metadata["annotations"] = (
                metadata.get("annotations", {})
                | spec.commonAnnotations
                | {OWNER: set_name}
                | placement(key, before, config_dir)
            )
            yield position, made


def _keep_secret_type(document: dict, before: Item | None) -> None:
    """A Secret's type cannot change: an object that replaces another (an earlier run's,
    or an adopted one) writes its Secret with the type that one did (ESO writes Opaque
    where its template names none)."""
    if before is None:
        return
    if document["kind"] == EXTERNAL_SECRET.kind:
        written = before.get("spec", "target", "template", "type")
        document["spec"]["target"]["template"]["type"] = _secret_type(written)
    elif document["kind"] == SECRET.kind:
        document["type"] = _secret_type(before.get("type"))


def _secret_type(written: object) -> str:
    """The type written, or Opaque where none is: a type that is no string (a Secret
    never had it) is not copied into a generated object."""
    return written if isinstance(written, str) and written else "Opaque"


def _key_of_document(document: dict) -> ObjectKey:
    metadata = document["metadata"]
    group = document["apiVersion"].rpartition("/")[0]
    return (group, document["kind"], metadata.get("namespace", ""), metadata["name"])


def _rendered_for(entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
    """An entry being dropped keeps only what CloudNativePG needs to drop it. Objects
    for the Cluster's namespace are written with its namespace as the Cluster has it
    (none, for a Cluster that gets its namespace where it is applied)."""
    namespace = endpoint.written_namespace
    app_namespace = entry.appNamespace
    shared = app_namespace == endpoint.namespace
    documents = []
    if spec.roleOutput == "databaseRole":  # the owner first, as CloudNativePG creates them
        documents.append(database_role_for(entry, spec, endpoint.cluster, namespace))
    if not entry.roleOnly:
        documents.append(database_for(entry, spec.databaseDefaults, endpoint.cluster, namespace))
    if not entry.present:
        return documents
    if entry.password is not None:
        documents.append(password_generator_for(entry, namespace))
    if entry.has_password:
        documents.append(role_credentials_for(entry, spec, namespace, endpoint if shared else None))
        if app_namespace and not shared:
            documents.append(app_credentials_for(entry, spec, app_namespace, endpoint))
    elif app_namespace:
        documents.append(connection_secret_for(entry, spec, app_namespace, endpoint))
    return documents
