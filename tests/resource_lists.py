"""ResourceLists as kpt writes them, for tests that assemble their own input, and the
check every output must pass: it parses back, whole, to the items it was written from."""

from __future__ import annotations

import difflib

from dbset_fn.krm import Item, YamlError, parse_resource_list
from dbset_fn.krm.resource_list import read_whole
from dbset_fn.krm.yaml12 import parse_documents, to_python

HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
CLUSTER = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Cluster
  metadata:
    name: prod-pg17
    namespace: postgres
  spec:
    instances: 1
"""


def config(*entries: str, spec: str = "", name: str = "prod-databases") -> str:
    """A functionConfig: a DatabaseSet whose entries are given as YAML lines (an entry's
    own lines indented by two), and more spec fields before them."""
    listed = "".join(f"    - {entry.replace(chr(10), chr(10) + '      ')}\n" for entry in entries)
    return (
        "functionConfig:\n  apiVersion: dbset.krm.dev/v1alpha1\n  kind: DatabaseSet\n"
        f"  metadata:\n    name: {name}\n  spec:\n{spec}    databases:"
        + ("\n" + listed if entries else " []\n")
    )


def resource_list(*items: str, function_config: str = "") -> str:
    return HEADER + "items:\n" + "".join(items) + function_config


def assert_parses_back(stdout: str) -> None:
    """The output is one YAML document, and the fast path and a whole parse read the
    same items from it: same texts, same headers, same values."""
    assert len(parse_documents(stdout)) == 1
    fast, whole = parse_resource_list(stdout), read_whole(stdout)
    assert [item.text for item in fast.items] == [item.text for item in whole.items]
    assert [item.header for item in fast.items] == [item.header for item in whole.items]
    assert [reading(item) for item in fast.items] == [reading(item) for item in whole.items]


def reading(item: Item) -> str:
    """What a function reading the item sees: its values, or that it is refused (a key
    twice, say); repr, since a NaN is not equal to itself."""
    try:
        return repr(to_python(item._tree().root))
    except YamlError:
        return "refused"


def only_inserted(before: str, after: str) -> bool:
    """Whether after is before with text inserted (lines, or within a line)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, False).get_opcodes():
        if tag == "delete":
            return False
        if tag == "replace":
            inner = difflib.SequenceMatcher(None, "".join(old[i1:i2]), "".join(new[j1:j2]), False)
            if any(op[0] in ("delete", "replace") for op in inner.get_opcodes()):
                return False
    return True
