"""The ResourceList wire format: what kpt and kustomize send and read back."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import MappingNode, SequenceNode

from .objects import KubeObject
from .results import Result
from .yaml12 import NULL, YamlError, mapping_get, parse_documents, serialize, to_node

API_VERSION = "config.kubernetes.io/v1"
ACCEPTED_API_VERSIONS = (API_VERSION, "config.kubernetes.io/v1beta1")


@dataclass
class ResourceList:
    items: list[KubeObject]
    function_config: KubeObject | None = None
    results: list[Result] = field(default_factory=list)


def parse_resource_list(text: str) -> ResourceList:
    """Read the one ResourceList on stdin; anything else is a YamlError that says why."""
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
    items_node = mapping_get(root.node, "items") or to_node(None)
    if (
        items_node is not None
        and items_node.tag != NULL
        and not isinstance(items_node, SequenceNode)
    ):
        raise YamlError("ResourceList items must be a list")
    items = []
    for position, item in enumerate(items_node.value if items_node.tag != NULL else []):
        if not isinstance(item, MappingNode):
            raise YamlError(f"ResourceList items[{position}] must be a mapping (a resource)")
        items.append(KubeObject(item))
    config_node = mapping_get(root.node, "functionConfig")
    if (
        config_node is not None
        and config_node.tag != NULL
        and not isinstance(config_node, MappingNode)
    ):
        raise YamlError("ResourceList functionConfig must be a mapping (a resource)")
    function_config = KubeObject(config_node) if isinstance(config_node, MappingNode) else None
    return ResourceList(items, function_config)


def format_resource_list(resource_list: ResourceList) -> str:
    """The output ResourceList: items as they are, then results if there are any."""
    root = to_node({"apiVersion": API_VERSION, "kind": "ResourceList"})
    root.value.append(
        (
            to_node("items"),
            SequenceNode(
                "tag:yaml.org,2002:seq",
                [item.node for item in resource_list.items],
                flow_style=False,
            ),
        )
    )
    if resource_list.results:
        root.value.append(
            (to_node("results"), to_node([result.to_dict() for result in resource_list.results]))
        )
    return serialize(root)
