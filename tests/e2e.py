"""What the end-to-end tests share: the image, the real tools, and skips that say why.

The tests run the real kpt, kubectl and podman. Where one is missing they skip with
the reason; .ci/run sets DBSET_FN_NO_SKIP=1, which turns every such skip into a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from dbset_fn import __version__

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
# .ci/build-image tags it v + the version, and v + major.minor, which the tests leave alone.
IMAGE = f"localhost/dbset-fn:v{__version__}"


def image_is_built() -> bool:
    if shutil.which("podman") is None:
        return False
    return subprocess.run(["podman", "image", "exists", IMAGE]).returncode == 0


needs_image = pytest.mark.skipif(
    not image_is_built(),
    reason=f"needs podman and the image {IMAGE} (podman build -t {IMAGE} .)",
)


def needs(*commands: str) -> pytest.MarkDecorator:
    missing = [command for command in commands if shutil.which(command) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} on PATH")


# What a change of the examples' DatabaseSet makes the cluster lose: the set as first
# rendered, as changed, and the warning the change must give under kpt and kustomize.
LOSSES = {
    "ensure-absent": (
        [],
        [("    appNamespace: myapp\n", "    appNamespace: myapp\n    ensure: absent\n")],
        'spec.databases[1] ("myapp") has ensure: absent, so CloudNativePG drops role "myapp" '
        'and database "myapp" with all its data',
    ),
    "role-only": (
        [
            (
                "  databases:\n",
                "  entriesWithoutPassword: trust\n"
                "  databaseDefaults:\n    databaseReclaimPolicy: delete\n  databases:\n",
            )
        ],
        [("  - name: myapp\n", "  - name: myapp\n    roleOnly: true\n")],
        "is pruned and its databaseReclaimPolicy is delete, so CloudNativePG drops database "
        '"myapp" with all its data, as spec.databases[1] ("myapp") changed',
    ),
    "role-output": (
        [
            (
                "  databases:\n",
                "  roleOutput: databaseRole\n  databaseRoleReclaimPolicy: delete\n  databases:\n",
            )
        ],
        [("  roleOutput: databaseRole\n", "")],
        "is pruned and its databaseRoleReclaimPolicy is delete, so CloudNativePG drops role "
        '"myapp", as spec.databases[1] ("myapp") changed',
    ),
    "app-namespace": (
        [],
        [("    appNamespace: myapp\n", "")],
        'so Kubernetes deletes Secret "myapp/myapp-db-credentials", which the app of role '
        '"myapp" reads to connect, as spec.databases[1] ("myapp") changed; to keep it, set '
        'appNamespace back to "myapp"',
    ),
    "secret-name": (
        [],
        [("    appNamespace: myapp\n", "    appNamespace: myapp\n    secretName: myapp-pg\n")],
        'so Kubernetes deletes Secret "myapp/myapp-db-credentials", which the app of role '
        '"myapp" reads to connect, as spec.databases[1] ("myapp") changed; to keep it, '
        "remove secretName",
    ),
}


def edit(path: Path, replacements: list[tuple[str, str]]) -> None:
    text = path.read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text)
