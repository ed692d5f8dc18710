"""Edits that replace the text of one node and leave every other byte of an item alone.

A function that re-serialises a resource it edits loses what its YAML library does
not keep: anchors, aliases, merge keys, tags, comments, quoting, the style of blocks.
An edit here finds the node's span in the text through the parser's marks and splices
new text in its place, written in the block style the rest of the text uses (its
indentation step, and whether a list under a key is indented or not).

Every function takes the text and its parsed tree and returns the new text. A node
that anchors and aliases tie to another (see yaml12.Tree) or a mapping with a merge
key on the way cannot be edited in place: that is a CannotEdit error, never a rewrite.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .messages import quoted
from .yaml12 import (
    LINE_BREAKS,
    Tree,
    YamlError,
    ends_a_line,
    flow_text,
    is_merge_key,
    line_start,
    mapping_value,
    parse_value,
    scalar_text,
)

Path = Sequence[str]


class CannotEdit(YamlError):
    """The node cannot be edited in place; the message says why, from its path on."""


class Emptied(NamedTuple):
    """An empty value where an edit made new structure (`[]`, `{}`, `null`, `~`, or
    nothing), kept as written so that it can be put back byte for byte."""

    text: str

    @classmethod
    def read(cls, text: str) -> Emptied | None:
        """What text writes, where it is a null or an empty collection on one line; None
        for anything else (text kept elsewhere, say in an annotation, may hold anything)."""
        if not text.isprintable() or "#" in text:
            return None
        try:
            value = _inline_value(text)
        except YamlError:
            return None
        return (
            cls(text) if value is None or (isinstance(value, dict | list) and not value) else None
        )

    @property
    def value(self) -> dict | list | None:
        return _inline_value(self.text)


def _inline_value(written: str) -> Any:
    return parse_value(f"- {written}", 1)[0]


class Created(NamedTuple):
    """Where set() put new structure: the path of the first node it made or filled, and
    what stood there before (None: nothing). Enough to undo it later."""

    path: tuple[str, ...]
    before: Emptied | None


# Public edits --------------------------------------------------------------------------


def set_value(
    text: str, tree: Tree, path: Path, value: Any, first: bool = False
) -> tuple[str, Created | None]:
    """Set the value at path, creating mappings on the way; a collection is written in
    block style. A new key goes after the last of its mapping, or with first before
    the first (see _first_key_at). Returns the text, and what was created where nothing
    (or an empty collection, or null) stood, for set_text to undo."""
    style = _Style.of(text, tree.root)
    parent, depth = _deepest(tree, path)
    created = created_by_set(text, tree, path)
    if depth == len(path):
        return _replace_value(text, parent, path[-1], value, style), created
    nested: Any = value
    for key in reversed(path[depth + 1 :]):
        nested = {key: nested}
    if mapping_value(parent, path[depth]) is not None:  # null, {} or []: replaced by the block
        return _replace_value(text, parent, path[depth], nested, style), created
    if not isinstance(parent, MappingNode):
        raise CannotEdit(f"{_dotted(path[:depth])} must be a mapping to add to")
    _refuse_merges(parent, path[:depth])
    return _insert_pair(text, parent, path[depth], nested, style, first), created


def created_by_set(text: str, tree: Tree, path: Path) -> Created | None:
    """What set_value(path) creates: the first node on path that is missing, null or an
    empty collection, and its text (None where it is missing)."""
    parent, depth = _deepest(tree, path)
    old = mapping_value(parent, path[min(depth, len(path) - 1)])
    if depth == len(path):
        return (
            Created(tuple(path), Emptied(node_text(text, old)))
            if old is not None and _is_empty(old)
            else None
        )
    before = None if old is None else Emptied(node_text(text, old))
    return Created(tuple(path[: depth + 1]), before)


def set_text(text: str, tree: Tree, path: Path, before: Emptied | None) -> str:
    """Put an empty value back as it was written, or remove its key (None): undoes what
    set_value created."""
    parent, depth = _deepest(tree, path)
    if depth != len(path):
        return text
    if before is None:
        return _delete_pair(text, parent, path[-1])
    written = _Written(before.text)
    return _replace_value(text, parent, path[-1], written, _Style.of(text, tree.root))


def delete_key(text: str, tree: Tree, path: Path) -> str:
    parent, depth = _deepest(tree, path)
    return _delete_pair(text, parent, path[-1]) if depth == len(path) else text


def update_list(
    text: str,
    tree: Tree,
    path: Path,
    key: str,
    upserts: Mapping[str, Any],
    removals: Collection[str],
) -> str:
    """Replace the elements of the list at path whose key field is in upserts, append
    the others, drop those in removals; every other element keeps its text. The list
    must not come out empty (undo with set_text instead)."""
    parent, depth = _deepest(tree, path)
    node = mapping_value(parent, path[-1]) if depth == len(path) else None
    if not isinstance(node, SequenceNode):
        raise CannotEdit(f"{_dotted(path)} must be a list")
    if node.flow_style:
        return _update_flow_list(text, node, key, upserts, removals)
    style = _Style.of(text, tree.root)
    column = _dash_column(text, node)
    spans = _element_spans(text, node)
    pending = dict(upserts)
    lines: list[str] = []
    for (start, end), element in zip(spans, node.value, strict=True):
        name = _field(element, key)
        if name in removals:
            continue
        if name in pending:
            lines.append(_list_entry(pending.pop(name), column, style))
        else:
            lines.append(text[start:end])
    added = "".join(_list_entry(value, column, style) for value in pending.values())
    if not lines and not added:
        raise ValueError("update_list must leave at least one element")
    end = spans[-1][1]
    at = _below_trailing_comments(text, end, _pair(parent, path[-1])[0].start_mark.column)
    return text[: spans[0][0]] + "".join(lines) + text[end:at] + added + text[at:]


def node_text(text: str, node: Node) -> str:
    """The text a node is written as (for an empty collection or a scalar: one line)."""
    return text[node.start_mark.index : node.end_mark.index]


# Finding nodes -------------------------------------------------------------------------


def _deepest(tree: Tree, path: Path) -> tuple[Node, int]:
    """The deepest node on path, and how many steps of path lead to it. Every node on
    the way must stand alone in the text, and every mapping be free of merge keys."""
    node = tree.root
    for depth, step in enumerate(path):
        if id(node) in tree.shared:
            raise CannotEdit(_shared_message(path[:depth]))
        if not isinstance(node, MappingNode):
            raise CannotEdit(f"{_dotted(path[:depth])} must be a mapping, not a {_kind(node)}")
        child = mapping_value(node, step)
        if child is None:
            _refuse_merges(node, path[:depth])
            return node, depth
        if _is_empty(child) and depth < len(path) - 1:
            return node, depth
        node = child
    if id(node) in tree.shared:
        raise CannotEdit(_shared_message(path))
    return _parent_of(tree, path), len(path)


def _parent_of(tree: Tree, path: Path) -> Node:
    node = tree.root
    for step in path[:-1]:
        node = mapping_value(node, step)  # type: ignore[arg-type,assignment]
    return node


def _pair(node: Node, key: str) -> tuple[ScalarNode, Node]:
    assert isinstance(node, MappingNode)
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value
    raise KeyError(key)


def _field(element: Node, key: str) -> str | None:
    value = mapping_value(element, key)
    return value.value if isinstance(value, ScalarNode) else None


def _is_empty(node: Node) -> bool:
    """null, `{}` or `[]`: a value that new content replaces whole."""
    if isinstance(node, ScalarNode):
        return node.tag == "tag:yaml.org,2002:null"
    return bool(node.flow_style) and not node.value


def _refuse_merges(node: MappingNode, path: Path) -> None:
    if any(isinstance(key, ScalarNode) and is_merge_key(key) for key, _ in node.value):
        raise CannotEdit(
            f"{_dotted(path) or 'the resource'} has a merge key (<<), so a key added to it "
            "could hide what the merge gives; write the merged keys out"
        )


def _shared_message(path: Path) -> str:
    return (
        f"{_dotted(path) or 'the resource'} is tied to another place by an anchor or an "
        "alias, so editing its text would change both; write it out in full"
    )


def _dotted(path: Path) -> str:
    return ".".join(path)


def _kind(node: Node) -> str:
    return {ScalarNode: "scalar", SequenceNode: "list", MappingNode: "mapping"}[type(node)]


# Positions -----------------------------------------------------------------------------


def _line_end(text: str, at: int) -> int:
    """Where the line at is on ends, its line break ("\r\n" is one) included."""
    found = _LINE_BREAK.search(text, at)
    return len(text) if found is None else found.end()


_LINE_BREAK = re.compile(rf"\r\n|[{LINE_BREAKS}]")
_BLANK = " " + LINE_BREAKS  # spaces and every line break a parser ends a line at


def _content_end(node: Node) -> int:
    """Where the last character written for node ends (a block collection's end mark
    is the next token, past comments)."""
    if isinstance(node, ScalarNode) or node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _content_end(last[1] if isinstance(node, MappingNode) else last)


def _after_content(text: str, node: Node) -> int:
    """The start of the line after node's last line (its comment included)."""
    end = _content_end(node)
    return end if ends_a_line(text[end - 1 : end]) else _line_end(text, end)


