"""kpt renders and evaluates the kpt example, with the image and with the installed command.

kpt writes the function's output back into the package, so these tests read the
package's files. The package starts as the kpt example before its first render (the
Cluster file is the one the kustomize example uses, with no roles added) and must end
as the example is committed: same files, same bytes, comments and quoting included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from e2e import EXAMPLES, IMAGE, LOSSES, edit, needs, needs_image

KPT_EXAMPLE = EXAMPLES / "kpt"

IMAGE_AND_EXEC = [
    pytest.param("image", marks=[needs("kpt"), needs_image]),
    pytest.param("exec", marks=needs("kpt", "dbset-fn")),
]


@pytest.fixture(params=IMAGE_AND_EXEC)
def runtime(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def package(tmp_path: Path, runtime: str) -> Path:
    """The kpt example before its first render, its Kptfile running the function by `runtime`."""
    package = tmp_path / "databases"
    package.mkdir()
    shutil.copy(KPT_EXAMPLE / "databaseset.yaml", package)
    shutil.copy(EXAMPLES / "kustomize" / "cluster.yaml", package)
    kptfile = (KPT_EXAMPLE / "Kptfile").read_text()
    if runtime == "exec":
        kptfile = kptfile.replace(f"image: {IMAGE}", "exec: dbset-fn")
    (package / "Kptfile").write_text(kptfile)
    return package


def kpt(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KPT_FN_RUNTIME": "podman"}
    return subprocess.run(["kpt", "fn", *args], capture_output=True, text=True, env=env)


def render(package: Path, runtime: str) -> subprocess.CompletedProcess:
    if runtime == "exec":
        return kpt("render", str(package), "--allow-exec")
    return kpt("render", str(package), "--image-pull-policy", "never")


def evaluate(package: Path, runtime: str) -> subprocess.CompletedProcess:
    config = str(package / "databaseset.yaml")
    if runtime == "exec":
        return kpt("eval", str(package), "--exec", "dbset-fn", "--fn-config", config)
    return kpt(
        "eval",
        str(package),
        "--image",
        IMAGE,
        "--image-pull-policy",
        "never",
        "--fn-config",
        config,
    )


def resources(package: Path) -> dict[str, str]:
    """The package's resource files by path; the Kptfile is the test's, not the function's."""
    return {
        str(path.relative_to(package)): path.read_text() for path in sorted(package.rglob("*.yaml"))
    }


def git(package: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=package, capture_output=True, text=True, check=True)
    return run.stdout


def committed(package: Path) -> Path:
    """Puts the package under git, so `git status` shows what a later render changes."""
    git(package, "init", "--quiet")
    git(package, "add", ".")
    git(package, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "r")
    return package


def test_render_writes_the_committed_example(package: Path, runtime: str) -> None:
    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    assert resources(package) == resources(KPT_EXAMPLE)


def test_eval_writes_the_committed_example(package: Path, runtime: str) -> None:
    run = evaluate(package, runtime)

    assert run.returncode == 0, run.stderr
    assert resources(package) == resources(KPT_EXAMPLE)


@pytest.mark.parametrize("run", [render, evaluate], ids=["render", "eval"])
def test_kpt_shows_each_result_once(package: Path, runtime: str, run) -> None:
    """kpt prints the results, each field path once; the function's stderr, which kpt
    prints too, stays empty."""
    shown = run(package, runtime).stderr

    assert shown.count('spec.databases[0]: ("romm"): role in Cluster') == 1
    assert "Stderr:" not in shown


def test_a_second_render_changes_nothing(package: Path, runtime: str) -> None:
    render(package, runtime)
    committed(package)

    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    assert git(package, "status", "--porcelain") == ""


