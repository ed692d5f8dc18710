"""A resource in two explicit states: an Item held as text, and a KubeObject parsed from it.

An Item is what the input carried (or what a function wrote): its text and its header
(apiVersion, kind, name, namespace, annotations). Nothing changes an Item, so an item
the function does not edit goes out as the very text it came in as.

Reading past the header parses the text: `Item.read()` gives the YAML 1.2 values,
`Item.parse()` a KubeObject. A KubeObject is edited through its methods only: each
edit replaces the text of one node (see edits.py), so anchors, aliases, tags, comments
and quoting elsewhere stay byte for byte; `KubeObject.to_item()` is the edited item.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from yaml.nodes import MappingNode, Node, SequenceNode

from . import edits
from .header import Header, Span, header_of
from .messages import quoted, unquoted
from .yaml12 import (
    SEQ,
    Tree,
    YamlError,
    parse_documents,
    parse_tree,
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
_ENTRY_START = re.compile(r"^-(?: |$)", re.MULTILINE)  # in a block sequence at column 0

ENTRY = "entry"  # "- " and the lines below, as a ResourceList's items are written
DOCUMENT = "document"  # a YAML document of its own, as in a file
VALUE = "value"  # a key's line and its block value below, as a functionConfig


class Origin(NamedTuple):
    """Where an item's text came from, for messages: its input and its place there.

    Made for every item of a large package, so it holds references only; the line is
    counted when a message needs it.
    """

    places: str  # how its input names its items: "ResourceList items[{}]"
    position: int  # its place among them
    source: str  # the input's text
    offset: int  # where the item's text starts in it

    @property
    def where(self) -> str:
        return self.places.format(self.position)

    @property
    def line(self) -> int:
        """The line of the input the item's text starts at, from 0."""
        return self.source.count("\n", 0, self.offset)


NEW = Origin("a new resource", 0, "", 0)


class Item:
    """A resource as text, with its header. Slots: a large package has tens of thousands."""

    __slots__ = ("_end", "_source", "_start", "form", "header", "origin")
    header: Header  # set on construction, from the text if not given

    def __init__(
        self,
        source: str,
        span: Span,
        form: str,
        origin: Origin,
        header: Header | None = None,
    ) -> None:
        """The part span of source, a resource written in form. Without a header the text
        is parsed for it now, so a text that is not a resource fails here.

        The item keeps a reference into source, not a copy: a large input is held once.
        """
        self._source, (self._start, self._end), self.form, self.origin = source, span, form, origin
        self.header = header
        if header is None:
            self.header = header_of(self._tree().root)

    @classmethod
    def new(cls, values: Sequence[Mapping[str, Any]]) -> list[Item]:
        """New resources, written out together (fast) and kept as text: thousands of new
        objects take a third of the memory as text."""
        text = serialize(SequenceNode(SEQ, [to_node(dict(value)) for value in values]))
        starts = [match.start() for match in _ENTRY_START.finditer(text)] + [len(text)]
        return [
            cls(text, span, ENTRY, NEW, _header_of_value(value))
            for value, span in zip(values, itertools.pairwise(starts), strict=True)
        ]

    @property
    def text(self) -> str:
        return self._source[self._start : self._end]

    # The header --------------------------------------------------------------------

    @property
    def api_version(self) -> str:
        return self.header.api_version

    @property
    def kind(self) -> str:
        return self.header.kind

    @property
    def name(self) -> str:
        return self.header.name

    @property
    def namespace(self) -> str:
        return self.header.namespace

    @property
    def annotations(self) -> dict[str, str]:
        return self.header.annotations

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    def is_kind(self, api_version: str, kind: str) -> bool:
        return self.header.api_version == api_version and self.header.kind == kind

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
        if self.header is None or not self.kind:
            return self.origin.where
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        text = f"{self.kind} {quoted(where)}"
        return f"{text} (in {unquoted(self.path)})" if self.path else text

    def resource_ref(self) -> dict[str, str]:
        ref = {"apiVersion": self.api_version, "kind": self.kind, "name": self.name}
        if self.namespace:
            ref["namespace"] = self.namespace
        return ref

    # Reading past the header ----------------------------------------------------------

    def read(self) -> dict[str, Any]:
        """The resource's YAML 1.2 values. The tree is not kept: the caller keeps what
        it asked for."""
        tree = self._tree()
        try:
            return to_python(tree.root)
        except YamlError as problem:
            raise YamlError(f"{self.describe()}: {problem}") from None

    def get(self, *path: str) -> Any:
        """The value at a path of mapping keys, or None where the path does not lead."""
        value: Any = self.read()
        for step in path:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    def parse(self) -> KubeObject:
        return KubeObject(self)

    def _checked_tree(self) -> Tree:
        """The tree, with no key twice in one mapping: a function reading it would see
        one of the two values, kpt and kustomize refuse it."""
        tree = self._tree()
        repeated = repeated_key(tree.root)
        if repeated is not None:
            line = self.origin.line + repeated.start_mark.line + 1
            raise YamlError(
                f"{self.describe()} must not have the key {quoted(repeated.value)} twice in "
                f"one mapping (line {line} of {self._input()}); keep one"
            )
        return tree

    def _tree(self) -> Tree:
        try:
            tree = parse_tree(self.text)
        except YamlError:  # again after as many lines as come before it in the input,
            try:  # so that the error gives the line there
                parse_tree("\n" * self.origin.line + self.text)
            except YamlError as problem:
                raise YamlError(f"{self.describe()}: {problem}") from None
            raise
        root = tree.root
        if self.form == ENTRY:
            root = root.value[0] if isinstance(root, SequenceNode) and root.value else None
        elif self.form == VALUE:
            root = root.value[0][1] if isinstance(root, MappingNode) and root.value else None
        if not isinstance(root, MappingNode):
            raise YamlError(f"{self.describe()} must be a mapping (a resource)")
        return Tree(root, tree.shared)

    def _input(self) -> str:
        return "the ResourceList" if self.origin.where.startswith("ResourceList") else "its file"