def _after_colon(text: str, key: ScalarNode) -> int:
    colon = text.index(":", key.end_mark.index)
    return colon + 1


def _dash_column(text: str, sequence: SequenceNode) -> int:
    dash = _dash(text, sequence, 0)
    return dash - line_start(text, dash)


def _dash(text: str, sequence: SequenceNode, position: int) -> int:
    """Where the dash of a block list's element is: the first `-` after the element
    before (or the list's anchor or tag), past blank space and comments. A comment may
    stand between a dash and its element, so the dash is found going forward."""
    at = _content_end(sequence.value[position - 1]) if position else sequence.start_mark.index
    at = _BEFORE_DASH.match(text, at).end()  # type: ignore[union-attr]
    if text[at : at + 1] != "-" or at >= sequence.value[position].start_mark.index:
        raise CannotEdit(f"element {position} of a list must start with a dash")
    return at


# Blank space and line breaks (any a parser ends a line at), comments, an anchor or a tag.
_BEFORE_DASH = re.compile(r"(?:\s+|#[^\n\r\x85\u2028\u2029]*|[&!]\S*)*")


def _element_spans(text: str, sequence: SequenceNode) -> list[tuple[int, int]]:
    """Each element's lines: from its dash's line to the next element's (comments
    between go with the element before), the last to its own last line."""
    starts = [line_start(text, _dash(text, sequence, i)) for i in range(len(sequence.value))]
    ends = [*starts[1:], _after_content(text, sequence.value[-1])]
    return list(zip(starts, ends, strict=True))


