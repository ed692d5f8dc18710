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

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, NamedTuple

from yaml.nodes import MappingNode, SequenceNode

from . import edits
from .block_reader import read_block
from .header import Header, Span, header_of
from .messages import quoted, unquoted
from .yaml12 import (
    Tree,
    YamlError,
    block_entry_text,
    mapping_value,
    parse_tree,
    parse_value,
)

LOCAL_CONFIG = "config.kubernetes.io/local-config"
PATH = "config.kubernetes.io/path"
INDEX = "config.kubernetes.io/index"
INTERNAL_PATH = "internal.config.kubernetes.io/path"
PACKAGE_PATH = "internal.config.kubernetes.io/package-path"  # kpt sets it; kustomize does not
SEQ_INDENT = "internal.config.kubernetes.io/seqindent"  # kpt sets it; kustomize does not
INTERNAL_INDEX = "internal.config.kubernetes.io/index"
# Annotations kpt and kustomize set and read back to keep track of an object.
ORCHESTRATOR_PREFIXES = (
    "config.kubernetes.io/",
    "internal.config.kubernetes.io/",
    "config.k8s.io/",
    "kustomize.config.k8s.io/",
)

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
UNREAD = Header("", "", "", "", ())  # for an item about to be parsed anyway


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
    def new(cls, value: Mapping[str, Any]) -> Item:
        """A new resource, kept as text (thousands of new objects take a third of the
        memory as text), written as a ResourceList's entry."""
        text = block_entry_text(dict(value))
        return cls(text, (0, len(text)), ENTRY, NEW, _header_of_value(value) or UNREAD)

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

    @property
    def is_local_config(self) -> bool:
        return self.header.annotation(LOCAL_CONFIG, "false") != "false"

    @property
    def orchestrator_annotations(self) -> dict[str, str]:
        """What kpt and kustomize track the object by: path, index, ids."""
        return {
            key: value for key, value in self.annotations.items() if is_orchestrator_annotation(key)
        }

    @property
    def path(self) -> str:
        header = self.header
        return header.annotation(INTERNAL_PATH) or header.annotation(PATH)

    @property
    def index(self) -> str:
        header = self.header
        return header.annotation(INTERNAL_INDEX) or header.annotation(INDEX, "0")

    def unplaced(self) -> Item:
        """The object without the file annotations that place it for kpt."""
        obj = self.parse()
        for key in (PATH, INDEX, INTERNAL_PATH, INTERNAL_INDEX):
            obj.delete("metadata", "annotations", key)
        return obj.to_item()

    def describe(self) -> str:
        """How a user finds the object: kind, namespace/name, and the file it was read
        from. A new object's file is where kpt will write it, and kustomize writes none:
        it is not named."""
        if self.header is None or not self.kind:
            return self.origin.where
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        text = f"{self.kind} {quoted(where)}"
        return (
            f"{text} (in {unquoted(self.path)})" if self.path and self.origin is not NEW else text
        )

    def resource_ref(self) -> dict[str, str]:
        ref = {"apiVersion": self.api_version, "kind": self.kind, "name": self.name}
        if self.namespace:
            ref["namespace"] = self.namespace
        return ref

    # Reading past the header ----------------------------------------------------------

    def read(self) -> dict[str, Any]:
        """The resource's YAML 1.2 values, read straight from the text (no node tree): a
        key twice in one mapping is an error, as kpt and kustomize refuse it."""
        value = read_block(self.text)  # what the function wrote, read without the parser
        if value is None:
            try:
                value = _in_input(self, lambda text: parse_value(text, _SKIPPED[self.form]))
            except YamlError as problem:
                raise YamlError(f"{self.describe()}: {problem}") from None
        if self.form == ENTRY:
            value = value[0] if isinstance(value, list) and value else None
        elif self.form == VALUE:
            value = next(iter(value.values())) if isinstance(value, dict) and value else None
        if not isinstance(value, dict):
            raise YamlError(f"{self.describe()} must be a mapping (a resource)")
        return value

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

    def _tree(self) -> Tree:
        try:
            tree = _in_input(self, parse_tree)
        except YamlError as problem:
            raise YamlError(f"{self.describe()}: {problem}") from None
        root = tree.root
        if self.form == ENTRY:
            root = root.value[0] if isinstance(root, SequenceNode) and root.value else None
        elif self.form == VALUE:
            root = root.value[0][1] if isinstance(root, MappingNode) and root.value else None
        if not isinstance(root, MappingNode):
            raise YamlError(f"{self.describe()} must be a mapping (a resource)")
        return Tree(root, tree.shared)


