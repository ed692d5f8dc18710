"""An item's header read from its text: what a function needs of every item.

The header is apiVersion, kind, metadata.name, metadata.namespace and
metadata.annotations: enough to recognise an item and to know its file. Reading it
from the text, without a parse, is what lets a large package pass through quickly.

The grammar read, by indentation; blank and comment lines are skipped everywhere:

    level 2   `  key: value` or `  key:` with a block below: the item's own keys
    level 4   under `  metadata:`, the same: name, namespace, annotations, others
    level 6   under `    annotations:`, `      key: value`: one annotation
    deeper    lines under any other key: skipped unread

A key is plain, or quoted without escapes. A value read is plain, or quoted without
escapes, on one line (a comment may follow); a plain null (`null`, `~`) reads as no
value, "", as Kubernetes reads it. Anything else where the header lies, a value going
on over lines, a flow collection, a tag or an anchor, a tab or a carriage return,
makes the header unreadable (None), and the item is parsed instead.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode

from .yaml12 import NULL, mapping_value, plain_scalar_tag

Span = tuple[int, int]
"""Where a part of a text is: its start and its end."""


class Header(tuple):
    """One flat tuple, (apiVersion, kind, name, namespace, key, value, key, value, ...):
    a large package has tens of thousands of them, and a tuple is smaller than a
    dict, a named tuple or an object."""

    __slots__ = ()

    def __new__(
        cls,
        api_version: str,
        kind: str,
        name: str,
        namespace: str,
        annotations: Iterable[tuple[str, str]],
    ) -> Header:
        fields = (api_version, kind, name, namespace)
        return super().__new__(cls, fields + tuple(itertools.chain.from_iterable(annotations)))

    @property
    def api_version(self) -> str:
        return self[0]

    @property
    def kind(self) -> str:
        return self[1]

    @property
    def name(self) -> str:
        return self[2]

    @property
    def namespace(self) -> str:
        return self[3]

    @property
    def annotations(self) -> dict[str, str]:
        flat = self[4:]
        return dict(zip(flat[::2], flat[1::2], strict=True))

    def annotation(self, key: str, default: str = "") -> str:
        """One annotation's value, without building the mapping of them all."""
        for position in range(4, len(self), 2):
            if self[position] == key:
                return self[position + 1]
        return default


_ITEM_KEYS = frozenset({"apiVersion", "kind", "metadata"})
_METADATA_KEYS = frozenset({"name", "namespace", "annotations"})
# A `key: value` line: the key plain or quoted without escapes; the value a word,
# quoted without escapes, any other text (checked to be a plain scalar), or nothing
# (a block below); a comment after it.
_LINE = re.compile(
    r"""(?P<key>[A-Za-z0-9_./-][^\s:'"\#]*|"[^"\\\n]*"|'(?:[^'\n]|'')*+'):
    (?:[ ]+(?:
        (?P<word>[A-Za-z0-9_/][A-Za-z0-9_./-]*)
      | "(?P<double>[^"\\\n]*)"
      | '(?P<single>(?:[^'\n]|'')*+)'
      | (?P<other>[^\s\#][^\n]*?)
    )?)?[ ]*(?:[ ]\#[^\n]*)?""",
    re.VERBOSE,
)
_NOT_PLAIN_START = tuple("{}[]&*!|>%@`'\",#")  # indicators no plain scalar starts with
_BLOCK = object()  # a key whose value is on the lines below


