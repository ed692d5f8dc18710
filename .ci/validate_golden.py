"""Check every object the golden cases expect against the upstream CRDs.

The CRD validator reads YAML with PyYAML's YAML 1.1 loader, which cannot read some
of the fidelity corpus (`=`, custom tags) and has no CRD for it anyway, so only the
CloudNativePG and External Secrets objects are handed to it.

usage: python3 .ci/validate_golden.py VALIDATE_CRD.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dbset_fn.krm import parse_resource_list
from dbset_fn.krm.yaml12 import serialize_all

CRD_GROUPS = ("postgresql.cnpg.io", "external-secrets.io", "generators.external-secrets.io")
GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"


def main(validator: str) -> int:
    failed = 0
    for expected in sorted(GOLDEN.glob("*/expected.yaml")):
        items = parse_resource_list(expected.read_text()).items
        objects = [obj.node for obj in items if obj.group in CRD_GROUPS]
        run = subprocess.run(
            [sys.executable, validator],
            input=serialize_all(objects),
            capture_output=True,
            text=True,
        )
        print(f"{expected.parent.name}: {run.stdout.strip().splitlines()[-1]}")
        if run.returncode != 0:
            failed += 1
            print(run.stdout + run.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