def test_removing_an_entry_prunes_exactly_its_files_and_role(package: Path, runtime: str) -> None:
    render(package, runtime)
    committed(package)
    config = package / "databaseset.yaml"
    text = config.read_text()
    myapp = text[text.index("  - name: myapp") : text.index("  # No password")]
    config.write_text(text.replace(myapp, ""))

    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    assert git(package, "status", "--porcelain", "--untracked-files=all").splitlines() == [
        " M cluster.yaml",
        " M databaseset.yaml",
        " D myapp/externalsecret_myapp-db-credentials.yaml",
        " D postgres/database_myapp.yaml",
        " D postgres/externalsecret_myapp-db-credentials.yaml",
    ]
    assert (package / "cluster.yaml").read_text() == cluster_without_myapp()


def cluster_without_myapp() -> str:
    """The committed example's cluster.yaml with the role myapp and its record removed."""
    cluster = (KPT_EXAMPLE / "cluster.yaml").read_text()
    role_start = cluster.index("    - name: myapp\n")
    role_end = cluster.index("    - name: trustdb\n")
    cluster = cluster[:role_start] + cluster[role_end:]
    return cluster.replace('["romm","myapp","trustdb"]', '["romm","trustdb"]')


def test_an_invalid_databaseset_fails_the_render_and_changes_no_file(
    package: Path, runtime: str
) -> None:
    render(package, runtime)
    config = package / "databaseset.yaml"
    config.write_text(config.read_text().replace("name: trustdb", "name: pg_trust"))
    committed(package)

    run = render(package, runtime)

    assert run.returncode != 0
    assert (
        "[error] dbset.krm.dev/v1alpha1/DatabaseSet/prod-databases spec.databases[2].name: "
        '"pg_trust" must not be a role reserved by PostgreSQL'
    ) in run.stderr
    assert git(package, "status", "--porcelain") == ""


def test_a_value_ending_in_blank_lines_deletes_no_file(package: Path, runtime: str) -> None:
    """A `|+` block once made the output end early, and kpt deleted the files whose
    resources it no longer saw."""
    config = package / "databaseset.yaml"
    config.write_text(
        config.read_text().replace(
            "    comment: ROMM database owner\n", "    comment: |+\n      ROMM database owner\n\n"
        )
    )
    (package / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: motd\n  namespace: romm\n"
        "data:\n  motd: |+\n    welcome\n\n"
    )
    committed(package)

    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    assert git(package, "status", "--porcelain", "--", "configmap.yaml", "databaseset.yaml") == ""
    assert 'comment: "ROMM database owner\\n\\n"' in (package / "cluster.yaml").read_text()


def test_removing_every_entry_gives_the_cluster_file_back(package: Path, runtime: str) -> None:
    original = (package / "cluster.yaml").read_text()
    render(package, runtime)
    config = package / "databaseset.yaml"
    text = config.read_text()
    config.write_text(text[: text.index("  databases:")] + "  databases: []\n")

    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    assert (package / "cluster.yaml").read_text() == original
    assert sorted(resources(package)) == ["cluster.yaml", "databaseset.yaml"]


@needs("kpt", "dbset-fn")
@needs_image
def test_kpt_fn_doc_shows_the_commands_help() -> None:
    doc = subprocess.run(
        ["kpt", "fn", "doc", "--image", IMAGE],
        capture_output=True,
        text=True,
        env={**os.environ, "KPT_FN_RUNTIME": "podman"},
    )
    help_text = subprocess.run(["dbset-fn", "--help"], capture_output=True, text=True).stdout

    assert doc.returncode == 0, doc.stderr
    assert doc.stdout.rstrip("\n") == help_text.rstrip("\n")  # kpt ends it with a blank line


@pytest.mark.parametrize("first, then, shown", LOSSES.values(), ids=LOSSES)
def test_kpt_shows_what_a_change_makes_the_cluster_lose_as_a_warning(
    package: Path, runtime: str, first: list, then: list, shown: str
) -> None:
    config = package / "databaseset.yaml"
    edit(config, first)
    assert render(package, runtime).returncode == 0
    edit(config, then)

    run = render(package, runtime)

    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.strip().startswith("[warning]")]
    assert any(shown in line for line in warnings), run.stderr
