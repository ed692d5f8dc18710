"""Items as text: a ResourceList's items split apart without parsing them.

Most items of a real package pass through a function untouched. Building node trees
for them costs most of a run and risks changing their bytes, so items are kept as the
text they came in as, and parsed only when the function reads past their header.

kpt and kustomize write a ResourceList in one block layout: top-level keys at column
0, and `items:` followed by entries that each start with "- " at column 0. Only that
layout is split; any other goes to the full parser, as does any item whose header
(apiVersion, kind, metadata.name, metadata.namespace, metadata.annotations) is not
written in the plain way this module reads. A header read here is exactly what the
node tree would give.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterable


class ItemHeader(tuple):
    """What a function reads of every item: to recognise it, and to know its file.

    One flat tuple, (apiVersion, kind, name, namespace, key, value, key, value, ...):
    a large package has tens of thousands of them, and a tuple is smaller than a
    dict, a named tuple or an object.
    """

    __slots__ = ()

    def __new__(
        cls,
        api_version: str,
        kind: str,
        name: str,
        namespace: str,
        annotations: Iterable[tuple[str, str]],
    ) -> ItemHeader:
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


_TOP_LEVEL_KEY = re.compile(r"[A-Za-z_][\w.-]*:(?: |$)")
_AT_COLUMN_0 = re.compile(r"^[^ #\r\n]", re.MULTILINE)
_KEY_VALUE = re.compile(r"""([A-Za-z0-9_./-][^:#'"\s]*|"[^"\\]*"|'(?:[^']|'')*'):(?: +(.*))?""")
# `key: value` in its most common forms, read without further checks.
_WORD = r"[A-Za-z0-9_/][A-Za-z0-9_./-]*"
_SIMPLE_PAIR = re.compile(
    rf"""([A-Za-z0-9_./-]+):(?: ({_WORD}|"[A-Za-z0-9_./ -]*"|'[A-Za-z0-9_./ -]*'))?"""
)
_TOP_LEVEL_HEADER = frozenset({"apiVersion", "kind", "metadata"})
_METADATA_HEADER = frozenset({"name", "namespace", "annotations"})
_NOT_PLAIN_START = tuple("{[&*!|>%@`-?,")


Span = tuple[int, int]
"""Where a part of a text is: its start and its end."""


def split_items(text: str) -> tuple[str, list[Span], Span | None] | None:
    """(the ResourceList's text without its items and functionConfig, each item's span,
    the functionConfig's span), or None when text is not in the block layout kpt and
    kustomize write.

    Only lines at column 0 are looked at: each starts a top-level key or an item, and
    everything up to the next one belongs to it (comments and blank lines included).
    A functionConfig is split off only when its value is on the lines below its key.
    """
    rest: list[str] = []
    spans: list[Span] = []
    config: Span | None = None
    starts = [match.start() for match in _AT_COLUMN_0.finditer(text)] + [len(text)]
    if starts[0] > 0:
        rest.append(text[: starts[0]])
    in_items = seen_items = False
    first_item_from = None  # after `items:`: comments up to the first item go with it
    for start, end in itertools.pairwise(starts):
        newline = text.find("\n", start, end)
        first = text[start : end if newline < 0 else newline].rstrip("\r")
        if first.startswith("- ") or first == "-":
            if not in_items:
                return None
            from_ = start if first_item_from is None else first_item_from
            spans.append((from_, end))
            first_item_from = None
        elif _TOP_LEVEL_KEY.match(first):
            in_items = first.startswith("items:")
            if in_items:
                if first != "items:" or seen_items:
                    return None
                seen_items = True
                first_item_from = end if newline < 0 else newline + 1
            elif first == "functionConfig:" and config is None:
                config = (start, end)
            else:
                rest.append(text[start:end])
        elif start == 0 and first == "---":
            rest.append(text[start:end])
        else:
            return None
    if not seen_items or (first_item_from is not None and text[first_item_from:].strip()):
        return None
    return "".join(rest), spans, config


def read_header(item: str) -> ItemHeader | None:
    """The header of an item ("- " and its lines) or of a top-level key's block value
    (the key's line and the lines below it), or None where it is written in any but
    the plain way."""
    top: dict[str, str | None] = {}
    metadata: dict[str, str | None] = {}
    annotations: dict[str, str] = {}
    shared: dict[str, str] = {}
    section = subsection = None  # the block keys whose lines follow
    if "\t" in item:
        return None
    for number, line in enumerate(item.split("\n")):
        if number == 0:
            if not line.startswith("-"):
                continue  # a top-level key: its value is on the lines below
            line = "  " + line[2:]
        elif section is not None and section != "metadata" and line.startswith("   "):
            continue  # most lines: deep in spec or data
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent, in_sequence = len(line) - len(content), content.startswith("- ")
        if indent == 2 and not in_sequence:
            pair = _key_and_value(content, _TOP_LEVEL_HEADER)
            if pair is None or pair[0] in top:
                return None
            top[pair[0]] = pair[1]
            section, subsection = (pair[0] if pair[1] is None else None), None
        elif section is None:
            return None  # a top-level scalar going on over more lines
        elif section != "metadata" or indent == 2:
            continue  # inside another top-level block, or a list under metadata's key
        elif indent == 4 and not in_sequence:
            pair = _key_and_value(content, _METADATA_HEADER)
            if pair is None or pair[0] in metadata:
                return None
            metadata[pair[0]] = pair[1]
            subsection = pair[0] if pair[1] is None else None
        elif subsection is None:
            return None  # a metadata scalar going on over more lines
        elif subsection != "annotations":
            continue
        elif indent == 6 and not in_sequence:
            pair = _key_and_value(content, None)
            if pair is None or pair[0] in annotations:
                return None
            # Shared strings: the same keys in every item, and its path twice.
            value = pair[1] or ""
            annotations[sys.intern(pair[0])] = shared.setdefault(value, value)
        else:
            return None  # an annotation value over more lines
    header = (top.get("apiVersion", ""), top.get("kind", ""))
    header += (metadata.get("name", ""), metadata.get("namespace", ""))
    if None in header or metadata.get("annotations") is not None:
        return None
    api_version, kind, name, namespace = header
    return ItemHeader(  # shared strings: few apiVersions, kinds and namespaces in a package
        sys.intern(api_version), sys.intern(kind), name, sys.intern(namespace), annotations.items()
    )


def _key_and_value(content: str, read: frozenset[str] | None) -> tuple[str, str | None] | None:
    """(key, scalar) of a `key: value` line, (key, None) when the value is on the lines
    below (or null); None when either is written in any but the plain way.

    Only the values of keys in read (all, for None) are read; of the others it only
    matters whether they are on this line ("" stands for them).
    """
    simple = _SIMPLE_PAIR.fullmatch(content)
    if simple is not None:
        key, value = simple.groups()
        return key, (value[1:-1] if value and value[0] in "'\"" else value)
    match = _KEY_VALUE.fullmatch(content.rstrip("\r"))
    key = _unquoted(match.group(1)) if match else None
    if key is None:
        return None
    text = (match.group(2) or "").rstrip(" ")
    if not text or text.startswith("#"):
        return key, None
    if read is not None and key not in read:
        return key, ""
    if text.startswith(("'", '"')):
        value = _unquoted(text)
        return None if value is None else (key, value)
    comment = text.find(" #")
    value = text[:comment].rstrip(" ") if comment >= 0 else text
    if value.startswith(_NOT_PLAIN_START) or ": " in value or value.endswith(":"):
        return None
    return key, value


def _unquoted(text: str) -> str | None:
    """A plain key as is, a simply quoted one without its quotes; None for escapes."""
    inner = text[1:-1]
    if text[:1] == '"':
        simple = len(text) >= 2 and text.endswith('"') and not {"\\", '"'} & set(inner)
        return inner if simple else None
    if text[:1] == "'":
        simple = len(text) >= 2 and text.endswith("'") and "'" not in inner.replace("''", "")
        return inner.replace("''", "'") if simple else None
    return text
