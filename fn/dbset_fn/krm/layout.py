"""Where a ResourceList's items are in its text, found without parsing what is proven.

Most items of a real package pass through a function untouched; building node trees
for them costs most of a run. kpt and kustomize write a ResourceList in one block
layout: top-level keys at column 0, and `items:` followed by entries that each start
with "- " at column 0. So the text is cut at its column-0 lines, and each piece is
kept as text, with its header read from the text (see header.py).

A cut is only right where the parser would cut: a column-0 line may also be inside a
quoted scalar that goes on over lines (kpt writes the closing quote of one at column
0) or inside a flow collection. One scan, from the top, reads the value of every line
that is a key's or a list entry's (`key: `, `- `, after any tags or anchors), where
a multi-line value can start:

- a quoted scalar not closed on its line: its end is found, and the scan goes on
  after it, so no line inside it is taken for structure;
- a literal or folded block (`|`, `>`): the scan skips its lines, those indented
  deeper than its key;
- a flow collection not closed on its line, or such a value on a line of its own:
  the piece is unproven.

What the scan skips is inside a value for certain, since it only starts on a line a
parser reads as structure. So each piece is:

- proven: its quoted scalars' spans go to the header reader, which refuses a header
  line inside one;
- checked: anchors or aliases in it; it is parsed alone, which fails if an alias
  points into another item;
- unproven: a flow collection over lines, a value on a line of its own, a quoted
  scalar running past a cut, a column-0 line that is neither an item nor a key nor
  inside a quoted scalar. The parser then reads from the piece's start to the first
  following cut where what it read is complete, and says where its items are.

Only that item is parsed, never the whole list, except where nothing else can be
right: the layout is not kpt's (flow style, indented items, JSON, markers or
directives), a line break other than "\n" or "\r\n" (see yaml12.LINE_BREAKS: this
scan cuts lines at "\n" only), or an alias in one item or in the functionConfig points
into another.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from yaml.nodes import SequenceNode

from .header import Header, Span, read_header, unreadable
from .yaml12 import YamlError, parse_documents

_COLUMN_0 = re.compile(r"\n[^ #\r\n]")  # a line break first: far faster than `^` in MULTILINE
_ITEM_START = re.compile(r"-(?:[ \r\n]|$)")
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w.-]*):(?:[ \r\n]|$)")
_BLOCK_KEY = re.compile(r"[A-Za-z_][\w.-]*:[ ]*(?:#[^\n]*)?(?:\n|$)")
_MARKER_OR_DIRECTIVE = re.compile(r"(?:---|\.\.\.)(?:[ \t\r\n]|$)|%")
_LONE_CR = re.compile(r"\r(?!\n)")
_ENTRY_BELOW = re.compile(r"\n[ \t]+[^\s#]")  # a line of the key's value, indented

# A line's value, where it starts: after the indentation, list dashes and explicit-key
# marks, a key and its colon, and any tags or anchors. Only values that can go on over
# lines are matched: a quote not closed on the line, a flow collection not closed on
# it, a block scalar's header.
_DQ = r'"(?:[^"\\\n]|\\[^\n])*+"'
_SQ = r"'(?:[^'\n]|'')*+'"
_KEY = rf"""(?:[^\s#'"\[\]{{}},&*!|>%@`-][^\n]*?|-[^\s\n][^\n]*?|{_DQ}|{_SQ})"""
_SIMPLE_FLOW = rf"""(?:[^\[\]{{}}"'\n\#]|{_DQ}|{_SQ})*+"""
_VALUE = re.compile(
    rf"""^(?P<indent>[ ]*)(?P<marks>(?:[-?:][ ]+)*)(?:(?P<key>{_KEY}):(?:[ \t]+|(?=\n)))?
    (?:[!&][^\s]*[ \t]+)*
    (?:
        (?P<quote>"(?!(?:[^"\\\n]|\\[^\n])*+")|'(?!(?:[^'\n]|'')*+'))
      | (?P<flow>\[(?!{_SIMPLE_FLOW}\])|\{{(?!{_SIMPLE_FLOW}\}}))
      | (?P<block>[|>][-+0-9]*[ \t]*(?:\#[^\n]*)?$)
    )""",
    re.MULTILINE | re.VERBOSE,
)
# Where _VALUE may match, found fast (each pattern starts with its character, which
# lets the regex engine skip to it): a value that can go on over lines, after a space,
# a tab or a line break; each is then checked to be where its line's value starts.
_MULTI_LINE = re.compile(
    rf"""'(?<=[ \t\n]')(?!(?:[^'\n]|'')*+')
    | "(?<=[ \t\n]")(?!(?:[^"\\\n]|\\[^\n])*+")
    | \[(?<=[ \t\n]\[)(?!{_SIMPLE_FLOW}\])
    | \{{(?<=[ \t\n]\{{)(?!{_SIMPLE_FLOW}\}})
    | [|>](?<=[ \t\n][|>])(?=[-+0-9]*[ \t]*(?:\#[^\n]*)?$)""",
    re.MULTILINE | re.VERBOSE,
)
# Lines no value going on over lines can start on, skipped in one match: lines with no
# quote, `[`, `{`, `|` or `>`, and a key's line (in a list or not) whose value is closed
# on it: quoted, or a flow collection holding no collection or quote.
_PLAIN_LINES = re.compile(
    r"""(?:[^'"\[{|>\n]*+\n
      | [ ]*(?:-[ ]+)*[A-Za-z0-9_./-]+:[ ]+
        (?:'(?:[^'\n]|'')*+'|"(?:[^"\\\n]|\\[^\n])*+"|\[[^\[\]{}'"\n\#]*\]|\{[^\[\]{}'"\n\#]*\})
        [ ]*\n
    )*+""",
    re.VERBOSE,
)
_ANCHOR = re.compile(r"[&*](?<=[ \t\n\[{,][&*])(?=[^ \t\n,\[\]{}])")
_QUOTED_TAIL = {
    '"': re.compile(r'(?:[^"\\]|\\.)*+"', re.DOTALL),
    "'": re.compile(r"(?:[^']|'')*+'"),
}
_DEEPER: dict[int, re.Pattern[str]] = {}  # lines blank or deeper than a column, by column

PROVEN, CHECKED, UNPROVEN = "proven", "checked", "unproven"


class Piece(NamedTuple):
    """A part of the text from one column-0 cut to the next, and what the scan found."""

    span: Span
    first_line: str
    status: str
    quoted: list[Span]  # multi-line quoted scalars in it, offsets in the piece


class FoundItem(NamedTuple):
    """An item's span in the text, and its header where it was read or parsed already."""

    span: Span
    header: Header | None
    spans: list[Span]  # multi-line quoted scalars, for reading the header


class Layout(NamedTuple):
    rest: str  # the ResourceList's text without its items and functionConfig
    items: list[FoundItem]
    function_config: FoundItem | None


def split(text: str) -> Layout | None:
    """The items of a ResourceList in kpt's layout, or None where only a parse of the
    whole text can be right (see the module's docstring)."""
    if not _lines_end_in_newlines(text):
        return None
    pieces = _pieces(text)
    if pieces is None:
        return None
    checked = not unreadable(text)  # then no item is: each need not be checked
    rest: list[str] = [text[: pieces[0].span[0]]] if pieces else [text]
    items: list[FoundItem] = []
    function_config: FoundItem | None = None
    seen: set[str] = set()
    in_items = rest_is_list = False
    position = 0
    while position < len(pieces):
        piece = pieces[position]
        start, end = piece.span
        if _ITEM_START.match(piece.first_line):
            if not in_items:  # the entries of another key's list: results, say
                if piece.status == UNPROVEN or not rest_is_list:
                    return None
                rest.append(text[start:end])
                position += 1
                continue
            found, position = _items_from(text, pieces, position, checked)
            if found is None:
                return None
            items += found
            continue
        key = _TOP_LEVEL_KEY.match(piece.first_line)
        if key is None:
            return None
        name = key.group(1)
        if name in seen:
            raise YamlError(f'the ResourceList must not have the key "{name}" twice; keep one')
        seen.add(name)
        block = _BLOCK_KEY.match(text, start) is not None  # its value on the lines below
        in_items = block and name == "items"
        rest_is_list = block
        if name == "items" and (not block or _ENTRY_BELOW.search(text, start, end)):
            return None  # in flow style, a scalar, or entries indented: only a parse reads it
        if block and name == "functionConfig":
            function_config = _found(text, piece, checked)  # whatever it holds: the function's
        elif piece.status == UNPROVEN:
            return None
        else:
            rest.append(text[start:end])
        position += 1
    if "items" not in seen:
        return None
    return Layout("".join(rest), items, function_config)


def _lines_end_in_newlines(text: str) -> bool:
    """Whether every line break in text is "\n" or "\r\n" (of yaml12.LINE_BREAKS), the
    only ones this scan cuts lines at."""
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return False
    return "\r" not in text or _LONE_CR.search(text) is None


def _pieces(text: str) -> list[Piece] | None:
    """The text cut at its column-0 lines that could start an item or a key, each piece
    with what the scan found in it; None when a marker or directive is at column 0."""
    cuts: list[int] = []
    lines: list[str] = []
    odd: list[int] = []  # column-0 lines that are neither: explained only by a quote
    first = [0] if text[:1] not in ("", " ", "#", "\r", "\n") else []
    for start in first + [match.start() + 1 for match in _COLUMN_0.finditer(text)]:
        newline = text.find("\n", start)
        line = text[start : newline if newline >= 0 else len(text)]
        if (
            line[0] in "-.%"
            and _MARKER_OR_DIRECTIVE.match(line)
            and not (start == 0 and line.startswith("---"))
        ):
            return None
        if _ITEM_START.match(line) or _TOP_LEVEL_KEY.match(line):
            cuts.append(start)
            lines.append(line)
        else:
            odd.append(start)
    if not cuts:
        return None
    ends = [*cuts[1:], len(text)]
    status = [PROVEN] * len(cuts)
    quoted: list[list[Span]] = [[] for _ in cuts]
    inside: list[Span] = []  # of every quoted scalar: the lines no cut can be on
    at = cuts[0]
    while (value := _next_value(text, at)) is not None:
        piece = bisect.bisect_right(cuts, value.start()) - 1
        at = text.find("\n", value.end()) + 1 or len(text)
        structural = bool(value.group("key") or value.group("marks"))
        if value.lastgroup == "block" and structural:
            at = _block_end(text, at, _column(value))
            continue
        opening = value.start("quote")
        tail = _QUOTED_TAIL[text[opening]].match(text, opening + 1) if opening >= 0 else None
        if tail is None or not structural:  # a flow over lines, a value on a line of its own
            status[piece] = UNPROVEN
            at = ends[piece]  # the scan starts again at the next cut
            continue
        at = tail.end()
        inside.append((opening, at))
        last = bisect.bisect_left(cuts, at) - 1  # the piece the scalar ends in
        if last == piece:
            quoted[piece].append((opening - cuts[piece], at - cuts[piece]))
            continue
        for over in range(piece, last + 1):  # over a cut: the parser says where items are
            status[over] = UNPROVEN
    for anchor in _anchors(text, cuts[0]):
        piece = bisect.bisect_right(cuts, anchor) - 1
        status[piece] = status[piece] if status[piece] == UNPROVEN else CHECKED
    starts = [start for start, _ in inside]
    for line in odd:
        piece = bisect.bisect_right(cuts, line) - 1
        quote = bisect.bisect_right(starts, line) - 1
        if piece >= 0 and not (quote >= 0 and starts[quote] < line < inside[quote][1]):
            status[piece] = UNPROVEN
    return [Piece((cuts[i], ends[i]), lines[i], status[i], quoted[i]) for i in range(len(cuts))]


def _anchors(text: str, start: int) -> Iterator[int]:
    """Where an anchor or an alias starts (see _ANCHOR), from start: each "&" and "*"
    found by str.find, then matched. A pattern starting with a set of characters is
    tried at every position of the text: five times slower on a package with none."""
    for character in "&*":
        at = text.find(character, start)
        while at >= 0:
            if _ANCHOR.match(text, at):
                yield at
            at = text.find(character, at + 1)


def _next_value(text: str, at: int) -> re.Match[str] | None:
    """The next line from at whose value can go on over lines (see _VALUE): plain lines
    skipped at once, each other line searched for where such a value could start."""
    while (at := _PLAIN_LINES.match(text, at).end()) < len(text):
        end = text.find("\n", at) + 1 or len(text)
        for candidate in _MULTI_LINE.finditer(text, at, end):
            line = text.rfind("\n", 0, candidate.start()) + 1
            if line >= at:
                value = _VALUE.match(text, line)
                if value is not None and value.start(value.lastgroup) == candidate.start():
                    return value
        at = end
    return None


def _column(value: re.Match[str]) -> int:
    """The column of the key (or of the last list dash) a value belongs to."""
    column = len(value.group("indent")) + len(value.group("marks"))
    return column if value.group("key") else column - 2


def _block_end(text: str, at: int, column: int) -> int:
    """The end of a block scalar's lines from at: blank, or deeper than its key."""
    if column not in _DEEPER:
        _DEEPER[column] = re.compile(rf"(?:[ ]*(?:\n|$)|[ ]{{{column + 1}}}[^\n]*(?:\n|$))*+")
    deeper = _DEEPER[column].match(text, at)
    return deeper.end() if deeper else at


def _items_from(
    text: str, pieces: list[Piece], first: int, checked: bool
) -> tuple[list[FoundItem] | None, int]:
    """The items from pieces[first] on, up to the next key, and the position after them."""
    found: list[FoundItem] = []
    position = first
    while position < len(pieces) and _ITEM_START.match(pieces[position].first_line):
        piece = pieces[position]
        if piece.status == UNPROVEN:
            resolved, position = _resolve(text, pieces, position)
            if resolved is None:
                return None, position
            found += resolved
            continue
        found.append(_found(text, piece, checked))
        position += 1
    return found, position


def _found(text: str, piece: Piece, checked: bool) -> FoundItem:
    """A piece as an item, its header read from its text where the scan proved every
    line of it: a header line inside a flow collection over lines is not a header."""
    header = None
    if piece.status == PROVEN:
        start, end = piece.span
        header = read_header(text[start:end], piece.quoted, checked)
    return FoundItem(piece.span, header, piece.quoted)


def _resolve(text: str, pieces: list[Piece], first: int) -> tuple[list[FoundItem] | None, int]:
    """The items the parser finds from an unproven piece on: the text from its start is
    parsed up to each following cut in turn, until it is complete YAML."""
    start = pieces[first].span[0]
    starts = [piece.span[0] for piece in pieces]
    for last in range(first, len(pieces)):
        if last > first and not _ITEM_START.match(pieces[last].first_line):
            break  # items end at the next key: beyond it, only a whole parse is right
        end = pieces[last].span[1]
        try:
            documents = parse_documents(text[start:end])
        except YamlError:
            continue
        if len(documents) != 1 or not isinstance(documents[0], SequenceNode):
            return None, last + 1
        elements = documents[0].value
        item_starts = [_dash_line(starts, start + element.start_mark.index) for element in elements]
        if item_starts[0] != start or sorted(set(item_starts)) != item_starts:
            return None, last + 1
        spans = list(zip(item_starts, [*item_starts[1:], end], strict=True))
        return [FoundItem(span, None, []) for span in spans], last + 1
    return None, len(pieces)


def _dash_line(starts: list[int], at: int) -> int:
    """The column-0 cut at or before a position: where the item at that position starts."""
    return starts[bisect.bisect_right(starts, at) - 1]
