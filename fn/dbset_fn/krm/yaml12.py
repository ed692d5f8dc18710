"""YAML that means what kpt and kustomize mean, and gives back what it was given.

kpt and kustomize read YAML 1.2 (core schema) and write every scalar exactly as a
function emits it. PyYAML reads YAML 1.1 and, when it builds Python objects, forgets
how a value was written. So this module never builds Python objects from items: it
builds PyYAML's node tree from the parser's events, with scalars that keep their
original text and quoting style and collections that keep their flow or block
style, resolves plain scalars with the YAML 1.2 core schema, and serialises the same
tree back. Python values are made only on request (`to_python`), and new content is
turned into nodes (`to_node`) with quoting that no YAML 1.1 or 1.2 reader can misread.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any, NamedTuple

import yaml
from yaml.emitter import Emitter
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner
from yaml.serializer import Serializer

from .messages import quoted

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
MERGE = "tag:yaml.org,2002:merge"

# Limits far beyond any manifest, so that hostile input fails fast and cleanly:
MAX_ALIAS_NODES = 100_000  # nodes copied for aliases in one stream (alias bombs)
MAX_DEPTH = 256  # nested collections (C and Python recursion downstream)
MAX_INTEGER_DIGITS = 100  # Kubernetes fields hold at most 64-bit integers
# A line width no manifest reaches: the emitter must never fold a long value.
NO_WRAP = 1 << 30

PLAIN_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # what a plain null is written as
BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def plain_scalar_tag(text: str) -> str:
    """The YAML 1.2 core schema's tag for a plain (unquoted) scalar."""
    if text in PLAIN_NULLS:
        return NULL
    if text in BOOLS:
        return BOOL
    if text[0] in "-+.0123456789":
        if _INT.fullmatch(text):
            return INT
        if _FLOAT.fullmatch(text):
            return FLOAT
    return STR


LINE_BREAKS = "\n\r\x85\u2028\u2029"
"""What libyaml, PyYAML and go-yaml (kpt, kustomize) all end a line at: "\r\n" is one
break; a "\r" alone, NEL, LS and PS are one each, though YAML 1.2 counts only the first
two. A reader of lines must know them all, or it reads lines no parser reads."""
_ANY_LINE_BREAK = tuple(LINE_BREAKS)


def line_start(text: str, at: int) -> int:
    """Where the line that at is on starts: after the last line break before it. The
    other breaks are looked for after the last "\n" only, so a long text without them
    is not read back to its start on every call."""
    start = text.rfind("\n", 0, at) + 1
    for line_break in LINE_BREAKS[1:]:
        start = max(start, text.rfind(line_break, start, at) + 1)
    return start


def ends_a_line(text: str) -> bool:
    """Whether text ends in a line break, of any kind a parser ends lines at."""
    return text.endswith(_ANY_LINE_BREAK)


class Yaml12Resolver(yaml.resolver.BaseResolver):
    """Tells the emitter which strings may go unquoted: those YAML 1.2 reads as strings."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """Asked twice for every scalar written: what it reads as plain, and as quoted."""
        if kind is ScalarNode:
            return plain_scalar_tag(value) if implicit[0] else STR
        return super().resolve(kind, value, implicit)


_Yaml11 = yaml.resolver.Resolver()
_Analyzer = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)


class _PythonParser(Reader, Scanner, Parser):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class _PythonDumper(Emitter, Serializer, Yaml12Resolver):
    """The reference emitter; libyaml's escapes characters beyond the BMP (emoji)."""

    def __init__(self, stream: io.StringIO, indent: int = 2) -> None:
        Emitter.__init__(self, stream, indent=indent, width=NO_WRAP, allow_unicode=True)
        Serializer.__init__(self, explicit_start=False)
        Yaml12Resolver.__init__(self)

    def choose_scalar_style(self) -> str:
        """Keep a tagged plain scalar plain (`!!binary aGVsbG8=`), as libyaml does."""
        if self.analysis is None:
            self.analysis = self.analyze_scalar(self.event.value)
        analysis = self.analysis
        plain = analysis.allow_flow_plain if self.flow_level else analysis.allow_block_plain
        in_simple_key = self.simple_key_context and (analysis.empty or analysis.multiline)
        if not self.event.style and not self.event.implicit[0] and plain and not in_simple_key:
            return ""
        return super().choose_scalar_style()


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CEmitter, CParser

    _Parser = CParser

    class _Dumper(CEmitter, Yaml12Resolver):
        def __init__(self, stream: io.StringIO, indent: int = 2) -> None:
            CEmitter.__init__(self, stream, indent=indent, width=NO_WRAP, allow_unicode=True)
            Yaml12Resolver.__init__(self)

