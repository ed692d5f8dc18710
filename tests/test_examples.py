"""The examples show what the function really writes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from e2e import EXAMPLES, needs

ORCHESTRATOR_ANNOTATION_PREFIXES = ("config.kubernetes.io/", "internal.config.kubernetes.io/")


def objects(*files: Path) -> list[str]:
    """The files' objects without orchestrator annotations, as sorted canonical JSON."""
    found = []
    for path in files:
        for obj in yaml.safe_load_all(path.read_text()):
            annotations = obj["metadata"].get("annotations", {})
            for key in list(annotations):
                if key.startswith(ORCHESTRATOR_ANNOTATION_PREFIXES):
                    del annotations[key]
            if not annotations:
                obj["metadata"].pop("annotations", None)
            found.append(json.dumps(obj, sort_keys=True))
    return sorted(found)


def test_kustomize_and_kpt_examples_hold_the_same_objects() -> None:
    kpt_package = EXAMPLES / "kpt"
    kpt_resources = [
        path for path in kpt_package.rglob("*.yaml") if path.name != "databaseset.yaml"
    ]

    assert objects(EXAMPLES / "kustomize" / "output.yaml") == objects(*kpt_resources)


STANDALONE_EXAMPLES = ["credentials", "options"]


@needs("dbset-fn")
@pytest.mark.parametrize("name", STANDALONE_EXAMPLES)
def test_a_standalone_example_shows_the_output_of_dbset_fn(name: str) -> None:
    example = EXAMPLES / name

    run = subprocess.run(
        ["dbset-fn", "databaseset.yaml", "resources.yaml"],
        cwd=example,
        capture_output=True,
        text=True,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout == (example / "output.yaml").read_text()