# Writing -------------------------------------------------------------------------------


class _Style(NamedTuple):
    """How the text writes blocks: its indentation step, and lists under a key at the
    key's column (compact, as kubectl and kpt write them) or one step in (wide)."""

    step: int
    wide: bool

    @classmethod
    def of(cls, text: str, root: Node) -> _Style:
        step, wide = None, None
        stack = [root]
        while stack and (step is None or wide is None):
            node = stack.pop()
            if isinstance(node, SequenceNode):
                stack.extend(node.value)
            if not isinstance(node, MappingNode) or node.flow_style:
                continue
            for key, value in node.value:
                if _is_block(value) and value.start_mark.line > key.start_mark.line:
                    if isinstance(value, MappingNode) and step is None:
                        step = value.value[0][0].start_mark.column - key.start_mark.column
                    elif isinstance(value, SequenceNode) and wide is None:
                        with contextlib.suppress(CannotEdit):
                            wide = _dash_column(text, value) > key.start_mark.column
                stack.append(value)
        return cls(step if step and step > 0 else 2, bool(wide))

    def sequence_column(self, key_column: int) -> int:
        return key_column + self.step if self.wide else key_column


class _Written(str):
    """A value as the text it is written as: put back as it was."""


def _update_flow_list(
    text: str, node: SequenceNode, key: str, upserts: Mapping[str, Any], removals: Collection[str]
) -> str:
    """A flow list stays a flow list, on the lines it has: an element replaced in place,
    one removed with the separator before it, a new one after the last with the
    separator the list writes between elements; so adding elements and removing them
    again gives the text back byte for byte."""
    elements = node.value
    pending = dict(upserts)
    kept = []
    for position, element in enumerate(elements):
        name = _field(element, key)
        if name in removals:
            continue
        new = flow_text(pending.pop(name)) if name in pending else node_text(text, element)
        if kept:  # with the separator before it, as written
            new = text[elements[position - 1].end_mark.index : element.start_mark.index] + new
        kept.append(new)
    added = [flow_text(value) for value in pending.values()]
    if not kept and not added:
        raise ValueError("update_list must leave at least one element")
    separator = _flow_separator(text, node)
    body = "".join(kept) if kept else added.pop(0)
    body += "".join(separator + value for value in added)
    start = elements[0].start_mark.index if elements else _inside_bracket(text, node)
    end = elements[-1].end_mark.index if elements else start
    return text[:start] + body + text[end:]