else:  # pragma: no cover - only where PyYAML was built without libyaml
    _Parser = _PythonParser
    _Dumper = _PythonDumper


class YamlError(ValueError):
    """Input that is not YAML, or YAML that cannot be a Kubernetes manifest."""


def parse_documents(text: str) -> list[Node]:
    """Every document of a YAML stream as a node tree.

    Built from the parser's events without recursion, so deep nesting is an error
    and not a crash; every alias gets its own copy of its anchor's node, so a reader
    sees what kpt and kustomize see.
    """
    return _compose(text).documents


def parse_tree(text: str) -> Tree:
    """The one document of text, and which of its nodes its text holds more than once.

    A node under an anchor that an alias repeats, or a copy made for an alias, does
    not stand alone in the text: editing its text would change more than it, or
    nothing. Marks give positions in text, in characters.
    """
    composer = _compose(text)
    if len(composer.documents) != 1:
        raise YamlError(f"must be one YAML document, got {len(composer.documents)}")
    return Tree(composer.documents[0], frozenset(composer.shared))


class Tree(NamedTuple):
    root: Node
    shared: frozenset[int]  # ids of nodes that anchors and aliases tie to others


def _compose(text: str) -> _Composer:
    parser = _Parser(text)
    composer = _Composer()
    try:
        composer.documents_from(parser)
    except yaml.YAMLError as error:
        raise YamlError(f"input is not valid YAML: {_one_line(error)}") from None
    finally:
        parser.dispose()
    if text.startswith(BOM) and _Parser is not _PythonParser:
        _count_the_bom(composer.documents)
    return composer


BOM = "\ufeff"


def _count_the_bom(documents: list[Node]) -> None:
    """Move every mark one character on: libyaml reads past a byte-order mark at the
    start without counting it, so its marks would point one character before the
    node in text, and an item cut at them would lose its last line. Columns stay:
    they are indentation, which the mark does not add to."""
    pending = list(documents)
    while pending:
        node = pending.pop()
        node.start_mark = node.start_mark._replace(index=node.start_mark.index + 1)
        node.end_mark = node.end_mark._replace(index=node.end_mark.index + 1)
        if isinstance(node, SequenceNode):
            pending += node.value
        elif isinstance(node, MappingNode):
            pending += [part for pair in node.value for part in pair]


