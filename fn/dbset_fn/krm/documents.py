"""Resources in YAML files, for a function run on its own: documents in, documents out.

Each document is an item held as its text, so a resource the function does not edit
is written back byte for byte, and an edited one keeps every byte the edit did not
touch, as in a ResourceList.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .objects import DOCUMENT, ENTRY, Item, Origin
from .yaml12 import YamlError

_MARKER = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|$)[^\n]*(?:\n|$)", re.MULTILINE)
_EMPTY = re.compile(r"(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*")


def read_documents(text: str, where: str) -> list[Item]:
    """The resources of a YAML stream, each as the text between its markers; an empty
    document (comments only) is no resource."""
    items = []
    start = 0
    for marker in [*_MARKER.finditer(text), None]:
        end = len(text) if marker is None else marker.start()
        rest = "" if marker is None else marker.group().strip().lstrip("-.").strip()
        if rest and not rest.startswith("#"):
            raise YamlError(f"{where}: a document must start on the line after its ---")
        if _EMPTY.fullmatch(text, start, end) is None:
            origin = Origin(f"{where}, document {{}}", len(items) + 1, text, start)
            items.append(Item(text, (start, end), DOCUMENT, origin))
        start = len(text) if marker is None else marker.end()
    return items


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
