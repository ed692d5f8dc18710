"""The pre-commit hook, run by the real pre-commit on a GitOps repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from e2e import EXAMPLES, ROOT, needs

KPTFILE = """\
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: databases
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
  - exec: dbset-fn
    configPath: databaseset.yaml
"""


def git(repository: Path, *args: str) -> None:
    identity = ["-c", "user.name=test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", *identity, *args], cwd=repository, check=True, capture_output=True)


@needs("kpt", "git", "pre-commit")
def test_a_commit_with_an_unrendered_package_fails_until_the_render_is_added(
    tmp_path: Path,
) -> None:
    repository = tmp_path / "gitops"
    package = repository / "databases"
    package.mkdir(parents=True)
    shutil.copy(EXAMPLES / "kpt" / "databaseset.yaml", package)
    shutil.copy(EXAMPLES / "kustomize" / "cluster.yaml", package)
    (package / "Kptfile").write_text(KPTFILE)
    git(repository, "init", "--quiet")
    git(repository, "add", ".")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def hook() -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pre-commit", "try-repo", str(ROOT), "dbset-fn-render", "--all-files"],
            cwd=repository,
            env=environment,
            capture_output=True,
            text=True,
        )

    unrendered = hook()
    assert unrendered.returncode == 1, unrendered.stdout + unrendered.stderr
    assert "files were modified by this hook" in unrendered.stdout
    assert (package / "postgres" / "database_romm.yaml").is_file()
    git(repository, "add", ".")
    rendered = hook()
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr


@needs("kpt", "git", "pre-commit")
def test_with_fail_on_warning_a_commit_that_would_drop_a_database_fails(tmp_path: Path) -> None:
    """kpt passes a render with warnings; the hook's argument makes the commit stop."""
    repository = tmp_path / "gitops"
    package = repository / "databases"
    package.mkdir(parents=True)
    config = (EXAMPLES / "kpt" / "databaseset.yaml").read_text()
    dropping = config.replace("  - name: romm\n", "  - name: romm\n    ensure: absent\n")
    (package / "databaseset.yaml").write_text(dropping)
    shutil.copy(EXAMPLES / "kustomize" / "cluster.yaml", package)
    (package / "Kptfile").write_text(KPTFILE)
    (repository / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head(ROOT)}\n  hooks:\n  - id: dbset-fn-render\n"
        "    args: [--fail-on, warning]\n"
    )
    git(repository, "init", "--quiet")
    git(repository, "add", ".")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    run = subprocess.run(
        ["pre-commit", "run", "--all-files"],
        cwd=repository,
        env=environment,
        capture_output=True,
        text=True,
    )

    assert run.returncode == 1, run.stdout + run.stderr
    assert "the render must have no warnings" in run.stdout
    assert not (package / "postgres").exists()  # kpt wrote nothing


def head(repository: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repository, check=True, capture_output=True, text=True
    ).stdout.strip()
