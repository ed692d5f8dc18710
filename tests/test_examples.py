"""The examples agree: kustomize and kpt produce the same objects from the seed scenario."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from e2e import EXAMPLES

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
