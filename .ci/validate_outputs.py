"""Check every object the golden cases expect, and the examples' outputs, against the CRDs.

The CRD validator reads YAML with PyYAML's YAML 1.1 loader, which cannot read some
of the fidelity corpus (`=`, custom tags) and has no CRD for it anyway, so only the
CloudNativePG and External Secrets objects are handed to it, and of a golden case
only those the function made or changed: an object that passes through as its input
held it is the user's (some cases hold invalid ones on purpose, a Cluster without a
name among them). Flux's `${VAR}` and `${VAR:=default}` placeholders, which names may
hold and Flux fills in before it applies, are filled in the same way first: with the
default, or with the variable's name as a Kubernetes name (`${APP}` -> `app`).

usage: python3 .ci/validate_outputs.py VALIDATE_CRD.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dbset_fn.krm import Item, parse_resource_list, read_documents, write_documents

CRD_GROUPS = ("postgresql.cnpg.io", "external-secrets.io", "generators.external-secrets.io")
ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ROOT / "examples"
FLUX_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}")


def outputs() -> dict[str, list[Item]]:
    """Each golden case's expected items, and what each example shows as its output."""
    found = {
        expected.parent.name: made_or_changed(expected.parent)
        for expected in sorted(GOLDEN.glob("*/expected.yaml"))
    }
    found["examples/kustomize"] = from_files(EXAMPLES / "kustomize" / "output.yaml")
    found["examples/kpt"] = from_files(*sorted((EXAMPLES / "kpt").rglob("*.yaml")))
    for name in ("credentials", "options"):
        found[f"examples/{name}"] = from_files(EXAMPLES / name / "output.yaml")
    found["examples/kubernetes-store"] = from_files(EXAMPLES / "kubernetes-store" / "store.yaml")
    return found


def made_or_changed(case: Path) -> list[Item]:
    given = case / "input.yaml"
    held = {_canonical(item) for item in from_files(given)} if given.exists() else set()
    items = parse_resource_list((case / "expected.yaml").read_text()).items
    return [item for item in items if _canonical(item) not in held]


def _canonical(item: Item) -> str:
    """Its values, in its order: an item passed through keeps both."""
    return repr(item.read())


def from_files(*paths: Path) -> list[Item]:
    return [item for path in paths for item in read_documents(path.read_text(), path.name)]


def as_flux_applies(text: str) -> str:
    return FLUX_VARIABLE.sub(
        lambda match: match[2] if match[2] is not None else match[1].lower().replace("_", "-"),
        text,
    )


def main(validator: str) -> int:
    if not Path(validator).is_file():
        print(f"error: the CRD validator {validator} is not there", file=sys.stderr)
        return 1
    failed = 0
    for name, items in outputs().items():
        objects = [item for item in items if item.group in CRD_GROUPS]
        run = subprocess.run(
            [sys.executable, validator],
            input=as_flux_applies(write_documents(objects)),
            capture_output=True,
            text=True,
        )
        summary = (run.stdout.strip().splitlines() or [run.stderr.strip()])[-1]
        print(f"{name}: {summary}")
        if run.returncode != 0:
            failed += 1
            print(run.stdout + run.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
