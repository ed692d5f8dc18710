"""A reader of the plain block YAML that new objects are written in: the fast path of
Item.read for an earlier run's objects, which a re-render reads by the thousand.

The grammar read; anything else is None, and the parser reads the text instead:

    text       collection at column 0, then only empty lines
    collection sequence | mapping, all of its lines at one column
    sequence   `- ` entry, for each entry
    entry      scalar | the first `key: value` of a mapping whose column is the
               dash's + 2, its other keys on the lines below at that column
    mapping    `key: value`, for each key, none twice
    value      scalar | `{}` | `[]` | a literal block | nothing, and on the lines below
               a collection deeper than the key (or a sequence at the key's column),
               or nothing there either: a null
    key        a plain word that YAML 1.2 reads as a string: [A-Za-z_][A-Za-z0-9_./-]*, not
               a null or a bool
    scalar     on its line, to its end: a plain scalar that a parser reads as its text
               (yaml12.is_plain_one_line), typed as YAML 1.2's core schema types it (a
               string, an int, a float, a bool, a null); single-quoted; double-quoted
               with no escape but \\ and \"; printable ASCII only
    literal    `|` or `|-`, an indentation indicator 2 allowed: lines 2 deeper than the
               key, and empty lines, its first line not empty

Whatever reads as a different value to the parser is outside it: comments, anchors,
aliases, tags, flow collections with anything in them, folded and kept blocks, tabs,
multi-line plain or quoted scalars, explicit keys, a key twice. tests/test_differential.py
holds the reader equal to the parser on what the writer writes and on texts made to
break it.
"""

from __future__ import annotations

import re
from typing import Any

from .yaml12 import (
    BOOLS,
    PLAIN_NULLS,
    STR,
    YamlError,
    is_plain_one_line,
    plain_scalar_tag,
    typed_value,
)

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_./-]*):(?: (.+))?")
_WORD = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")  # plain, and a string unless a null or bool
_NOT_STRINGS = PLAIN_NULLS | BOOLS  # the keys of that form YAML 1.2 reads as no string
_SINGLE = re.compile(r"'((?:[\x20-\x26\x28-\x7e]|'')*)'")
_DOUBLE = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\\"])*)"')
_ESCAPE = re.compile(r"\\([\\\"])")
_LITERAL = re.compile(r"\|(2?)(-?)")
_DEPTH = 64  # far beyond any object written; deeper goes to the parser
# A larger text (a Cluster with a thousand roles) is read a few times a run: the parser,
# which holds no list of its lines, reads it in less memory.
_LARGEST = 16_384
Lines = list[tuple[int, str]]


class _Outside(Exception):
    """The text is not in the grammar: the parser reads it."""


def read_block(text: str) -> Any | None:
    """The value of text, as the parser reads it, or None where text is outside the
    grammar above."""
    if len(text) > _LARGEST or not text.isascii() or "\t" in text or "\r" in text:
        return None
    lines = _lines(text)
    try:
        value, end = _collection(lines, 0, 0, 0)
        if end != len(lines):
            raise _Outside
        return value
    except (_Outside, YamlError):
        return None


def _lines(text: str) -> Lines:
    """Each line's indentation and the rest of it; empty lines at the end left out."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        rest = line.lstrip(" ")
        lines.append((len(line) - len(rest), rest))
    return lines


def _collection(lines: Lines, at: int, column: int, depth: int) -> tuple[Any, int]:
    """The sequence or mapping whose first line is lines[at], at column."""
    if depth > _DEPTH or at >= len(lines) or lines[at][0] != column:
        raise _Outside
    if lines[at][1].startswith("- "):
        return _sequence(lines, at, column, depth)
    return _mapping(lines, at, column, depth)


def _sequence(lines: Lines, at: int, column: int, depth: int) -> tuple[list[Any], int]:
    values = []
    while at < len(lines) and lines[at][0] == column and lines[at][1].startswith("- "):
        rest = lines[at][1][2:]
        if _KEY.fullmatch(rest):  # a mapping: its first key on the dash's line
            lines[at] = (column + 2, rest)
            value, at = _mapping(lines, at, column + 2, depth + 1)
        else:
            value, at = _scalar(rest), at + 1
        values.append(value)
    return values, at


def _mapping(lines: Lines, at: int, column: int, depth: int) -> tuple[dict[str, Any], int]:
    values: dict[str, Any] = {}
    while at < len(lines) and lines[at][0] == column:
        key_line = _KEY.fullmatch(lines[at][1])
        if key_line is None:
            break
        key, written = key_line.groups()
        if key in values or key in _NOT_STRINGS:
            raise _Outside
        if written is not None and written not in _NOT_STRINGS and _WORD.fullmatch(written):
            values[key], at = written, at + 1  # most values: a name, a kind, a path
        else:
            values[key], at = _value(lines, at, column, written, depth)
    return values, at


def _value(lines: Lines, at: int, column: int, written: str | None, depth: int) -> tuple[Any, int]:
    """The value of the key on lines[at] (written: what follows `key: ` on its line)."""
    if written is not None:
        literal = _LITERAL.fullmatch(written) if written[0] == "|" else None
        if literal is not None:
            return _literal(lines, at + 1, column + 2, literal.group(1), literal.group(2))
        return _scalar(written), at + 1
    if at + 1 < len(lines):
        indent, rest = lines[at + 1]
        if indent > column or (indent == column and rest.startswith("- ")):
            return _collection(lines, at + 1, indent, depth + 1)
    return None, at + 1


def _scalar(written: str) -> Any:
    if not written:
        raise _Outside  # an entry `- ` with nothing after it
    if written in ("{}", "[]"):
        return {} if written == "{}" else []
    if written[0] == "'":
        single = _SINGLE.fullmatch(written)
        if single is None:
            raise _Outside
        return single.group(1).replace("''", "'")
    if written[0] == '"':
        double = _DOUBLE.fullmatch(written)
        if double is None:
            raise _Outside
        return _ESCAPE.sub(r"\1", double.group(1))
    if not is_plain_one_line(written):
        raise _Outside
    tag = plain_scalar_tag(written)
    return written if tag == STR else typed_value(tag, written)


def _literal(lines: Lines, at: int, indent: int, indicator: str, strip: str) -> tuple[str, int]:
    """A literal block's text from lines[at] on, its lines at indent; its first line is
    neither empty nor deeper unless the header gives the indentation."""
    content = []
    while at < len(lines) and (lines[at][1] == "" or lines[at][0] >= indent):
        own, rest = lines[at]
        content.append(" " * max(own - indent, 0) + rest)  # spaces beyond it are text
        at += 1
    if not content or content[0] == "" or (not indicator and content[0][0] == " "):
        raise _Outside
    while content[-1] == "":
        content.pop()
    return "\n".join(content) + ("" if strip else "\n"), at
