"""KubeObject: one resource of a ResourceList, read and edited without losing its text.

A KubeObject wraps the resource's YAML node tree. Reading gives YAML 1.2 values;
writing replaces only the nodes written to, so every other scalar keeps its text and
quoting and every collection its flow or block style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from .yaml12 import copy_node, mapping_delete, mapping_get, mapping_set, to_node, to_python

LOCAL_CONFIG = "config.kubernetes.io/local-config"
PATH = "config.kubernetes.io/path"
INDEX = "config.kubernetes.io/index"
INTERNAL_PATH = "internal.config.kubernetes.io/path"
INTERNAL_INDEX = "internal.config.kubernetes.io/index"
# Annotations kpt and kustomize set and read back to keep track of an object.
ORCHESTRATOR_PREFIXES = (
    "config.kubernetes.io/",
    "internal.config.kubernetes.io/",
    "config.k8s.io/",
    "kustomize.config.k8s.io/",
)


class KubeObject:
    """A resource as a YAML mapping node, with the accessors a function needs."""

    def __init__(self, node: MappingNode) -> None:
        self.node = node

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> KubeObject:
        return cls(to_node(dict(value)))

    def copy(self) -> KubeObject:
        return KubeObject(copy_node(self.node))

    # Reading ---------------------------------------------------------------

    def get_node(self, *path: str) -> Node | None:
        """The node at a path of mapping keys, or None where the path does not lead."""
        node: Node | None = self.node
        for step in path:
            if not isinstance(node, MappingNode):
                return None
            node = mapping_get(node, step)
        return node

    def get(self, *path: str) -> Any:
        """The YAML 1.2 value at path, or None where the path does not lead."""
        node = self.get_node(*path)
        return None if node is None else to_python(node)

    def _string(self, *path: str) -> str:
        node = self.get_node(*path)
        return node.value if isinstance(node, ScalarNode) else ""

    @property
    def api_version(self) -> str:
        return self._string("apiVersion")

    @property
    def kind(self) -> str:
        return self._string("kind")

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self._string("metadata", "name")

    @property
    def namespace(self) -> str:
        return self._string("metadata", "namespace")

    def is_kind(self, api_version: str, kind: str) -> bool:
        return self.api_version == api_version and self.kind == kind

    @property
    def annotations(self) -> dict[str, str]:
        """Annotations as strings, in their order (values of other types as written)."""
        node = self.get_node("metadata", "annotations")
        if not isinstance(node, MappingNode):
            return {}
        return {
            key.value: value.value
            for key, value in node.value
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode)
        }

    @property
    def is_local_config(self) -> bool:
        return self.annotations.get(LOCAL_CONFIG, "false") != "false"

    @property
    def orchestrator_annotations(self) -> dict[str, str]:
        """What kpt and kustomize track the object by: path, index, ids."""
        return {
            key: value
            for key, value in self.annotations.items()
            if key.startswith(ORCHESTRATOR_PREFIXES) and key != LOCAL_CONFIG
        }

    @property
    def path(self) -> str:
        annotations = self.annotations
        return annotations.get(INTERNAL_PATH) or annotations.get(PATH, "")

    @property
    def index(self) -> str:
        annotations = self.annotations
        return annotations.get(INTERNAL_INDEX) or annotations.get(INDEX, "0")

    def describe(self) -> str:
        """How a user finds the object: kind, namespace/name, and its file if known."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        text = f'{self.kind} "{where}"'
        return f"{text} (in {self.path})" if self.path else text

    def resource_ref(self) -> dict[str, str]:
        ref = {"apiVersion": self.api_version, "kind": self.kind, "name": self.name}
        if self.namespace:
            ref["namespace"] = self.namespace
        return ref

    # Writing ---------------------------------------------------------------

    def set(self, *path: str, value: Any) -> None:
        """Set the value at a path of mapping keys, creating mappings on the way."""
        node = self.node
        for step in path[:-1]:
            child = mapping_get(node, step)
            if not isinstance(child, MappingNode):
                child = MappingNode("tag:yaml.org,2002:map", [], flow_style=False)
                mapping_set(node, step, child)
            node = child
        mapping_set(node, path[-1], to_node(value))

    def delete(self, *path: str) -> None:
        parent = self.get_node(*path[:-1])
        if isinstance(parent, MappingNode):
            mapping_delete(parent, path[-1])

    def set_labels(self, labels: Mapping[str, str]) -> None:
        for key, value in labels.items():
            self.set("metadata", "labels", key, value=value)

    def set_annotations(self, annotations: Mapping[str, str]) -> None:
        for key, value in annotations.items():
            self.set("metadata", "annotations", key, value=value)

    def remove_annotations(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.delete("metadata", "annotations", key)
        remaining = self.get_node("metadata", "annotations")
        if isinstance(remaining, MappingNode) and not remaining.value:
            self.delete("metadata", "annotations")
