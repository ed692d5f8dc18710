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
from e2e import EXAMPLES, LOSSES, ROOT, edit, needs, needs_image

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


@pytest.mark.parametrize("first, then, shown", LOSSES.values(), ids=LOSSES)
def test_a_build_over_its_earlier_output_warns_of_what_the_cluster_loses(
    tmp_path: Path, first: list, then: list, shown: str
) -> None:
    """kustomize discards the results: the warnings reach the user on stderr. Here the
    resources hold an earlier build's output (committed, or kept as a base), so the
    objects the set no longer makes are pruned."""
    example = shutil.copytree(KUSTOMIZE_EXAMPLE, tmp_path / "example")
    config = example / "databaseset.yaml"
    edit(config, first)
    earlier = kustomize_build(example)
    assert earlier.returncode == 0, earlier.stderr
    (example / "cluster.yaml").write_text(earlier.stdout)
    edit(config, then)

    run = kustomize_build(example)

    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: ")]
    assert any(shown in line for line in warnings), run.stderr