class _Reader:
    """What the lines read so far say, and one handler per indentation level. A
    handler returns False where its line is not in the grammar."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self.top: dict[str, object] = {}
        self.metadata: dict[str, object] = {}
        self.annotations: dict[str, str] = {}
        self.shared: dict[object, object] = {}  # an item's path is two annotations' value
        self.section: str | None = None  # the item's key whose block is being read
        self.subsection: str | None = None  # the same under metadata

    def item_key(self, content: str, start: int) -> bool:
        """Level 2: one of the item's own keys."""
        pair = self.pair(content, start, _ITEM_KEYS)
        if pair is None or pair[0] in self.top:
            return False
        self.top[pair[0]] = pair[1]
        self.section, self.subsection = (pair[0] if pair[1] is _BLOCK else None), None
        return True

    def metadata_key(self, content: str, start: int) -> bool:
        """Level 4: a key under metadata."""
        pair = self.pair(content, start, _METADATA_KEYS)
        if pair is None or pair[0] in self.metadata:
            return False
        self.metadata[pair[0]] = pair[1]
        self.subsection = pair[0] if pair[1] is _BLOCK else None
        return True

    def annotation(self, content: str, start: int) -> bool:
        """Level 6: an annotation, its value on its line."""
        pair = self.pair(content, start, None)
        if pair is None or pair[1] is _BLOCK or pair[0] in self.annotations:
            return False
        self.annotations[sys.intern(pair[0])] = self.shared.setdefault(pair[1], pair[1])  # type: ignore[assignment]
        return True

    def pair(
        self, content: str, start: int, read: frozenset[str] | None
    ) -> tuple[str, object] | None:
        """(key, value) of a line; the value is _BLOCK when it is on the lines below. Only
        the values of keys in read (all, for None) are read; the others give "". None
        for a line not in the grammar, or inside a multi-line scalar."""
        line = _LINE.fullmatch(content)
        if line is None or (self.spans and _inside(start, self.spans)):
            return None
        key, word, double, single, other = line.groups()
        if key[0] in "'\"":
            key = _unquoted(key)
        if word is None and double is None and single is None and other is None:
            return key, _BLOCK
        if read is not None and key not in read:
            return key, ""
        if double is not None:
            return key, double
        if single is not None:
            return key, single.replace("''", "'")
        if word is None and not _reads_as_itself(other):
            return None
        text = word if word is not None else other
        return key, "" if plain_scalar_tag(text) == NULL else text

    def header(self) -> Header | None:
        metadata = self.metadata
        fields = [self.top.get("apiVersion", ""), self.top.get("kind", "")]
        fields += [metadata.get("name", ""), metadata.get("namespace", "")]
        if not all(type(field) is str for field in fields):
            return None
        if metadata.get("annotations", _BLOCK) is not _BLOCK:
            return None
        api_version, kind, name, namespace = fields
        return Header(  # shared strings: few apiVersions, kinds and namespaces in a package
            sys.intern(api_version),  # type: ignore[arg-type]
            sys.intern(kind),  # type: ignore[arg-type]
            name,  # type: ignore[arg-type]
            sys.intern(namespace),  # type: ignore[arg-type]
            self.annotations.items(),
        )


def read_header(item: str, spans: Sequence[Span] = ()) -> Header | None:
    """The header of an item ("- " and its lines, or a key's line and the block below),
    or None where the text is not in the grammar above.

    spans are the multi-line quoted scalars in the item (offsets in it): a line inside
    one is not what it looks like, so a header read from such a line is refused.
    """
    if "\t" in item or "\r" in item:
        return None
    reader = _Reader(spans)
    offset = 0
    for number, line in enumerate(item.split("\n")):
        start, offset = offset, offset + len(line) + 1
        if number == 0:
            if not line.startswith("-"):
                continue  # a key's line: its value is on the lines below
            line = "  " + line[2:]
        elif reader.section not in (None, "metadata") and line.startswith("   "):
            continue  # most lines: deep in spec or data
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent, entry = len(line) - len(content), content[:2] == "- "
        if indent == 2 and not entry:
            read = reader.item_key(content, start)
        elif reader.section is None:
            return None  # a value of the item's own going on over more lines
        elif reader.section != "metadata":
            continue  # inside another block
        elif indent == 2:
            return None  # metadata written as a list
        elif indent == 4 and not entry:
            read = reader.metadata_key(content, start)
        elif reader.subsection is None:
            return None  # a metadata value going on over more lines
        elif reader.subsection != "annotations":
            continue
        elif indent == 6 and not entry:
            read = reader.annotation(content, start)
        else:
            return None  # an annotation value over more lines
        if not read:
            return None
    return reader.header()


def _inside(start: int, spans: Sequence[Span]) -> bool:
    """Whether the line at start is a continuation line of a multi-line scalar."""
    return any(span_start < start < span_end for span_start, span_end in spans)


def _reads_as_itself(text: str) -> bool:
    """Whether text is a plain scalar that reads as itself on one line."""
    if text.startswith(_NOT_PLAIN_START) or ": " in text or text.endswith(":"):
        return False
    return not (text[0] in "-?" and text[1:2] in ("", " "))


def _unquoted(text: str) -> str:
    """A plain key as is, a quoted one without its quotes."""
    if text[:1] == '"':
        return text[1:-1]
    if text[:1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def header_of(node: Node) -> Header:
    """The header of a parsed item: scalars' texts, as the text reader reads them (a
    null as "")."""

    def string(value: Node | None) -> str:
        return value.value if isinstance(value, ScalarNode) and value.tag != NULL else ""

    if not isinstance(node, MappingNode):
        return Header("", "", "", "", ())
    metadata = mapping_value(node, "metadata")
    annotations = mapping_value(metadata, "annotations")
    pairs = annotations.value if isinstance(annotations, MappingNode) else []
    return Header(
        string(mapping_value(node, "apiVersion")),
        string(mapping_value(node, "kind")),
        string(mapping_value(metadata, "name")),
        string(mapping_value(metadata, "namespace")),
        [
            (key.value, string(value))
            for key, value in pairs
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode)
        ],
    )
