"""The live objects a status report reads, from kubectl's output.

Secrets are reduced to their name, namespace and resourceVersion the moment they are
read: their data is never looked at, kept or printed. `kubectl get secrets -o
custom-columns=...` gives just those three, and is what the kubectl plugin runs.
"""

from __future__ import annotations

from typing import Any

from ..kinds.base import Kind, ObjectKey, field
from ..kinds.secret import SECRET
from ..krm import Item, YamlError

SECRET_COLUMNS = "NAMESPACE:.metadata.namespace,NAME:.metadata.name,RV:.metadata.resourceVersion"
"""The custom columns of `kubectl get secrets` that the report reads, in this order."""


class LiveObjects:
    """The objects read from the cluster, by kind, namespace and name.

    namespaces is None when every namespace was read; secrets_read says whether any
    Secret metadata was given at all (without it, a Secret is unknown, not missing).
    """

    def __init__(
        self, objects: list[dict[str, Any]], secrets_read: bool, namespaces: set[str] | None
    ) -> None:
        self.secrets_read = secrets_read
        self.namespaces = namespaces
        self._by_key: dict[ObjectKey, dict[str, Any]] = {}
        for values in objects:
            self._by_key[_key(values)] = values

    def get(self, kind: Kind, namespace: str, name: str) -> dict[str, Any] | None:
        return self._by_key.get(kind.key(namespace, name))

    def covers(self, kind: Kind, namespace: str) -> bool:
        if kind == SECRET and not self.secrets_read:
            return False
        return self.namespaces is None or namespace in self.namespaces

    def of_kind(self, kind: Kind) -> list[dict[str, Any]]:
        return [
            values
            for (group, name, *_), values in self._by_key.items()
            if (group, name) == (kind.group, kind.kind)
        ]


def live_objects(
    items: list[Item], secret_tables: list[str], namespaces: set[str] | None = None
) -> LiveObjects:
    """What kubectl printed: objects as YAML (a stream, or a `kind: List`), and
    `kubectl get secrets -o custom-columns=` tables."""
    objects = []
    secrets_read = bool(secret_tables)
    for item in items:
        if SECRET.of(item):
            secrets_read = True
            objects.append(
                secret_metadata(item.namespace, item.name, item.get("metadata", "resourceVersion"))
            )
        else:
            objects.append(item.read())
    for table in secret_tables:
        objects += secret_rows(table)
    return LiveObjects(objects, secrets_read, namespaces)


def secret_metadata(namespace: str, name: str, version: Any) -> dict[str, Any]:
    """All a report keeps of a Secret."""
    metadata = {"name": name, "namespace": namespace, "resourceVersion": version}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": metadata}


def secret_rows(table: str) -> list[dict[str, Any]]:
    """The rows of `kubectl get secrets -o custom-columns=` SECRET_COLUMNS, with or
    without its header line."""
    rows = []
    for number, line in enumerate(table.splitlines(), 1):
        cells = line.split()
        if not cells or cells == ["NAMESPACE", "NAME", "RV"]:
            continue
        if len(cells) != 3:
            raise YamlError(
                f"line {number} of the Secret list must be NAMESPACE NAME RV, as "
                f"kubectl get secrets -o custom-columns={SECRET_COLUMNS} prints it; got {line!r}"
            )
        rows.append(secret_metadata(*cells))
    return rows


def _key(values: dict[str, Any]) -> ObjectKey:
    api_version = str(values.get("apiVersion") or "")
    group = api_version.rpartition("/")[0]
    metadata = field(values, "metadata")
    return (
        group,
        str(values.get("kind")),
        str(metadata.get("namespace") or ""),
        str(metadata.get("name")),
    )
