"""Every golden case gives its expected output, and running it again on that output
(as `kpt fn render` does on the next render) changes no item. Results may differ: a
prune is reported by the run that prunes."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbset_fn.krm import parse_resource_list
from dbset_fn.krm.yaml12 import parse_documents, to_python
from golden_runner import cases, check_expected, output_entries, run_case


@pytest.mark.parametrize("case", cases(), ids=lambda path: path.name)
def test_golden_case(case: Path) -> None:
    outcome = run_case(case)
    check_expected(case, "expected.yaml", outcome.stdout)
    check_expected(case, "expected.stderr", outcome.stderr)

    results = to_python(parse_documents(outcome.stdout)[0]).get("results", [])
    failed = any(result["severity"] == "error" for result in results)
    assert outcome.exit_code == (1 if failed else 0)
    if not failed:
        items = output_entries(outcome.stdout)
        again = run_case(case, items)
        assert output_entries(again.stdout) == items, "a second run changed the items"
        assert_one_object_per_place(outcome.stdout)


def assert_one_object_per_place(stdout: str) -> None:
    """kpt refuses two objects at one file and index ("already exists")."""
    places = [(item.path, item.index) for item in parse_resource_list(stdout).items if item.path]
    assert len(places) == len(set(places)), "two objects at one file and index"
