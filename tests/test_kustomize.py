"""kustomize runs the function's image as a transformer, on the examples.

kustomize starts container functions with `docker run`; the `docker_is_podman`
fixture answers that with podman. `kubectl kustomize` runs container functions only
(it has no --enable-exec).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from e2e import EXAMPLES, ROOT, needs, needs_image

KUSTOMIZE_EXAMPLE = EXAMPLES / "kustomize"

pytestmark = [needs("kubectl"), needs_image, pytest.mark.usefixtures("docker_is_podman")]


def kustomize_build(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["kubectl", "kustomize", "--enable-alpha-plugins", str(directory)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("directory", [KUSTOMIZE_EXAMPLE, ROOT], ids=["example", "top-level"])
def test_build_gives_the_committed_output(directory: Path) -> None:
    run = kustomize_build(directory)

    assert run.returncode == 0, run.stderr
    assert run.stdout == (KUSTOMIZE_EXAMPLE / "output.yaml").read_text()


def test_an_invalid_databaseset_fails_the_build_with_our_message(tmp_path: Path) -> None:
    example = shutil.copytree(KUSTOMIZE_EXAMPLE, tmp_path / "example")
    config = example / "databaseset.yaml"
    config.write_text(config.read_text().replace("name: trustdb", "name: pg_trust"))

    run = kustomize_build(example)

    assert run.returncode != 0
    assert run.stdout == ""
    assert 'error: spec.databases[2].name "pg_trust" must not be a role reserved' in run.stderr