class KubeObject:
    """An item parsed, to read deep and to edit. Each edit splices the text of one node
    (located in a tree parsed for it) and checks that the new text reads as the edit
    meant: as before, with that node changed. Values are read without a tree, which a
    large Cluster would hold tens of thousands of nodes of."""

    __slots__ = ("_item", "_tree", "_values")

    def __init__(self, item: Item) -> None:
        self._item = item
        self._values = item.read()
        self._tree: Tree | None = None

    @property
    def text(self) -> str:
        return self._item.text

    def get(self, *path: str) -> Any:
        """The value at a path of mapping keys, or None where the path does not lead; to
        read, not to change (the object's own values)."""
        value: Any = self._values
        for step in path:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    def set(self, *path: str, value: Any, first: bool = False) -> edits.Created | None:
        """Set the value at path (mappings made on the way, a new key first in its
        mapping with first); see edits.set_value."""
        text, created = edits.set_value(self.text, self._located(), path, value, first)
        self._replace(text, path, value)
        return created

    def created_by_set(self, *path: str) -> edits.Created | None:
        """What set(*path) would create, without setting it."""
        return edits.created_by_set(self.text, self._located(), path)

    def restore(self, path: Sequence[str], before: edits.Emptied | None) -> None:
        """Undo a set that created structure: what stood there back as written, or its
        key gone."""
        text = edits.set_text(self.text, self._located(), path, before)
        self._replace(text, path, _MISSING if before is None else before.value)

    def delete(self, *path: str) -> None:
        self._replace(edits.delete_key(self.text, self._located(), path), path, _MISSING)

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
        text = edits.update_list(self.text, self._located(), path, key, upserts, removals)
        self._replace(text, path, expected)

    def to_item(self) -> Item:
        return self._item

    def _located(self) -> Tree:
        """The tree whose marks locate nodes in the text, parsed when an edit needs it."""
        if self._tree is None:
            self._tree = self._item._tree()
        return self._tree

    def _in_flow(self, path: Sequence[str]) -> bool:
        """Whether the mapping at path is written in flow style (`{a: b}`), in the tree
        the edit was located in."""
        node = self._tree.root if self._tree is not None else None
        for step in path:
            node = mapping_value(node, step)
        return isinstance(node, MappingNode) and bool(node.flow_style)

    def _replace(self, text: str, path: Sequence[str], expected: Any) -> None:
        """Take the edited text, after checking it reads as before with path set to
        expected: a splice must never change anything else."""
        item = self._item
        edited = Item(text, (0, len(text)), item.form, item.origin, UNREAD)
        empty_is_null = not self._in_flow(path[:-1])
        self._tree = None  # a large object's tree goes before the next is made
        values = edited.read()
        if not _same(values, _with(self._values, path, expected, empty_is_null)):
            raise AssertionError(f"an edit of {'.'.join(path)} changed more than it should")
        edited.header = _header_of_value(values) or header_of(edited._tree().root)
        self._item, self._values = edited, values


_MISSING = object()


def placement(previous: Item | None, default_path: str) -> dict[str, str]:
    """The annotations that give a new object the file kpt writes it to: that of the
    object it replaces, or default_path.

    previous's kpt and kustomize annotations (ids included) are carried over, so kpt
    keeps the comments a user wrote into the file of an object made anew.
    """
    carried = previous.orchestrator_annotations if previous is not None else {}
    path = previous.path if previous is not None and previous.path else None
    index = previous.index if path else "0"
    path = path or default_path
    return {**carried, PATH: path, INDEX: index, INTERNAL_PATH: path, INTERNAL_INDEX: index}


def is_orchestrator_annotation(key: str) -> bool:
    """Whether an annotation only says where an orchestrator keeps the object."""
    return key.startswith(ORCHESTRATOR_PREFIXES) and key != LOCAL_CONFIG


def _same(read: Any, meant: Any) -> bool:
    """Whether the values read back are the values meant, a NaN counting as equal to a
    NaN: `==` finds a NaN unequal to itself, so a Cluster with `.nan` anywhere could not
    be edited. `==` first: it is the fast answer for a large object."""
    if read == meant:
        return True
    if isinstance(read, dict) and isinstance(meant, dict):
        return read.keys() == meant.keys() and all(_same(read[k], meant[k]) for k in read)
    if isinstance(read, list) and isinstance(meant, list):
        return len(read) == len(meant) and all(map(_same, read, meant))
    return read != read and meant != meant


_SKIPPED = {ENTRY: 1, VALUE: 1, DOCUMENT: 0}  # steps above the resource, left out of paths


def _in_input(item: Item, parse: Callable[[str], Any]) -> Any:
    """parse(the item's text); on an error, the message gives the line in the input."""
    try:
        return parse(item.text)
    except YamlError:  # again after as many lines as come before it in the input
        parse("\n" * item.origin.line + item.text)
        raise


def _with(
    data: dict[str, Any], path: Sequence[str], value: Any, empty_is_null: bool
) -> dict[str, Any]:
    """A copy of data with path set to value (the mappings on the way copied, the rest
    shared); a block mapping whose last key goes is null (empty_is_null), a flow one
    `{}`."""
    top = node = dict(data)
    parents = []
    for step in path[:-1]:
        child = node.get(step)
        node[step] = child = dict(child) if isinstance(child, dict) else {}
        parents.append((node, step))
        node = child
    if value is not _MISSING:
        node[path[-1]] = value
    elif node.pop(path[-1], _MISSING) is not _MISSING and not node and parents and empty_is_null:
        parent, step = parents[-1]
        parent[step] = None
    return top


def _header_of_value(value: Mapping[str, Any]) -> Header | None:
    """The header of a resource given as its values; None where a field of it is not a
    string (a header holds the text a scalar is written as). A null is "", as in the
    header read from text: Kubernetes reads `namespace: null` as no namespace."""
    metadata = value.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    if not isinstance(metadata, dict) or not isinstance(annotations, dict):
        return None
    fields = [value.get("apiVersion"), value.get("kind")]
    fields += [metadata.get("name"), metadata.get("namespace")]
    fields = ["" if field is None else field for field in fields]
    annotations = {key: "" if text is None else text for key, text in annotations.items()}
    strings = [*fields, *annotations, *annotations.values()]
    if not all(type(field) is str for field in strings):
        return None
    return Header(*fields, annotations.items())