class _Composer:
    """Turns parser events into node trees with a stack instead of recursion."""

    def __init__(self) -> None:
        self.budget = _Budget()
        self.documents: list[Node] = []
        self.anchors: dict[str, Node] = {}
        self.open: list[Node] = []  # collections being filled, innermost last
        self.open_anchors: list[str | None] = []
        self.keys: list[Node | None] = []  # per open mapping: a key awaiting its value
        self.root: Node | None = None
        self.shared: set[int] = set()

    def documents_from(self, parser: Any) -> list[Node]:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                self.add(self.scalar(event), event.anchor)
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                self.start_collection(event)
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                collection = self.open.pop()
                self.keys.pop()
                collection.end_mark = _mark(event.end_mark)
                self.add(collection, self.open_anchors.pop())
            elif kind is AliasEvent:
                anchored = _anchored(self.anchors, event)
                self.add(copy_node(anchored, self.budget, self.shared, event), None)
            elif kind is DocumentEndEvent:
                if self.root.tag != NULL:  # an empty document, as after a trailing `---`
                    self.documents.append(self.root)
                self.root, self.anchors = None, {}
            elif kind is StreamEndEvent:
                return self.documents

    @staticmethod
    def scalar(event: ScalarEvent) -> ScalarNode:
        start, end = _mark(event.start_mark), _mark(event.end_mark)
        return ScalarNode(_tag(event), event.value, start, end, event.style)

    def start_collection(self, event: SequenceStartEvent | MappingStartEvent) -> None:
        if len(self.open) >= MAX_DEPTH:
            raise YamlError(f"input nests deeper than {MAX_DEPTH} levels at {_at(event)}")
        node_class, tag = (
            (SequenceNode, SEQ) if isinstance(event, SequenceStartEvent) else (MappingNode, MAP)
        )
        if event.tag not in (None, "!"):
            tag = event.tag
        self.open.append(node_class(tag, [], _mark(event.start_mark), None, event.flow_style))
        self.open_anchors.append(event.anchor)
        self.keys.append(None)

    def add(self, node: Node, anchor: str | None) -> None:
        """Register an anchor once its node is complete (so `&a [*a]` is refused), and
        put the node where it belongs: document root, list item, mapping key or value."""
        if anchor:
            self.anchors[anchor] = node
        if not self.open:
            self.root = node
        elif isinstance(self.open[-1], SequenceNode):
            self.open[-1].value.append(node)
        elif self.keys[-1] is None:
            self.keys[-1] = node
        else:
            self.open[-1].value.append((self.keys[-1], node))
            self.keys[-1] = None


def _tag(event: ScalarEvent) -> str:
    """A scalar's tag: its own, or what YAML 1.2 reads it as (quoted: a string)."""
    if event.tag not in (None, "!"):
        return event.tag
    return plain_scalar_tag(event.value) if event.implicit[0] else STR


def _anchored(anchors: dict[str, Any], alias: AliasEvent) -> Any:
    if alias.anchor not in anchors:
        raise YamlError(
            f"alias *{alias.anchor} at {_at(alias)} must refer to a complete node "
            "anchored before it (recursive aliases are not allowed)"
        )
    return anchors[alias.anchor]


class Mark(NamedTuple):
    """Where a node starts or ends in its text: a third of the size of the parser's own
    marks, which a large Cluster's tree holds tens of thousands of."""

    index: int  # in characters
    line: int
    column: int


def _mark(mark: Any) -> Mark:
    return Mark(mark.index, mark.line, mark.column)


class _Budget:
    """Counts nodes copied for aliases, so that an alias bomb stops at once."""

    def __init__(self) -> None:
        self.left = MAX_ALIAS_NODES

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise YamlError(
                f"aliases in the input expand to more than {MAX_ALIAS_NODES} YAML nodes; "
                "expand them in the file or split it"
            )


def _at(event: Any) -> str:
    return f"line {event.start_mark.line + 1}, column {event.start_mark.column + 1}"


def _one_line(error: yaml.YAMLError) -> str:
    """PyYAML's message spans lines; stderr and results need one."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return " ".join(str(error).split())
    text = error.problem or "error"
    if error.problem_mark is not None:
        mark = error.problem_mark
        text += f" at line {mark.line + 1}, column {mark.column + 1}"
    if error.context:
        text += f" ({error.context})"
    return text


def copy_node(node: Node, budget: _Budget, shared: set[int], at: AliasEvent) -> Node:
    """A deep copy of an anchored node tree for the alias at `at`; the ids of the
    original and of the copy go into shared. Every node of the copy is marked where
    the alias is written: that is its place in the text."""
    budget.spend(1)
    shared.add(id(node))
    start, end = _mark(at.start_mark), _mark(at.end_mark)
    if isinstance(node, ScalarNode):
        copy: Node = ScalarNode(node.tag, node.value, start, end, node.style)
    elif isinstance(node, SequenceNode):
        items = [copy_node(item, budget, shared, at) for item in node.value]
        copy = SequenceNode(node.tag, items, start, end, node.flow_style)
    else:
        pairs = [
            (copy_node(k, budget, shared, at), copy_node(v, budget, shared, at))
            for k, v in node.value
        ]
        copy = MappingNode(node.tag, pairs, start, end, node.flow_style)
    shared.add(id(copy))
    return copy


def serialize(node: Node) -> str:
    """One YAML document, styles as the nodes carry them, no anchors, no wrapping, and
    no document markers: what it returns is put inside a larger document.

    The emitter ends a document whose last scalar keeps its trailing line breaks (`|+`)
    with `...`; inside a ResourceList that would end the ResourceList there. Without it
    the block still ends where the next, less indented line starts.
    """
    return _without_document_end(_emit_best(node))


def _without_document_end(text: str) -> str:
    """The emitter's text without the document-end marker it may close it with: `...`
    alone on the last line. A value's own trailing dots (`Ask first...`) are its text."""
    if text == "...\n" or text.endswith("\n...\n"):
        return text[:-4]
    return text


