"""Resources in YAML files, for a function run on its own: documents in, documents out.

Each document is an item held as its text, so a resource the function does not edit
is written back byte for byte, and an edited one keeps every byte the edit did not
touch, as in a ResourceList. A `kind: List` document (as `kubectl get -o yaml` writes)
holds resources rather than being one: each of its items is read as its text and
written back as a document of its own. A `%YAML` directive before a document's `---`
is read past: every document is read as YAML 1.2 anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from yaml.nodes import MappingNode, SequenceNode

from .messages import quoted
from .objects import DOCUMENT, ENTRY, Item, Origin
from .resource_list import sequence_items
from .yaml12 import NULL, YamlError, mapping_value, parse_documents

_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)[^\n]*(?:\n|$)", re.MULTILINE)
_EMPTY = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*")
_DIRECTIVES = re.compile(r"(?:(?:%[^\n]*|[ \t]*(?:#[^\n]*)?)(?:\n|$))*")
_YAML_DIRECTIVE = re.compile(r"%YAML[ \t]+1\.[0-9]+[ \t]*(?:#[^\n]*)?")


def read_documents(text: str, where: str) -> list[Item]:
    """The resources of a YAML stream, each as the text between its markers; an empty
    document (comments only) is no resource, nor are the directives before a `---`."""
    items = []
    start = 0
    documents = 0
    for marker in [*_MARKER.finditer(text), None]:
        end = len(text) if marker is None else marker.start()
        rest = "" if marker is None else marker.group().strip().lstrip("-.").strip()
        if rest and not rest.startswith("#"):
            raise YamlError(f"{where}: a document must start on the line after its ---")
        starts_document = marker is not None and marker.group().startswith("---")
        if _EMPTY.fullmatch(text, start, end) is None and not (
            starts_document and _directives(text[start:end], where)
        ):
            documents += 1
            origin = Origin(f"{where}, document {{}}", documents, text, start)
            items += _resources(Item(text, (start, end), DOCUMENT, origin))
        start = len(text) if marker is None else marker.end()
    return items


def _directives(text: str, where: str) -> bool:
    """Whether text is directives (and comments) only; a directive other than %YAML is
    an error: a %TAG's handles would not reach the documents read one by one."""
    if _DIRECTIVES.fullmatch(text) is None:
        return False
    for line in text.splitlines():
        if line.startswith("%") and _YAML_DIRECTIVE.fullmatch(line) is None:
            raise YamlError(
                f"{where}: the directive {quoted(line)} must be a %YAML directive; write tags "
                "out in full (!<tag:...>) instead of declaring them with %TAG"
            )
    return True


def _resources(document: Item) -> list[Item]:
    """The document's resource, or a List's items."""
    if (document.api_version, document.kind) != ("v1", "List"):
        return [document]
    text = document.text
    (root,) = parse_documents(text)
    sequence = mapping_value(root, "items") if isinstance(root, MappingNode) else None
    if sequence is None or sequence.tag == NULL:
        return []
    where = document.origin.where
    if not isinstance(sequence, SequenceNode):
        raise YamlError(f"{where}: the List's items must be a list")
    for position, node in enumerate(sequence.value):
        if not isinstance(node, MappingNode):
            raise YamlError(f"{where}: the List's items[{position}] must be a mapping (a resource)")
    return sequence_items(text, sequence, sequence.value, f"{where} items[{{}}]")


def write_documents(items: Iterable[Item]) -> str:
    """A multi-document stream, each resource after a `---` line."""
    return "".join("---\n" + as_document(item) for item in items)


def as_document(item: Item) -> str:
    """An item's text as a document of its own: an entry's "- " and its indentation go."""
    text = item.text
    if item.form == ENTRY:
        lines = text.splitlines(keepends=True)
        text = lines[0][2:] + "".join(
            line[2:] if line.startswith("  ") else line for line in lines[1:]
        )
    return text if text.endswith("\n") else text + "\n"