class KubeObject:
    """An item parsed, to read deep and to edit. Each edit splices the text of one node
    and parses the result again, and checks that it reads as the edit meant."""

    __slots__ = ("_item", "_text", "_tree")

    def __init__(self, item: Item) -> None:
        self._item = item
        self._text = item.text
        self._tree = item._checked_tree()

    @property
    def text(self) -> str:
        return self._text

    def get(self, *path: str) -> Any:
        """The value at a path of mapping keys, or None where the path does not lead."""
        value: Any = to_python(self._tree.root)
        for step in path:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    def set(self, *path: str, value: Any) -> edits.Created | None:
        """Set the value at path (mappings made on the way); see edits.set_value."""
        text, created = edits.set_value(self._text, self._tree, path, value)
        self._replace(text, path, value)
        return created

    def restore(self, path: Sequence[str], written: str | None) -> None:
        """Undo a set that created structure: its text back as written, or its key gone."""
        text = edits.set_text(self._text, self._tree, path, written)
        expected = _MISSING if written is None else _value_of(written)
        self._replace(text, path, expected)

    def delete(self, *path: str) -> None:
        self._replace(edits.delete_key(self._text, self._tree, path), path, _MISSING)

    def update_list(
        self,
        *path: str,
        key: str,
        upserts: Mapping[str, Any],
        removals: Collection[str] = (),
    ) -> None:
        """Upsert and remove elements of a list of mappings by their key field; the others
        keep their text. The list must not come out empty."""
        old = self.get(*path) or []
        pending = dict(upserts)
        expected = []
        for element in old:
            name = element.get(key) if isinstance(element, dict) else None
            if name not in removals:
                expected.append(pending.pop(name) if name in pending else element)
        expected += pending.values()
        text = edits.update_list(self._text, self._tree, path, key, upserts, removals)
        self._replace(text, path, expected)

    def to_item(self) -> Item:
        item = self._item
        return Item(self._text, (0, len(self._text)), item.form, item.origin)

    def _replace(self, text: str, path: Sequence[str], expected: Any) -> None:
        """Take the edited text, after checking it reads as before with path set to
        expected: a splice must never change anything else."""
        before = to_python(self._tree.root)
        _set_in(before, path, expected)
        item = Item(text, (0, len(text)), self._item.form, self._item.origin)
        tree = item._checked_tree()
        if to_python(tree.root) != before:
            raise AssertionError(f"an edit of {'.'.join(path)} changed more than it should")
        self._text, self._tree = text, tree


_MISSING = object()


def _child(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value in node.value:
        if getattr(key_node, "value", None) == key:
            return value
    return None


def _set_in(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    """data with path set to value; a block mapping whose last key goes is null."""
    parents = []
    for step in path[:-1]:
        if not isinstance(data.get(step), dict):
            data[step] = {}
        parents.append((data, step))
        data = data[step]
    if value is not _MISSING:
        data[path[-1]] = value
    elif data.pop(path[-1], _MISSING) is not _MISSING and not data and parents:
        parent, step = parents[-1]
        parent[step] = None


def _value_of(written: str) -> Any:
    documents = parse_documents(written) if written.strip() else []
    return to_python(documents[0]) if documents else None


def _header_of_value(value: Mapping[str, Any]) -> Header:
    metadata = value.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    return Header(
        value.get("apiVersion", ""),
        value.get("kind", ""),
        metadata.get("name", ""),
        metadata.get("namespace", ""),
        annotations.items(),
    )