def scalar_text(value: str | int | bool | float | None, indent: int = 2) -> str:
    """How a new scalar is written: plain, quoted, or a literal block (its header, then
    its lines indented by indent), as to_node would have it."""
    node = to_node(value)
    if node.tag != STR or node.style is None:
        return node.value
    return _without_document_end(_emit_best(node, indent)).rstrip("\n")


def block_entry_text(mapping: dict[str, Any]) -> str:
    """A mapping as an element of a block sequence at column 0, exactly as serialize
    writes it. Block collections of scalars that each read back as themselves on one
    printable ASCII line (what a function writes: results, new objects) are written
    directly; anything else goes through the emitter. tests/test_differential.py holds
    the two equal."""
    lines = _block_mapping(mapping, 2) if mapping else None
    if lines is None:
        return serialize(SequenceNode(SEQ, [to_node(mapping)], flow_style=False))
    return "- " + lines[2:]


def _block_mapping(mapping: dict[str, Any], indent: int) -> str | None:
    """A non-empty mapping's lines at a column, as the emitter writes them, or None
    where it is not simple (see _simple_scalar): its keys at indent, a mapping value on
    the lines below at indent + 2, a list value below at indent (the emitter does not
    indent a sequence in a mapping), an empty one as `{}` or `[]` on the key's line."""
    lines, pad = [], " " * indent
    for key, value in mapping.items():
        key_text = _one_line_string(key) if type(key) is str and len(key) < 128 else None
        if key_text is None:
            return None
        kind = type(value)
        if (kind is dict or kind is list) and value:
            inner = (
                _block_mapping(value, indent + 2) if kind is dict else _block_list(value, indent)
            )
            if inner is None:
                return None
            lines.append(f"{pad}{key_text}:\n{inner}")
            continue
        value_text = _one_line_string(value) if kind is str else _simple_scalar(value)
        if value_text is None and (value_text := _literal_block(value, indent + 2)) is None:
            return None
        lines.append(f"{pad}{key_text}: {value_text}\n")
    return "".join(lines)


def _block_list(values: list[Any], indent: int) -> str | None:
    """A non-empty list's lines, each entry's `- ` at indent; a mapping entry's first key
    on the dash's line, the others at indent + 2. A list in a list is left to the
    emitter."""
    lines = []
    for value in values:
        kind = type(value)
        if kind is dict and value:
            inner = _block_mapping(value, indent + 2)
            if inner is None:
                return None
            lines.append(f"{' ' * indent}- {inner[indent + 2 :]}")
        elif kind is list and value:
            return None
        else:
            value_text = _simple_scalar(value)
            if value_text is None:
                return None
            lines.append(f"{' ' * indent}- {value_text}\n")
    return "".join(lines)


def _literal_block(value: Any, indent: int) -> str | None:
    """A string of printable ASCII lines as a literal block, its lines at indent, where
    _string_style chooses one: its header (an indentation indicator where the text
    starts with a space or a line break, `-` where it does not end with one), then its
    lines, blank ones unindented. None for anything else.

    For such text the emitter's analysis allows a block unless a space ends a line or
    the text (PyYAML's space_break and trailing_space): that is checked here, without
    the analysis, which is most of the cost of writing a template."""
    if type(value) is not str or "\n" not in value or not _ASCII_LINES.fullmatch(value):
        return None
    if " \n" in value or value.endswith(" ") or _keeps_line_breaks(value):
        return None
    header = "|" + ("2" if value[0] in " \n" else "") + ("" if value.endswith("\n") else "-")
    lines = value.removesuffix("\n").split("\n")
    return "\n".join([header, *(f"{' ' * indent}{line}" if line else "" for line in lines)])


