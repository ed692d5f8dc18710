"""An item's header read from its text: what a function needs of every item.

The header is apiVersion, kind, metadata.name, metadata.namespace and
metadata.annotations: enough to recognise an item and to know its file. Reading it
from the text, without a parse, is what lets a large package pass through quickly:
one pattern matches the whole item (_ITEM) and one more reads the annotations
(_ANNOTATION), with no work per line in Python.

The grammar read. A line is blank, a comment (`#` first after its spaces), or starts
at a column; the item's keys are at column 2 (the first one after "- "; in a
functionConfig, on the lines below its key's line):

    item         key* : each key once, none quoted
    key          `apiVersion: V` | `kind: V` | `metadata:` C meta
                 | other key: `K: anything` B | `K:` C, then any lines not starting
                   a key at column 2
    meta         B, then at column 4: `name: V` B | `namespace: V` B
                 | `annotations:` C annotation* | other key as above, its lines
                   below starting no key at column 2 or 4 and no entry at column 2
    annotation   at column 6 `K: V` C, or a blank or comment line; K may be quoted
    V            a value on its line: plain, or quoted without escapes (single
                 quotes doubled); then C
    C            spaces, and a comment after a space, to the end of the line
    B            blank and comment lines

A plain value must read as itself (no indicator first, no `: `, no `:` last); a plain
null (`null`, `~`) reads as no value, "", as Kubernetes reads it. A key twice among
the header's keys or the annotations, a line inside a multi-line quoted scalar read as
a key (the layout gives their spans), a tab, a carriage return, a line break other
than "\n", a BOM anywhere: the header is unreadable (None), and the item is parsed
instead. So is anything else where the header lies: a value going on over lines, a
block scalar, a flow collection, a tag, an anchor or an alias, an explicit key (`?`),
a merge key, a key at another column, metadata or annotations written on their line, a document
marker at column 0.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable, Sequence

from yaml.nodes import MappingNode, Node, ScalarNode

from .yaml12 import BOM, NULL, PLAIN_NULLS, mapping_value

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
        """One annotation's value, without building the mapping of them all: the key
        searched for by the tuple (in C), and taken where it is a key, not a value."""
        position = 4
        while key in self[position:]:
            position = self.index(key, position)
            if position % 2 == 0:
                return self[position + 1]
            position += 1
        return default


# Each checked with `in` (fast): what a reader of "\n"-ended lines cannot be sure of,
# and document markers, which end the item where the parser reads them; the
# characters beyond ASCII only in a text that has any (str.isascii is a flag).
_UNREADABLE_ASCII = ("\t", "\r", "\n---", "\n...")
_UNREADABLE_BEYOND = ("\x85", "\u2028", "\u2029", BOM)
_NOT_PLAIN_START = tuple("{}[]&*!|>%@`'\",#")  # indicators no plain scalar starts with


def unreadable(text: str) -> bool:
    """Whether text holds what makes a header unreadable (see _UNREADABLE_ASCII); false
    for a text means false for every part of it, so a list of items is checked once."""
    if not text.isascii() and any(character in text for character in _UNREADABLE_BEYOND):
        return True
    return any(character in text for character in _UNREADABLE_ASCII)


def _key_start(column: int) -> str:
    """A line starting a key at a column: not a comment, not a list entry."""
    return rf"[ ]{{{column}}}(?:[^ \n\#-]|-[^ \n])"


_PLAIN_KEY = r"""[A-Za-z0-9_./-][^ \n:'"\#]*"""
_KEY = rf"""{_PLAIN_KEY}|"[^"\\\n]*"|'(?:[^'\n]|'')*+'"""
_COMMENT = r"[ ]*(?:[ ]\#[^\n]*)?\n"  # the end of a key's line
_BLANKS = r"(?:[ ]*(?:\#[^\n]*)?\n)*+"  # blank and comment lines


def _value(field: str) -> str:
    """A value on its line, in four groups by how it is written: a word, double-quoted,
    single-quoted, any other plain text. Named for a header field, the quotes outside
    the groups; unnamed for an annotation, read by findall, which gives "" for a group
    not matched: the quotes stay inside, to tell '' from no group."""
    word, double = r"[A-Za-z0-9_/][A-Za-z0-9_./-]*", r'"[^"\\\n]*"'
    single, other = r"'(?:[^'\n]|'')*+'", r"[^ \n\#][^\n]*?"
    if field:
        word, other = f"(?P<{field}w>{word})", f"(?P<{field}o>{other})"
        double = f'"(?P<{field}d>{double[1:-1]})"'
        single = f"'(?P<{field}s>{single[1:-1]})'"
    else:
        word, double, single, other = (f"({part})" for part in (word, double, single, other))
    return rf"[ ]+(?:{word}|{double}|{single}|{other}){_COMMENT}"


def _field(key: str, group: str) -> str:
    """A header field's line and the blank lines after it, once only: a key written
    twice is for the parser to read (`(?(@name)` stands for the group's number)."""
    return rf"(?(@{group}k)(?!))(?P<{group}k>{key}):{_value(group)}{_BLANKS}"


def _other(read: str, deeper: str) -> str:
    """A key not read, its value on its line or on the deeper lines below."""
    return rf"""(?!(?:{read}):){_PLAIN_KEY}:
        (?:[ ]+[^ \n\#][^\n]*\n{_BLANKS}|{_COMMENT}(?:{deeper}[^\n]*\n)*+)"""


# A line below a key of the metadata: not one starting a key of it or of the item,
# nor an entry at column 2 (which only the metadata's own value could be).
_METADATA_BELOW = rf"(?!{_key_start(2)}|{_key_start(4)}|[ ]{{2}}-)"
# The grammar of the module's docstring, as one pattern from the item's first key.
_ITEM_PATTERN = rf"""(?:
        (?:{_field("apiVersion", "api")}
          | {_field("kind", "kind")}
          | (?(@metadata)(?!))metadata:{_COMMENT}{_BLANKS}
            (?P<metadata>(?:[ ]{{4}}(?:
                {_field("name", "name")}
              | {_field("namespace", "ns")}
              | (?(@annotations)(?!))annotations:{_COMMENT}
                (?P<annotations>(?:[ ]{{6}}[^\n]*\n|[ ]*(?:\#[^\n]*)?\n)*+)
              | {_other("name|namespace|annotations", _METADATA_BELOW)}
            ))*)
          | {_other("apiVersion|kind|metadata", f"(?!{_key_start(2)})")}
        )
        (?:[ ]{{2}}|\Z)
    )*"""


def _numbered(pattern: str) -> re.Pattern[str]:
    """The pattern with each `(?(@name)` as `(?(number)`: a condition may name only a
    group defined before it, but may number one defined after, as a key's own group is
    when its line comes round again."""
    guard = re.compile(r"\(\?\(@(\w+)\)")
    groups = re.compile(guard.sub("(?:", pattern), re.VERBOSE).groupindex
    return re.compile(guard.sub(lambda name: f"(?({groups[name[1]]})", pattern), re.VERBOSE)


_ITEM = _numbered(_ITEM_PATTERN)
# An annotation's line; a blank or comment line (no groups); any other line (the last
# group): the lines of the annotations, each matched where the one before ends.
_ANNOTATION = re.compile(rf"[ ]{{6}}({_KEY}):{_value('')}|[ ]*(?:\#[^\n]*)?\n|([^\n]*\n)")
# The annotations' lines as kpt and kustomize write them, read by one findall: a plain
# key, and a word or a value quoted with nothing to unescape (see _value).
_SIMPLE_ANNOTATION = re.compile(
    r"^[ ]{6}([A-Za-z0-9_./-]+):[ ]"
    r"""(?:([A-Za-z0-9_/][A-Za-z0-9_./-]*)|'([^'\n]*)'|"([^"\\\n]*)")\n""",
    re.MULTILINE,
)
_VALUE_START = re.compile(rf"[^\n]*\n{_BLANKS}[ ]{{2}}")  # a functionConfig's first key
_KEY_INSIDE = {  # a line starting a key, in a multi-line scalar where the header is
    "item": re.compile(rf"\n{_key_start(2)}"),
    "metadata": re.compile(rf"\n(?:{_key_start(4)}|[ ]{{2}}-)"),
    "annotations": re.compile(r"\n"),
}


def read_header(item: str, spans: Sequence[Span] = (), checked: bool = False) -> Header | None:
    """The header of an item ("- " and its lines, or a key's line and the block below),
    or None where the text is not in the grammar above.

    spans are the multi-line quoted scalars in the item (offsets in it): a line inside
    one is not what it looks like, so a header read from such a line is refused.
    checked says that the text the item was cut from is not unreadable().
    """
    if not checked and unreadable(item):
        return None
    if not item.endswith("\n"):
        item += "\n"
    if item.startswith("- "):
        first = 2
    elif (start := _VALUE_START.match(item)) is not None:
        first = start.end()
    else:
        return None
    match = _ITEM.fullmatch(item, first)
    if match is None or (spans and _keys_inside(match, spans)):
        return None
    groups = match.group(*_FIELD_GROUPS)
    fields = [_text(*groups[at : at + 4]) for at in (0, 4, 8, 12)]
    annotations = _annotations(item, match)
    if None in fields or annotations is None:
        return None
    api_version, kind, name, namespace = fields
    return Header(  # shared strings: few apiVersions, kinds and namespaces in a package
        sys.intern(api_version),  # type: ignore[arg-type]
        sys.intern(kind),  # type: ignore[arg-type]
        name,  # type: ignore[arg-type]
        sys.intern(namespace),  # type: ignore[arg-type]
        annotations,
    )


_FIELD_GROUPS = [f"{field}{way}" for field in ("api", "kind", "name", "ns") for way in "wdso"]


def _text(
    word: str | None, double: str | None, single: str | None, other: str | None
) -> str | None:
    """A field's value as the parser reads it ("" for a null or no field), or None for
    a plain value that does not read as itself."""
    if word is not None:
        return "" if word in PLAIN_NULLS else word
    if double is not None:
        return double
    if single is not None:
        return single.replace("''", "'")
    if other is None:
        return ""
    return ("" if other in PLAIN_NULLS else other) if _reads_as_itself(other) else None


def _annotations(item: str, match: re.Match[str]) -> list[tuple[str, str]] | None:
    """The annotations, each key interned and equal values shared (an item's path is two
    annotations' value); None for a line not in the grammar, a key twice or a value
    not read as itself."""
    start, end = match.span("annotations")
    simple = _SIMPLE_ANNOTATION.findall(item, start, end)
    if len(simple) == item.count("\n", start, end):  # each line: a word or quoted value
        return _simple_annotations(simple)
    found: dict[str, str] = {}
    shared: dict[str, str] = {}
    count = 0
    lines = _ANNOTATION.findall(item, *match.span("annotations"))
    for key, word, double, single, other, wrong in lines:
        if wrong:
            return None
        if not key:
            continue  # a blank or comment line
        count += 1
        if word:
            value: str | None = "" if word in PLAIN_NULLS else word
        elif double:
            value = double[1:-1]
        elif single:
            value = single[1:-1].replace("''", "'")
        elif (value := _text(None, None, None, other)) is None:
            return None
        if key[0] in "'\"":
            key = _unquoted(key)
        found[sys.intern(key)] = shared.setdefault(value, value)
    return list(found.items()) if len(found) == count else None


def _simple_annotations(lines: list[tuple[str, str, str, str]]) -> list[tuple[str, str]] | None:
    """Annotations whose every line is in _SIMPLE_ANNOTATION, as _annotations reads them."""
    found: dict[str, str] = {}
    shared: dict[str, str] = {}
    for key, word, single, double in lines:
        value = ("" if word in PLAIN_NULLS else word) if word else single or double
        found[sys.intern(key)] = shared.setdefault(value, value)
    return list(found.items()) if len(found) == len(lines) else None


def _keys_inside(match: re.Match[str], spans: Sequence[Span]) -> bool:
    """Whether a line the header is read from (a key's line of the item, of its
    metadata, of its annotations) is inside a multi-line quoted scalar."""
    text = match.string
    for group, pattern in _KEY_INSIDE.items():
        start, end = (0, len(text)) if group == "item" else match.span(group)
        for span_start, span_end in spans if start >= 0 else ():
            if pattern.search(text, max(start, span_start), min(end, span_end)):
                return True
    return False


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