def _flow_separator(text: str, node: SequenceNode) -> str:
    """What a flow list writes between elements: what stands between its last two (a
    comment there is not copied), or for one element on a line of its own, a comma and
    the line break and indentation before it; else `, `."""
    elements = node.value
    if len(elements) > 1:
        gap = text[elements[-2].end_mark.index : elements[-1].start_mark.index]
        return gap if "#" not in gap else ", "
    if elements:
        lead = text[_inside_bracket(text, node) : elements[0].start_mark.index]
        return "," + lead if lead.strip(" \t") and "#" not in lead else ", "
    return ", "


def _inside_bracket(text: str, node: SequenceNode) -> int:
    return text.index("[", node.start_mark.index) + 1


def _insert_pair(
    text: str, mapping: MappingNode, key: str, value: Any, style: _Style, first: bool = False
) -> str:
    if mapping.flow_style:  # before the closing brace
        at = mapping.end_mark.index - 1
        pair = f"{flow_text(key)}: {flow_text(value)}"
        return text[:at] + (", " + pair if mapping.value else pair) + text[at:]
    at = _first_key_at(text, mapping) if first else _after_content(text, mapping)
    column = mapping.value[0][0].start_mark.column
    lines = _pair_lines(key, value, column, style)
    if at == len(text) and not ends_a_line(text):
        lines = "\n" + lines
    return text[:at] + lines + text[at:]


def _first_key_at(text: str, mapping: MappingNode) -> int:
    """Where a new key goes first in a block mapping: right below the line of the key
    that holds the mapping, above any comment lines over its first key (they stay on
    it); after the last key where the first shares a line (`- name: a`).

    Because of kpt: it writes an edited item back from its own parse and puts back each
    comment on the key it hung on before. A key added last takes the comment lines that
    end the mapping (the foot of its last value, often a commented-out block) onto
    itself, and kpt writes them twice or moves them into the new key's block; a key
    added first takes none, and kpt puts it last itself (keys it had not seen go after
    those it had). Measured on the corpus by benchmarks/comment_moves.py."""
    first = mapping.value[0][0].start_mark.index
    start = line_start(text, first)
    if text[start:first].strip(" "):
        return _after_content(text, mapping)
    while start and _is_comment_or_blank(text[line_start(text, start - 1) : start]):
        start = line_start(text, start - 1)
    return start


def _below_trailing_comments(text: str, end: int, key_column: int) -> int:
    """Where new elements go in a block list whose last element's lines end at end:
    below the comment lines that follow it indented deeper than the list's key (a
    commented-out element, say), which stay with it. kpt hangs those on the last
    element; a new element written above them would take them, and kpt would move them
    into it or write them twice."""
    at = end
    while at < len(text):
        line_end = _line_end(text, at)
        line = text[at:line_end]
        if line.strip(_BLANK):
            if not line.lstrip(" ").startswith("#") or _indent(line) <= key_column:
                break
            end = line_end
        at = line_end
    return end