def _simple_scalar(value: Any) -> str | None:
    """A scalar as the emitter writes it, where that is simple to know: a string on one
    printable ASCII line (plain, or quoted as _string_style says), an int, a bool, a
    null, or an empty collection (called only for one)."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is dict or kind is list:
        return "{}" if kind is dict else "[]"  # empty: a collection with items is not simple
    if kind is int:
        return str(value)
    return _one_line_string(value) if kind is str else None


@functools.lru_cache(maxsize=256)
def _one_line_string(value: str) -> str | None:
    """A string on one printable ASCII line as the emitter writes it, or None. (Cached:
    keys and most values repeat from object to object; 256 keeps them, not the rest.)"""
    if not _ONE_PRINTABLE_LINE.fullmatch(value):
        return None
    style = _string_style(value)
    if style is None:
        return value
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\") + '"'  # text with no `"`, as _string_style chose


def flow_text(value: Any) -> str:
    """How a new value is written inside a flow collection: on one line, strings quoted
    where a flow indicator or a line break would end them."""
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{flow_text(str(k))}: {flow_text(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_text(item) for item in value) + "]"
    node = to_node(value)
    if node.tag != STR:
        return node.value
    if node.style is None and _Analyzer.analyze_scalar(value).allow_flow_plain:
        return value
    node.style = "'" if node.style == "'" else '"'
    return _without_document_end(_emit_best(node)).rstrip("\n")


def _emit_best(node: Node, indent: int = 2) -> str:
    text = _emit(node, _Dumper, indent)
    if _Dumper is not _PythonDumper and "\\U" in text:
        text = _emit(node, _PythonDumper, indent)  # keep emoji and other astral characters
    return text


def _emit(node: Node, dumper_class: type, indent: int = 2) -> str:
    stream = io.StringIO()
    dumper = dumper_class(stream, indent)
    try:
        dumper.open()
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


def to_python(node: Node, path: str = "") -> Any:
    """The value a YAML 1.2 reader sees; duplicate keys are errors, not dropped.

    Merge keys (`<<: *defaults`) are merged as kpt and kustomize merge them: the
    mapping's own keys first, then each merged mapping's in order. path is where node
    sits (like `spec.databases[0]`), for the error message.
    """
    if isinstance(node, ScalarNode):
        return _scalar_value(node)
    if isinstance(node, SequenceNode):
        return [to_python(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
    result: dict[Any, Any] = {}
    merged: list[Node] = []
    where = path or "the top level"
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YamlError(f"{where} must have scalar keys, not a collection")
        if is_merge_key(key_node):
            merged += value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            continue
        key = _scalar_value(key_node)
        if key in result:
            raise YamlError(f"{where} must not have the key {quoted(key)} twice; keep one")
        result[key] = to_python(value_node, f"{path}.{key}" if path else str(key))
    for source in merged:
        if not isinstance(source, MappingNode):
            raise YamlError(f"{where} must merge mappings with <<, not {type(source).__name__}")
        for key, value in to_python(source, path).items():
            result.setdefault(key, value)
    return result


def parse_value(text: str, skip: int = 0) -> Any:
    """The value of the one document of text, as to_python gives it for its tree, built
    straight from the parser's events: no node objects, a fraction of the memory.

    skip: how many steps from the top error messages leave out of a field's path (1
    for an item written as a list's entry)."""
    parser = _Parser(text)
    try:
        return _Values(skip).value_from(parser)
    except yaml.YAMLError as error:
        raise YamlError(f"input is not valid YAML: {_one_line(error)}") from None
    finally:
        parser.dispose()


