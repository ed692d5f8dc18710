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
escapes, on one line (a comment may follow). Anything else where the header lies, a
value going on over lines, a flow collection, a tag or an anchor, a tab or a carriage
return, makes the header unreadable (None), and the item is parsed instead.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode

from .yaml12 import mapping_value

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
_PAIR = re.compile(r"""([A-Za-z0-9_./-][^\s:'"#]*|"[^"\\\n]*"|'(?:[^'\n]|'')*'):(?: +(.*))?""")
# The common forms of a line, read at once: a plain key, and a word, quoted or not.
_WORD = r"[A-Za-z0-9_/][A-Za-z0-9_./-]*"
_SIMPLE_PAIR = re.compile(
    rf"""([A-Za-z0-9_./-]+):(?: (?:({_WORD})|"([A-Za-z0-9_./ -]*)"|'([A-Za-z0-9_./ -]*)'))?"""
)
_NOT_PLAIN_START = tuple("{[&*!|>%@`-?,:")
_BLOCK = object()  # a key whose value is on the lines below


def read_header(item: str, spans: Sequence[Span] = ()) -> Header | None:
    """The header of an item ("- " and its lines, or a key's line and the block below),
    or None where the text is not in the grammar above.

    spans are the multi-line quoted scalars in the item (offsets in it): a line inside
    one is not what it looks like, so a header read from such a line is refused.
    """
    if "\t" in item or "\r" in item:
        return None
    top: dict[str, object] = {}
    metadata: dict[str, object] = {}
    annotations: dict[str, str] = {}
    shared: dict[object, object] = {}
    section = subsection = None  # the block keys whose lines are being read
    offset = 0
    for number, line in enumerate(item.split("\n")):
        start, offset = offset, offset + len(line) + 1
        if number == 0:
            if not line.startswith("-"):
                continue  # a key's line: its value is on the lines below
            line = "  " + line[2:]
        elif section is not None and section != "metadata" and line.startswith("   "):
            continue  # most lines: deep in spec or data
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        if indent == 2 and content[:2] != "- ":
            pair = _pair(content, _ITEM_KEYS)
            if pair is None or pair[0] in top or (spans and _inside(start, spans)):
                return None
            top[pair[0]] = pair[1]
            section, subsection = (pair[0] if pair[1] is _BLOCK else None), None
        elif section is None:
            return None  # a value of the item's own going on over more lines
        elif section != "metadata" or indent == 2:
            continue  # inside another block, or a list under metadata's key
        elif indent == 4 and content[:2] != "- ":
            pair = _pair(content, _METADATA_KEYS)
            if pair is None or pair[0] in metadata or (spans and _inside(start, spans)):
                return None
            metadata[pair[0]] = pair[1]
            subsection = pair[0] if pair[1] is _BLOCK else None
        elif subsection is None:
            return None  # a metadata value going on over more lines
        elif subsection != "annotations":
            continue
        elif indent == 6 and content[:2] != "- ":
            pair = _pair(content, None)
            if pair is None or pair[1] is _BLOCK or pair[0] in annotations:
                return None
            if spans and _inside(start, spans):
                return None
            value = pair[1]  # shared: an item's path is the value of two annotations
            annotations[sys.intern(pair[0])] = shared.setdefault(value, value)  # type: ignore
        else:
            return None  # an annotation value over more lines
    fields = [top.get("apiVersion", ""), top.get("kind", "")]
    fields += [metadata.get("name", ""), metadata.get("namespace", "")]
    if not all(type(field) is str for field in fields):
        return None
    if metadata.get("annotations", _BLOCK) is not _BLOCK:
        return None
    api_version, kind, name, namespace = fields
    return Header(  # shared strings: few apiVersions, kinds and namespaces in a package
        sys.intern(api_version), sys.intern(kind), name, sys.intern(namespace), annotations.items()
    )


def _inside(start: int, spans: Sequence[Span]) -> bool:
    """Whether the line at start is a continuation line of a multi-line scalar."""
    return any(span_start < start < span_end for span_start, span_end in spans)


def _pair(content: str, read: frozenset[str] | None) -> tuple[str, object] | None:
    """(key, value) of a `key: value` line; the value is _BLOCK when it is on the lines
    below. Only the values of keys in read (all, for None) are read; the others give ""
    when they are on this line. None where the line is not in the grammar."""
    simple = _SIMPLE_PAIR.fullmatch(content)
    if simple is not None:
        key, word, double, single = simple.groups()
        value = word if word is not None else double if double is not None else single
        return key, _BLOCK if value is None else value
    match = _PAIR.fullmatch(content)
    if match is None:
        return None
    key = _unquoted(match.group(1))
    value = (match.group(2) or "").rstrip(" ")
    if key is None:
        return None
    if not value or value[0] == "#":
        return key, _BLOCK
    if read is not None and key not in read:
        return key, ""
    value = _scalar(value)
    return None if value is None else (key, value)


def _scalar(text: str) -> str | None:
    """A one-line scalar's value, a comment after it dropped; None for any other form."""
    if text[0] in "'\"":
        end = _quoted_end(text)
        rest = text[end:] if end is not None else None
        if rest is None or (rest and not (rest[0] == " " and rest.lstrip(" ")[0] == "#")):
            return None
        return _unquoted(text[:end])
    comment = text.find(" #")
    value = text[:comment].rstrip(" ") if comment >= 0 else text
    if value.startswith(_NOT_PLAIN_START) or ": " in value or value.endswith(":"):
        return None
    return value


def _quoted_end(text: str) -> int | None:
    """Where a quoted scalar at the start of text ends, if it has no escapes."""
    if text[0] == '"':
        end = text.find('"', 1)
        return None if end < 0 or "\\" in text[:end] else end + 1
    position = 1
    while True:
        end = text.find("'", position)
        if end < 0:
            return None
        if text[end + 1 : end + 2] != "'":
            return end + 1
        position = end + 2


def _unquoted(text: str) -> str | None:
    """A plain key or value as is, a quoted one without its quotes; None for escapes."""
    if text[:1] == '"':
        inner = text[1:-1]
        return inner if len(text) >= 2 and text[-1] == '"' and '"' not in inner else None
    if text[:1] == "'":
        inner = text[1:-1]
        simple = len(text) >= 2 and text[-1] == "'" and "'" not in inner.replace("''", "")
        return inner.replace("''", "'") if simple else None
    return text


def header_of(node: Node) -> Header:
    """The header of a parsed item: scalars' texts, as the text reader reads them."""

    def string(value: Node | None) -> str:
        return value.value if isinstance(value, ScalarNode) else ""

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
            (key.value, value.value)
            for key, value in pairs
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode)
        ],
    )