def _is_comment_or_blank(line: str) -> bool:
    return line.strip(_BLANK)[:1] in ("", "#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _replace_value(text: str, mapping: Node, key: str, value: Any, style: _Style) -> str:
    """The value after key replaced: a block value goes on the lines below the key, an
    inline one after it; what follows the key on its line (a comment) stays there."""
    key_node, old = _pair(mapping, key)
    if mapping.flow_style:
        written = value if isinstance(value, _Written) else flow_text(value)
        return text[: old.start_mark.index] + written + text[old.end_mark.index :]
    colon = _after_colon(text, key_node)
    if _is_block(old):
        first = line_start(text, _first_child_start(text, old))
        rest_of_key_line = text[colon:first]
        after_key = rest_of_key_line.strip(_BLANK)[:1]
        if first <= key_node.start_mark.index or after_key not in ("", "#"):
            raise CannotEdit(f"{key} must have only its block value below it")
        after = _after_content(text, old)
    else:
        if "#" in text[colon : old.start_mark.index] or old.end_mark.line > key_node.end_mark.line:
            raise CannotEdit(
                f"{key} must be written on one line with its value (as `{key}: []`, or left "
                f"out) to be replaced and later given back as written, got "
                f"{quoted(text[colon : old.end_mark.index].strip(' '))}"
            )
        line_end = _line_end(text, old.end_mark.index)
        rest_of_key_line = text[old.end_mark.index : line_end]
        if not ends_a_line(rest_of_key_line):
            rest_of_key_line += "\n"
        first = after = line_end
    column = key_node.start_mark.column
    if _is_block_value(value):
        lines = _block_lines(value, column, style, below_key=True)
        return text[:colon] + rest_of_key_line + lines + text[after:]
    inline = value if isinstance(value, _Written) else _inline(value, column, style)
    spaced = " " + inline if inline else ""  # `key:` with nothing after it, as it was
    return text[:colon] + spaced + rest_of_key_line + text[after:]


def _first_child_start(text: str, node: Node) -> int:
    if isinstance(node, SequenceNode):
        return _dash(text, node, 0)
    return node.value[0][0].start_mark.index


def _delete_pair(text: str, mapping: Node, key: str) -> str:
    key_node, value = _pair(mapping, key)
    if mapping.flow_style:  # the pair and the comma before it (after it, for the first)
        pairs = mapping.value
        position = next(i for i, (k, _) in enumerate(pairs) if k is key_node)
        if position:
            start, end = pairs[position - 1][1].end_mark.index, value.end_mark.index
        elif len(pairs) > 1:
            start, end = key_node.start_mark.index, pairs[1][0].start_mark.index
        else:
            start, end = key_node.start_mark.index, value.end_mark.index
        return text[:start] + text[end:]
    start = line_start(text, key_node.start_mark.index)
    if text[start : key_node.start_mark.index].strip(" "):
        raise CannotEdit(f"{key} must start its own line to be removed")
    end = _after_content(text, value) if _is_block(value) else _line_end(text, value.end_mark.index)
    return text[:start] + text[end:]


def _is_block(node: Node) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and not node.flow_style and bool(node.value)


def _is_block_value(value: Any) -> bool:
    return isinstance(value, dict | list) and bool(value)


def _pair_lines(key: str, value: Any, column: int, style: _Style) -> str:
    pad = " " * column
    if _is_block_value(value):
        return f"{pad}{scalar_text(key)}:\n" + _block_lines(value, column, style, below_key=True)
    return f"{pad}{scalar_text(key)}: {_inline(value, column, style)}\n"


def _block_lines(value: Any, column: int, style: _Style, below_key: bool = False) -> str:
    """value (a non-empty mapping or list) as the lines of a block: below a key at
    column, or (not below_key) with its keys or dashes at column."""
    if isinstance(value, dict):
        keys_at = column + style.step if below_key else column
        return "".join(_pair_lines(str(k), v, keys_at, style) for k, v in value.items())
    dashes_at = style.sequence_column(column) if below_key else column
    return "".join(_list_entry(element, dashes_at, style) for element in value)


def _list_entry(value: Any, dash: int, style: _Style) -> str:
    if _is_block_value(value):
        body = _block_lines(value, dash + 2, style)
        return " " * dash + "- " + body[dash + 2 :]
    return " " * dash + "- " + _inline(value, dash, style) + "\n"


def _inline(value: Any, column: int, style: _Style) -> str:
    """A scalar or an empty collection after `key: ` or `- ` (a literal block's lines
    one step past column)."""
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    written = scalar_text(value, style.step)
    header, newline, body = written.partition("\n")
    if not newline:
        return written
    lines = body.splitlines(keepends=True)
    return (
        header
        + "\n"
        + "".join(" " * column + line if line.strip() else line for line in lines).rstrip("\n")
    )