class _Values:
    """Python values from parser events, with a stack instead of recursion. A mapping is
    collected as keys and values and made a dict when it ends (merge keys, repeated
    keys); each open collection knows its step from its parent, for messages."""

    def __init__(self, skip: int) -> None:
        self.skip = skip
        self.budget = _Budget()
        self.anchors: dict[str, Any] = {}
        self.open: list[
            tuple[list[Any], bool, str | None, str]
        ] = []  # items, mapping, anchor, step
        self.documents: list[Any] = []

    def value_from(self, parser: Any) -> Any:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:  # its value straight from the event: no node, no marks
                self.add(_event_value(event), event)
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                if len(self.open) >= MAX_DEPTH:
                    raise YamlError(f"input nests deeper than {MAX_DEPTH} levels at {_at(event)}")
                step = self.step()
                self.open.append(([], kind is MappingStartEvent, event.anchor, step))
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                items, is_mapping, anchor, _ = self.open[-1]
                value = self.mapping(items) if is_mapping else items
                self.open.pop()
                self.add(value, event, anchor)
            elif kind is AliasEvent:
                self.add(self.copy(_anchored(self.anchors, event)), event)
            elif kind is DocumentEndEvent:
                self.anchors = {}
            elif kind is StreamEndEvent:
                if len(self.documents) != 1:
                    raise YamlError(f"must be one YAML document, got {len(self.documents)}")
                return self.documents[0]

    def step(self) -> str:
        """The step from the innermost open collection to what comes next in it."""
        if not self.open:
            return ""
        items, is_mapping, _, _ = self.open[-1]
        if is_mapping and len(items) % 2 == 0:
            return ".?"  # a collection as a key, which mapping() refuses
        return f".{items[-1]}" if is_mapping else f"[{len(items)}]"

    def path(self) -> str:
        """The innermost open collection's path, as to_python names it."""
        path = "".join(step for _, _, _, step in self.open[self.skip + 1 :])
        return path.removeprefix(".") or "the top level"

    def add(self, value: Any, event: Any, anchor: str | None = None) -> None:
        anchor = anchor if anchor is not None else getattr(event, "anchor", None)
        if anchor and not isinstance(event, AliasEvent):
            self.anchors[anchor] = value
        if not self.open:
            if value is not None:  # an empty document, as after a trailing `---`
                self.documents.append(value)
            return
        self.open[-1][0].append(value)

    def mapping(self, flat: list[Any]) -> dict[Any, Any]:
        """The mapping of flat's keys and values; its path is made only for a message."""
        result: dict[Any, Any] = {}
        merged: list[Any] = []
        for key, value in zip(flat[::2], flat[1::2], strict=True):
            if isinstance(key, _Key):
                merged += value if isinstance(value, list) else [value]
                continue
            if isinstance(key, dict | list):
                raise YamlError(f"{self.path()} must have scalar keys, not a collection")
            if key in result:
                twice = f"must not have the key {quoted(key)} twice; keep one"
                raise YamlError(f"{self.path()} {twice}")
            result[key] = value
        for source in merged:
            if not isinstance(source, dict):
                kind = type(source).__name__
                raise YamlError(f"{self.path()} must merge mappings with <<, not {kind}")
            for key, value in source.items():
                result.setdefault(key, value)
        return result

    def copy(self, value: Any) -> Any:
        """An alias's own copy of its anchor's value, counted against the budget."""
        self.budget.spend(1)
        if isinstance(value, dict):
            return {key: self.copy(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.copy(item) for item in value]
        return value


class _Key(str):
    """A merge key (`<<`), as opposed to a key written `"<<"`."""


def mapping_value(node: Node | None, key: str) -> Node | None:
    """The value node under a string key of a mapping node; None for anything else."""
    if not isinstance(node, MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value
    return None


def is_merge_key(node: ScalarNode) -> bool:
    """`<<` written plain (or tagged `!!merge`): YAML 1.1's merge key, which kpt and
    kustomize honour."""
    return node.value == "<<" and not node.style and node.tag in (STR, MERGE)


def _event_value(event: ScalarEvent) -> Any:
    """A scalar event's value, as _scalar_value gives it for the event's node, or a
    merge key (see is_merge_key); a string read as one at once, most of any input."""
    tag, text = _tag(event), event.value
    if text == "<<" and not event.style and tag in (STR, MERGE):
        return _Key(text)
    return text if tag == STR else typed_value(tag, text)


def _scalar_value(node: ScalarNode) -> Any:
    return typed_value(node.tag, node.value)


def typed_value(tag: str, text: str) -> Any:
    """The Python value of a scalar's text under its tag (a string for any other tag)."""
    if tag == NULL:
        return None
    if tag == BOOL:
        return text.lower() == "true"
    if tag == INT:
        return _int_value(text)
    if tag == FLOAT:
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        try:
            return float(text)
        except ValueError:
            raise YamlError(f"{quoted(text)} is tagged as a float but is not one") from None
    return text


def _int_value(text: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise YamlError(
            f"{quoted(text)} is an integer of {len(text)} digits, more than the "
            f"{MAX_INTEGER_DIGITS} any Kubernetes field holds"
        )
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:
        raise YamlError(f"{quoted(text)} is tagged as an integer but is not one") from None


_ASCII_LINES = re.compile(r"[\x20-\x7e\n]+")
_ONE_PRINTABLE_LINE = re.compile(r"[\x21-\x7e][\x20-\x7e]*[\x21-\x7e]|[\x21-\x7e]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_PLAIN = re.compile(r": | #|:$")
_MARKERS = ("---", "...")


def to_node(value: Any) -> Node:
    """A node for a new value: block collections, literal blocks for multi-line text,
    and double quotes wherever a YAML 1.1 or 1.2 reader would see a non-string."""
    kind = type(value)
    if kind is str:
        return ScalarNode(STR, value, style=_string_style(value))
    if kind is dict:
        pairs = [(to_node(str(k)), to_node(v)) for k, v in value.items()]
        return MappingNode(MAP, pairs, flow_style=False)
    if kind is list or kind is tuple:
        return SequenceNode(SEQ, [to_node(v) for v in value], flow_style=False)
    if kind is bool:
        return ScalarNode(BOOL, "true" if value else "false")
    if kind is int:
        return ScalarNode(INT, str(value))
    if kind is float:
        return ScalarNode(FLOAT, repr(value))
    if value is None:
        return ScalarNode(NULL, "null")
    if isinstance(value, Node):
        return value
    raise TypeError(f"cannot represent {type(value).__name__} in YAML")


@functools.lru_cache(maxsize=256)
def _string_style(text: str) -> str | None:
    """Literal blocks for multi-line text; plain where safe; else quotes, double
    unless the text holds a double quote (JSON reads better in single quotes).

    One printable line, most of what a function writes, skips the emitter's slow analysis.
    (The cache's 256: keys and common values repeat; a larger one keeps unique values.)
    """
    ambiguous = (
        plain_scalar_tag(text) != STR or _Yaml11.resolve(ScalarNode, text, (True, False)) != STR
    )
    if _ONE_PRINTABLE_LINE.fullmatch(text):  # what the emitter's analysis would decide
        if ambiguous or not is_plain_one_line(text):
            return "'" if '"' in text else '"'
        return None
    analysis = _Analyzer.analyze_scalar(text)
    if "\n" in text and analysis.allow_block and not _keeps_line_breaks(text):
        return "|"
    if analysis.allow_block_plain and not ambiguous:
        return None
    return "'" if '"' in text and analysis.allow_single_quoted else '"'


def is_plain_one_line(text: str) -> bool:
    """Whether text, written plain where a value goes, is one printable line that a
    parser reads as this very text (its YAML 1.2 type aside): no indicator first, no
    `: ` or ` #` in it, no `:` last, no document marker."""
    if not _ONE_PRINTABLE_LINE.fullmatch(text):
        return False
    starts_plain = text[0] not in _INDICATORS or (text[0] in "-?:" and text[1:2] not in ("", " "))
    return starts_plain and not _NOT_PLAIN.search(text) and text[:3] not in _MARKERS


def _keeps_line_breaks(text: str) -> bool:
    """Whether a literal block for text would need `|+`, whose trailing blank lines take
    in the blank lines that follow it wherever it is put; such text is double-quoted."""
    return text == "\n" or text.endswith("\n\n")
