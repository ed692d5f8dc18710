"""Every shell command the READMEs show runs as written.

Each ```sh block is one script, run with bash from the root of a copy of the
repository (what git tracks or would track), with the installed `dbset-fn` and the
image at hand. The container runtime is podman: a `docker` that is podman for
kustomize, and KPT_FN_RUNTIME=podman for kpt (which refuses such a `docker`), as a
machine with Docker would run them. A block must succeed and leave every file of the
copy as it was: the committed examples are what their commands make of them.

The few blocks that cannot run here are listed in NOT_HERE with the reason; the list
is checked against the READMEs, so an entry goes when its block does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from e2e import ROOT, needs, needs_image

DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "examples").glob("*/README.md")),
    *sorted((ROOT / "docs").glob("*.md")),
]

NOT_HERE = {
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest": (
        "it is the command that runs this test"
    ),
    "cat cluster.yaml | dbset-fn databaseset.yaml | kubectl apply -f -": "needs a live cluster",
    "kubectl apply -f examples/kubernetes-store/store.yaml": "needs a live cluster",
    (
        "kubectl dbset status tests/status_golden/package/databaseset.yaml "
        "tests/status_golden/package/cluster.yaml --context recorded"
    ): "needs a cluster; tests/test_kubectl_plugin.py runs it against recorded API responses",
    (
        "kubectl create namespace argocd\n"
        "kubectl apply -k deploy/argocd --server-side --force-conflicts\n"
        "kubectl -n argocd rollout status deployment/argocd-repo-server\n"
        "kubectl -n argocd logs deployment/argocd-repo-server -c dbset-fn"
    ): "needs a live cluster; tests/test_argocd.py builds the overlay on a stand-in",
    "kustomize build --enable-alpha-plugins examples/kustomize": (
        "needs a standalone kustomize; kubectl kustomize runs the same in the block before"
    ),
    "kustomize build --enable-alpha-plugins --enable-exec .": (
        "needs a standalone kustomize (kubectl kustomize has no --enable-exec)"
    ),
    "docker build -t localhost/dbset-fn:v0.2.0 .\npodman build -t localhost/dbset-fn:v0.2.0 .": (
        "pulls python:3.12-slim-bookworm; .ci/build-image builds the same Dockerfile "
        "on a local base, and tests/test_image.py checks the result"
    ),
}


def shell_blocks() -> list[tuple[str, str]]:
    """(where, script) for every ```sh block, where being the file and line."""
    blocks = []
    for document in DOCUMENTS:
        text = document.read_text()
        for match in re.finditer(r"^```sh\n(.*?)^```$", text, re.M | re.S):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((f"{document.relative_to(ROOT)}:{line}", match.group(1).strip()))
    return blocks


BLOCKS = shell_blocks()


def runnable(where: str, script: str) -> pytest.ParameterSet:
    marks = [needs("bash", "dbset-fn")]
    if "kpt " in script:
        marks.append(needs("kpt"))
    if "kubectl " in script:
        marks.append(needs("kubectl"))
    if "podman" in script or "examples/kpt " in script or "kustomize" in script:
        marks.append(needs_image)
    return pytest.param(script, marks=marks, id=where)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The repository as git would commit it: tracked files and new ones not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    copy = tmp_path / "dbset-fn"
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file() and ".venv" not in path.parts
    }


@pytest.mark.usefixtures("docker_is_podman")
@pytest.mark.parametrize(
    "script", [runnable(where, script) for where, script in BLOCKS if script not in NOT_HERE]
)
def test_the_command_runs_as_written(
    script: str, checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPT_FN_RUNTIME", "podman")
    before = files_of(checkout)

    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, f"{script}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    after = files_of(checkout)
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert changed == [], f"{script}\nchanged {changed}"


def test_what_cannot_run_here_is_still_in_a_readme() -> None:
    assert set(NOT_HERE) <= {script for _, script in BLOCKS}


def quick_start_files() -> dict[str, str]:
    """The three files the README's quick start shows, each named in the prose before it."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("### Add a database to your Cluster") : text.index("One command")]
    files = {}
    for block in re.finditer(r"^```yaml\n(.*?)^```$", section, re.M | re.S):
        names = re.findall(r"`(cluster\.yaml|databaseset\.yaml|Kptfile)`", section[: block.start()])
        files[names[-1]] = block.group(1)
    return files


@needs("kpt", "dbset-fn")
def test_the_quick_start_files_render_into_the_committed_example(tmp_path: Path) -> None:
    package = tmp_path / "quickstart"
    package.mkdir()
    for name, text in quick_start_files().items():
        (package / name).write_text(text)

    run = subprocess.run(
        ["kpt", "fn", "render", str(package), "--allow-exec"], capture_output=True, text=True
    )

    assert run.returncode == 0, run.stderr
    assert files_of(package) == files_of(ROOT / "examples" / "quickstart")
