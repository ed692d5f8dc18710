"""KubeObject: one resource of a ResourceList, read and edited without losing its text.

A KubeObject wraps the resource's YAML node tree. Reading gives YAML 1.2 values;
writing replaces only the nodes written to, so every other scalar keeps its text and
quoting and every collection its flow or block style.

An item that came in as text keeps that text until something writes to it: its
header is read from the text, its node tree is built only when a function reads
further, and it goes out as the very text it came in as.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .item_text import ItemHeader, Span, read_header
from .yaml12 import (
    SEQ,
    YamlError,
    copy_node,
    mapping_delete,
    mapping_get,
    mapping_set,
    parse_documents,
    repeated_key,
    serialize,
    to_node,
    to_python,
)

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
_ITEM_START = re.compile(r"^-(?: |$)", re.MULTILINE)  # in a block sequence at column 0


class KubeObject:
    """A resource as a YAML mapping node, with the accessors a function needs.

    Slots, not a __dict__: a large package has tens of thousands of items.
    """

    __slots__ = (
        "_changed",
        "_checked",
        "_end",
        "_header",
        "_node",
        "_source",
        "_start",
        "_where",
    )

    def __init__(self, node: MappingNode, where: str | None = None) -> None:
        """where names an input item in errors, like `ResourceList items[3]`; only input
        items are checked for repeated keys."""
        self._setup(node=node, where=where or "the resource", checked=where is None)

    def _setup(
        self,
        *,
        node: MappingNode | None = None,
        source: str | None = None,
        span: Span = (0, 0),
        header: ItemHeader | None = None,
        where: str | int | None = "the resource",
        checked: bool = True,
    ) -> None:
        """One object has a node tree, or its text in source and the header read from it."""
        self._node, self._source, self._header = node, source, header
        self._start, self._end = span  # of the text in source
        self._where, self._checked, self._changed = where, checked, False

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> KubeObject:
        """A new object; see from_dicts to make many."""
        return cls.from_dicts([value])[0]

    @classmethod
    def from_dicts(cls, values: Sequence[Mapping[str, Any]]) -> list[KubeObject]:
        """New objects, written out as text at once and kept as that text: thousands of
        new objects take a third of the memory as text, and are written only once."""
        text = serialize(SequenceNode(SEQ, [to_node(dict(value)) for value in values]))
        starts = [match.start() for match in _ITEM_START.finditer(text)] + [len(text)]
        return [
            cls._from_source(text, span, _header_of(value), "the resource")
            for value, span in zip(values, itertools.pairwise(starts), strict=True)
        ]

    @classmethod
    def from_text(
        cls, source: str, span: Span, header: ItemHeader | None, where: str | int | None
    ) -> KubeObject:
        """An item as a ResourceList carries it ("- " and the item's lines, or a top-level
        key's line and the lines below it): the part of source from span's start to its
        end. Errors name it by its header; without one, by where (a number: `ResourceList
        items[number]`), and the text is parsed at once.

        The item keeps a reference into source, not a copy: a large input is held once.
        """
        obj = cls._from_source(source, span, header, where if header is None else None)
        obj._checked = False
        if header is None:
            obj._node = obj._parse()
        return obj

    @classmethod
    def _from_source(
        cls, source: str, span: Span, header: ItemHeader | None, where: str | int | None
    ) -> KubeObject:
        obj = cls.__new__(cls)
        obj._setup(source=source, span=span, header=header, where=where)
        return obj

    def as_text(self) -> KubeObject:
        """The object as the text it is written as, held as that text: for an object a
        function has finished editing, whose new nodes take ten times the memory."""
        text = serialize(SequenceNode(SEQ, [self.node]))
        return KubeObject.from_text(text, (0, len(text)), read_header(text), self._where)

    def as_received(self) -> KubeObject:
        """The item as it came in, whatever has been written to it since."""
        if self._source is None:
            raise ValueError("only an item that came in as text can be made again")
        span = (self._start, self._end)
        return KubeObject.from_text(self._source, span, self._header, self._where)

    @property
    def _named(self) -> str:
        """How errors name the object: as its header describes it, else by where."""
        where = self._where
        if where is None:  # not self.describe(): it would read the node tree being checked
            return self.as_received().describe()
        return f"ResourceList items[{where}]" if isinstance(where, int) else where

    @property
    def node(self) -> MappingNode:
        """The node tree; an item read this far must not repeat a key, as a function
        reading it would see only one of the two values."""
        if self._node is None:
            self._node = self._parse()
        if not self._checked:
            repeated = repeated_key(self._node)
            if repeated is not None:
                line = self._first_line() + repeated.start_mark.line + 1
                raise YamlError(
                    f'{self._named} must not have the key "{repeated.value}" twice in one '
                    f"mapping (line {line} of the ResourceList); keep one"
                )
            self._checked = True
        return self._node

    @property
    def text(self) -> str | None:
        """The text the item came in as, while nothing has written to it."""
        if self._source is None or self._changed:
            return None
        return self._source[self._start : self._end]

    def _parse(self) -> MappingNode:
        assert self._source is not None
        text = self._source[self._start : self._end]
        try:
            documents = parse_documents(text)
        except YamlError:  # again after as many lines as come before it in the input,
            try:  # so that the error gives the line there
                parse_documents("\n" * self._first_line() + text)
            except YamlError as problem:
                raise YamlError(f"{self._named}: {problem}") from None
            raise
        root = documents[0]  # the list around an item, or the mapping around a key's value
        item = root.value[0] if isinstance(root, SequenceNode) else root.value[0][1]
        if not isinstance(item, MappingNode):
            raise YamlError(f"{self._named} must be a mapping (a resource)")
        return item

    def _first_line(self) -> int:
        """The line (from 0) the object's text starts at in its source."""
        return 0 if self._source is None else self._source.count("\n", 0, self._start)

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
        """The YAML 1.2 value at path, or None where the path does not lead.

        The whole of an item not yet read past its header is read from its text, and the
        node tree is not kept: the caller keeps the data it asked for.
        """
        if not path and self._node is None:
            return to_python(self._parse())
        node = self.get_node(*path)
        return None if node is None else to_python(node)

    def _string(self, *path: str) -> str:
        node = self.get_node(*path)
        return node.value if isinstance(node, ScalarNode) else ""

    @property
    def api_version(self) -> str:
        return self._header.api_version if self._unread else self._string("apiVersion")

    @property
    def kind(self) -> str:
        return self._header.kind if self._unread else self._string("kind")

    @property
    def _unread(self) -> bool:
        """Only the header has been read: it answers for the text."""
        return self._node is None and self._header is not None

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self._header.name if self._unread else self._string("metadata", "name")

    @property
    def namespace(self) -> str:
        return self._header.namespace if self._unread else self._string("metadata", "namespace")

    def is_kind(self, api_version: str, kind: str) -> bool:
        return self.api_version == api_version and self.kind == kind

    @property
    def annotations(self) -> dict[str, str]:
        """Annotations as strings, in their order (values of other types as written)."""
        if self._unread:
            return self._header.annotations
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
        self._changed = True
        for step in path[:-1]:
            child = mapping_get(node, step)
            if not isinstance(child, MappingNode):
                child = MappingNode("tag:yaml.org,2002:map", [], flow_style=False)
                mapping_set(node, step, child)
            node = child
        mapping_set(node, path[-1], to_node(value))

    def delete(self, *path: str) -> None:
        self._changed = True
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


def _header_of(value: Mapping[str, Any]) -> ItemHeader | None:
    """The header of a new object, or None where a field is not a string as written."""
    metadata = value.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    fields = [value.get("apiVersion", ""), value.get("kind", "")]
    fields += [metadata.get("name", ""), metadata.get("namespace", "")]
    if not all(type(field) is str for field in (*fields, *annotations, *annotations.values())):
        return None
    return ItemHeader(*fields, annotations.items())
