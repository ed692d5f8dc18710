"""Golden cases in the kpt/kustomize style: adding a case means adding a folder.

A case folder holds:
  input.yaml       the resources, as multi-document YAML (kpt annotations included
                   where the case needs them); they become the ResourceList's items
  config.yaml      the functionConfig; config-2.yaml, config-3.yaml ... run after it
                   on the output of the one before, like a pipeline (no config file:
                   no functionConfig at all)
  expected.yaml    the ResourceList the last run writes: items and results
  expected.stderr  what the runs print on stderr (absent when nothing)

UPDATE_GOLDEN=1 rewrites the expected files from the actual output; read every
changed file before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from dbset_fn.function import process_database_set
from dbset_fn.krm import Outcome, parse_resource_list, process, read_documents
from dbset_fn.krm.documents import as_document
from dbset_fn.krm.resource_list import as_entry
from dbset_fn.krm.yaml12 import parse_documents, serialize, to_node
from resource_lists import assert_parses_back
from yaml.nodes import Node

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def cases() -> list[Path]:
    return sorted(path for path in GOLDEN.iterdir() if path.is_dir())


def resource_list(entries: list[str], function_config: Node | None) -> bytes:
    """A ResourceList in kpt's layout: items as the entries given, then the config."""
    text = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
    text += "items:\n" + "".join(entries) if entries else "items: []\n"
    if function_config is not None:
        text += serialize(to_node({"functionConfig": function_config}))
    return text.encode()


def entries_of(path: Path) -> list[str]:
    """The documents of a file as a ResourceList's items: each document's text under
    "- ", as kpt sends them (comments, anchors and quoting as written)."""
    return [
        "- "
        + "".join(
            line if number == 0 or not line.strip() else "  " + line
            for number, line in enumerate(as_document(item).splitlines(keepends=True))
        )
        for item in read_documents(path.read_text(), path.name)
    ]


def case_input(name: str) -> bytes:
    """The ResourceList of a golden case's first run, as kpt would send it."""
    case = GOLDEN / name
    config = parse_documents(config_files(case)[0].read_text())[0]
    return resource_list(entries_of(case / "input.yaml"), config)


def run_case(case: Path, entries: list[str] | None = None) -> Outcome:
    """Run the case's configs in order, from input.yaml or from the items given."""
    if entries is None:
        entries = entries_of(case / "input.yaml")
    configs = [parse_documents(path.read_text())[0] for path in config_files(case)] or [None]
    stderr = ""
    outcome: Outcome | None = None
    for config in configs:
        outcome = process(resource_list(entries, config), process_database_set, "DBSET_FN_DEBUG")
        assert_parses_back(outcome.stdout)
        stderr += outcome.stderr
        if outcome.exit_code:
            break
        entries = output_entries(outcome.stdout)
    assert outcome is not None
    return Outcome(outcome.stdout, stderr, outcome.exit_code)


def output_entries(stdout: str) -> list[str]:
    return [as_entry(item) for item in parse_resource_list(stdout).items]


def config_files(case: Path) -> list[Path]:
    def order(path: Path) -> int:
        suffix = path.stem.removeprefix("config").removeprefix("-")
        return int(suffix) if suffix else 1

    return sorted(case.glob("config*.yaml"), key=order)


def check_expected(case: Path, name: str, actual: str) -> None:
    path = case / name
    if UPDATE:
        if actual:
            path.write_text(actual)
        elif path.exists():
            path.unlink()
        return
    expected = path.read_text() if path.exists() else ""
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{path} (expected)",
            "actual",
        )
        pytest.fail(
            f"{path} differs from the actual output (UPDATE_GOLDEN=1 rewrites it):\n"
            + "".join(diff),
            pytrace=False,
        )
