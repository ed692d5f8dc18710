"""The ResourceList wire format: what kpt and kustomize send, and what goes back.

Items come in as text where the layout allows (see layout.py), and every item goes
back out as its text: as it came, or as the function wrote it. Results another
function put in the ResourceList (`kpt fn source | fn1 | dbset-fn`) stay, and this
function's follow them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .header import Header, header_of
from .layout import FoundItem, Layout, split
from .messages import quoted
from .objects import ENTRY, VALUE, Item, Origin
from .results import Result, error
from .yaml12 import (
    LINE_BREAKS,
    NULL,
    SEQ,
    YamlError,
    block_entry_text,
    ends_a_line,
    line_start,
    mapping_value,
    parse_documents,
    parse_tree,
    serialize,
)

API_VERSION = "config.kubernetes.io/v1"
ACCEPTED_API_VERSIONS = (API_VERSION, "config.kubernetes.io/v1beta1")
ITEMS = "ResourceList items[{}]"
CONFIG_ORIGIN = "ResourceList functionConfig"


class ResourceList(NamedTuple):
    items: list[Item]
    function_config: Item | None = None
    results: list[Result] = []  # noqa: RUF012 - never changed, only replaced
    received_results: list[Node] = []  # noqa: RUF012 - the same


def parse_resource_list(text: str) -> ResourceList:
    """Read the one ResourceList on stdin; anything else is a YamlError that says why."""
    layout = split(text)
    if layout is not None:
        try:
            return _from_layout(text, layout)
        except YamlError:  # an alias into another item, say: only a whole parse is right
            pass
    return _from_whole(text)


def _from_layout(text: str, layout: Layout) -> ResourceList:
    root = _root(layout.rest)
    items = [
        Item(text, found.span, ENTRY, Origin(ITEMS, position, text, found.span[0]), found.header)
        for position, found in enumerate(layout.items)
    ]
    function_config = None
    if layout.function_config is not None:
        function_config = _config_item(text, layout.function_config)
    elif (config_node := _function_config_node(root)) is not None:
        function_config = _item_of_node(config_node, CONFIG_ORIGIN, 0)
    return ResourceList(items, function_config, [], _received_results(root))


def _config_item(text: str, found: FoundItem) -> Item:
    """The functionConfig as text, its header as the layout read it (or parsed). A
    config that does not parse is the function's to report, with the items passed
    through: its header stays empty until it is read."""
    origin = Origin(CONFIG_ORIGIN, 0, text, found.span[0])
    try:
        return Item(text, found.span, VALUE, origin, found.header)
    except YamlError:
        return Item(text, found.span, VALUE, origin, Header("", "", "", "", ()))


def read_whole(text: str) -> ResourceList:
    """The ResourceList as a parse of the whole text reads it, without the fast path:
    what the fast path must always agree with."""
    return _from_whole(text)


def _from_whole(text: str) -> ResourceList:
    root = _root(text)
    items_node = mapping_value(root, "items")
    if items_node is None or items_node.tag == NULL:
        nodes: list[Node] = []
    elif isinstance(items_node, SequenceNode):
        nodes = items_node.value
    else:
        raise YamlError("ResourceList items must be a list")
    problems = [  # such an item is kept as it is, to go back out as it came
        error(f"ResourceList items[{position}] must be a mapping (a resource), not {_kind(node)}")
        for position, node in enumerate(nodes)
        if not isinstance(node, MappingNode)
    ]
    items = sequence_items(text, items_node, nodes, ITEMS)
    config_node = _function_config_node(root)
    function_config = None if config_node is None else _item_of_node(config_node, CONFIG_ORIGIN, 0)
    return ResourceList(items, function_config, problems, _received_results(root))


def sequence_items(text: str, sequence: Node | None, nodes: list[Node], places: str) -> list[Item]:
    """The entries of a sequence in text (a ResourceList's items, a List's) as items:
    each as its text where that reads alone as in the whole, else written out from its
    node. places names them for messages: "ResourceList items[{}]"."""
    spans = _entry_spans(text, sequence, nodes) if sequence is not None else None
    column = sequence.start_mark.column if sequence is not None and spans else 0
    return [
        (_item_of(text, spans[position], column, node, places, position) if spans else None)
        or _item_of_node(node, places, position)
        for position, node in enumerate(nodes)
    ]


def _kind(node: Node) -> str:
    return "a list" if isinstance(node, SequenceNode) else f"the scalar {quoted(node.value)}"


def _entry_spans(text: str, items_node: Node, nodes: list[Node]) -> list[tuple[int, int]] | None:
    """Where each item is written, if the items are a block sequence: each from the start
    of its dash's line to the next one's, the line breaks being those a parser breaks
    lines at. None for any other layout."""
    if not nodes or items_node.flow_style:
        return None
    dash_line = _dash_line(items_node.start_mark.column)
    first = line_start(text, items_node.start_mark.index)
    dashes = [match.start() for match in dash_line.finditer(text, first)]
    places = [bisect.bisect_right(dashes, node.start_mark.index) for node in nodes]
    starts = [dashes[place - 1] for place in places if place > 0]
    if len(starts) != len(nodes) or len(set(starts)) != len(starts):
        return None
    end = items_node.end_mark.index
    end = line_start(text, end) if end < len(text) else end
    return list(zip(starts, [*starts[1:], end], strict=True))


def _dash_line(column: int) -> re.Pattern[str]:
    """A line that starts an entry of a block sequence at a column."""
    if column not in _DASH_LINES:
        after_break = f"(?:^|(?<=[{LINE_BREAKS}]))"
        _DASH_LINES[column] = re.compile(rf"{after_break}[ ]{{{column}}}-(?=[ {LINE_BREAKS}]|$)")
    return _DASH_LINES[column]


_DASH_LINES: dict[int, re.Pattern[str]] = {}


def _item_of(
    text: str, span: tuple[int, int], column: int, node: Node, places: str, position: int
) -> Item | None:
    """An item from a whole parse as its text, where that reads alone as it did in the
    whole (it holds no alias into another item). Entries indented under their key are
    moved to column 0, as an item is written."""
    origin = Origin(places, position, text, span[0])
    source, own = text, span
    if column:
        source = _dedented(text[span[0] : span[1]], column)
        own = (0, len(source))
    item = Item(source, own, ENTRY, origin, header_of(node))
    try:
        alone = parse_tree(item.text).root
    except YamlError:
        return None
    return item if serialize(alone) == serialize(SequenceNode(SEQ, [node])) else None


def _dedented(text: str, column: int) -> str:
    """text with up to column spaces taken from the start of each of its lines."""
    indentation = rf"(?:^|(?<=[{LINE_BREAKS}]))[ ]{{1,{column}}}"
    return re.sub(indentation, "", text)


def _item_of_node(node: Node, places: str, position: int) -> Item:
    """An item from a whole parse: written out again from its node (aliases expanded),
    since its text may lean on anchors elsewhere in the ResourceList."""
    text = serialize(SequenceNode(SEQ, [node]))
    return Item(text, (0, len(text)), ENTRY, Origin(places, position, text, 0), header_of(node))


def _root(text: str) -> MappingNode:
    documents = parse_documents(text)
    if len(documents) != 1:
        raise YamlError(f"input must be one ResourceList document, got {len(documents)}")
    root = documents[0]
    if not isinstance(root, MappingNode) or _string(mapping_value(root, "kind")) != "ResourceList":
        raise YamlError("input must be a ResourceList (kind: ResourceList)")
    keys = [key.value for key, _ in root.value if isinstance(key, ScalarNode)]
    for key in {key for key in keys if keys.count(key) > 1}:
        raise YamlError(f"the ResourceList must not have the key {quoted(key)} twice; keep one")
    api_version = _string(mapping_value(root, "apiVersion"))
    if api_version not in ACCEPTED_API_VERSIONS:
        raise YamlError(
            f"ResourceList apiVersion must be one of {', '.join(ACCEPTED_API_VERSIONS)}, "
            f"got {quoted(api_version)}"
        )
    return root


def _function_config_node(root: MappingNode) -> Node | None:
    """The functionConfig, whatever it is: what is wrong with it is the function's to
    report, with the items passed through."""
    node = mapping_value(root, "functionConfig")
    return None if node is None or node.tag == NULL else node


def _received_results(root: MappingNode) -> list[Node]:
    node = mapping_value(root, "results")
    return node.value if isinstance(node, SequenceNode) else []


def _string(node: Node | None) -> str:
    return node.value if isinstance(node, ScalarNode) else ""


def resource_list_parts(resource_list: ResourceList) -> Iterator[str]:
    """The output ResourceList in parts, each made as it is asked for: items, then the
    results received and this function's."""
    yield f"apiVersion: {API_VERSION}\nkind: ResourceList\n"
    yield "items:\n" if resource_list.items else "items: []\n"
    for item in resource_list.items:
        yield as_entry(item)
    if resource_list.received_results or resource_list.results:
        yield "results:\n"
    if resource_list.received_results:
        yield serialize(SequenceNode(SEQ, resource_list.received_results, flow_style=False))
    for result in resource_list.results:  # one at a time, as they are asked for
        yield block_entry_text(result.to_dict())


def as_entry(item: Item) -> str:
    """An item's text as an element of a block sequence at column 0, ending in the line
    break it has (a "\r" alone, say), or in "\n"."""
    if item.form != ENTRY:
        raise ValueError(f"{item.describe()} is not written as a ResourceList's item")
    text = item.text
    return text if ends_a_line(text) else text + "\n"
