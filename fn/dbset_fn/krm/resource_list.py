"""The ResourceList wire format: what kpt and kustomize send and read back.

Items come in as text where the layout allows (see item_text), and every item that
nothing wrote to goes back out as that same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, SequenceNode

from .item_text import Span, read_header, split_items
from .objects import KubeObject
from .results import Result
from .yaml12 import NULL, SEQ, YamlError, mapping_get, parse_documents, serialize, to_node

API_VERSION = "config.kubernetes.io/v1"
WRITTEN_TOGETHER = 100  # new objects per emitter run: fast, and few node trees at a time
ACCEPTED_API_VERSIONS = (API_VERSION, "config.kubernetes.io/v1beta1")


class ResourceList(NamedTuple):
    items: list[KubeObject]
    function_config: KubeObject | None = None
    results: list[Result] = []  # noqa: RUF012 - never changed, only replaced


def parse_resource_list(text: str) -> ResourceList:
    """Read the one ResourceList on stdin; anything else is a YamlError that says why."""
    split = split_items(text)
    function_config = None
    if split is not None:
        rest, spans, config_span = split
        function_config = _function_config_as_text(text, config_span)
        if function_config is None and config_span is not None:
            rest += text[config_span[0] : config_span[1]]  # read with the rest
        try:
            root = _root(rest)
        except YamlError:  # an alias to an anchor in an item, say: read it whole
            split = None
    if split is None:
        root = _root(text)
        items = _items_of(root)
        function_config = None
    else:
        items = [
            KubeObject.from_text(text, span, read_header(text[span[0] : span[1]]), i)
            for i, span in enumerate(spans)
        ]
    if function_config is None:
        function_config = _function_config_of(root)
    return ResourceList(items, function_config)


def _function_config_as_text(text: str, span: Span | None) -> KubeObject | None:
    """The functionConfig kept as text, like an item, where its header reads plainly: a
    large one is read once, by the function, and its node tree is not kept."""
    if span is None:
        return None
    config_text = text[span[0] : span[1]]
    header = read_header(config_text)
    if "*" in config_text or header is None or not (header.api_version or header.kind):
        return None  # a possible alias, another layout, or no resource: read with the rest
    return KubeObject.from_text(text, span, header, "ResourceList functionConfig")


def _function_config_of(root: KubeObject) -> KubeObject | None:
    config_node = mapping_get(root.node, "functionConfig")
    if (
        config_node is not None
        and config_node.tag != NULL
        and not isinstance(config_node, MappingNode)
    ):
        raise YamlError("ResourceList functionConfig must be a mapping (a resource)")
    return KubeObject(config_node) if isinstance(config_node, MappingNode) else None


def _root(text: str) -> KubeObject:
    documents = parse_documents(text)
    if len(documents) != 1:
        raise YamlError(f"input must be one ResourceList document, got {len(documents)}")
    root = KubeObject(documents[0]) if isinstance(documents[0], MappingNode) else None
    if root is None or root.kind != "ResourceList":
        raise YamlError("input must be a ResourceList (kind: ResourceList)")
    if root.api_version not in ACCEPTED_API_VERSIONS:
        raise YamlError(
            f"ResourceList apiVersion must be one of {', '.join(ACCEPTED_API_VERSIONS)}, "
            f'got "{root.api_version}"'
        )
    return root


def _items_of(root: KubeObject) -> list[KubeObject]:
    items_node = mapping_get(root.node, "items") or to_node(None)
    if items_node.tag != NULL and not isinstance(items_node, SequenceNode):
        raise YamlError("ResourceList items must be a list")
    items = []
    for position, item in enumerate(items_node.value if items_node.tag != NULL else []):
        if not isinstance(item, MappingNode):
            raise YamlError(f"ResourceList items[{position}] must be a mapping (a resource)")
        items.append(KubeObject(item, f"ResourceList items[{position}]"))
    return items


def format_resource_list(resource_list: ResourceList) -> str:
    return "".join(resource_list_parts(resource_list))


def resource_list_parts(resource_list: ResourceList) -> Iterator[str]:
    """The output ResourceList in parts, each made as it is asked for: items as they
    are, then results if there are any.

    Items with their input text go out as that text; runs of the others are written
    together, as one sequence, in the same layout.
    """
    yield f"apiVersion: {API_VERSION}\nkind: ResourceList\n"
    yield "items:\n" if resource_list.items else "items: []\n"
    pending: list[Node] = []
    for item in resource_list.items:
        text = item.text
        if text is None:
            pending.append(item.node)
            if len(pending) == WRITTEN_TOGETHER:
                yield serialize(SequenceNode(SEQ, pending, flow_style=False))
                pending = []
            continue
        if pending:
            yield serialize(SequenceNode(SEQ, pending, flow_style=False))
            pending = []
        yield text if text.endswith("\n") else text + "\n"
    if pending:
        yield serialize(SequenceNode(SEQ, pending, flow_style=False))
    if resource_list.results:
        results = [result.to_dict() for result in resource_list.results]
        yield serialize(to_node({"results": results}))
