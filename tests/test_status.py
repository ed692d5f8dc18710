"""dbset-fn status on real status shapes: one folder per case under status_golden/.

A case holds live.yaml (what kubectl get -A -o yaml printed), secrets.txt (what
kubectl get secrets -o custom-columns printed; none: no Secret metadata), and the
expected table (expected.txt) and JSON (expected.json, whose exitCode the command
must exit with). Its DatabaseSet and Cluster are the package's (status_golden/package/)
unless it has its own. SOURCES.md says where each live status comes from.
UPDATE_GOLDEN=1 rewrites the expected files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

CASES = Path(__file__).parent / "status_golden"
PACKAGE = CASES / "package"
NAMES = sorted(path.name for path in CASES.iterdir() if (path / "live.yaml").is_file())

pytestmark = pytest.mark.skipif(
    shutil.which("dbset-fn") is None, reason="dbset-fn is not installed (pip install -e .)"
)


def case_arguments(case: Path) -> list[str]:
    """The command line of a case: its package files, and its Secret metadata."""
    files = [
        str(own if (own := case / name).is_file() else PACKAGE / name)
        for name in ("databaseset.yaml", "cluster.yaml")
    ]
    secrets = case / "secrets.txt"
    return [*files, *(["--secrets", str(secrets)] if secrets.is_file() else [])]


def status(*arguments: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(["dbset-fn", "status", *arguments], input=stdin, capture_output=True)


def check_golden(path: Path, actual: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual)
    assert actual == path.read_text()


@pytest.mark.parametrize("name", NAMES)
def test_the_table(name: str) -> None:
    case = CASES / name

    run = status(*case_arguments(case), stdin=(case / "live.yaml").read_bytes())

    assert run.stderr == b""
    check_golden(case / "expected.txt", run.stdout.decode())
    assert run.returncode == json.loads((case / "expected.json").read_text())["exitCode"]


@pytest.mark.parametrize("name", NAMES)
def test_the_json_and_the_yaml_say_the_same(name: str) -> None:
    case = CASES / name
    live = ["--live", str(case / "live.yaml")]

    as_json = status(*case_arguments(case), *live, "-o", "json")
    as_yaml = status(*case_arguments(case), *live, "-o", "yaml")

    check_golden(case / "expected.json", as_json.stdout.decode())
    assert yaml.safe_load(as_yaml.stdout) == json.loads(as_json.stdout)
    assert as_json.returncode == as_yaml.returncode == json.loads(as_json.stdout)["exitCode"]


def test_every_state_and_exit_code_has_a_case() -> None:
    reports = [json.loads((CASES / name / "expected.json").read_text()) for name in NAMES]
    states = {
        cell["state"]
        for report in reports
        for entry in report["entries"]
        for cell in entry.values()
        if isinstance(cell, dict)
    }
    assert states == {"OK", "PENDING", "STALE", "UNKNOWN", "MISSING", "FAILED"}
    assert {report["exitCode"] for report in reports} == {0, 1, 3}


SECRET_VALUES = ("s3cr3t-Pa55w0rd", "czNjcjN0LVBhNTV3MHJk", "postgresql://romm:s3cr3t")


def test_no_secret_data_is_printed(tmp_path: Path) -> None:
    """Secrets given whole, as `kubectl get secrets -o yaml` prints them: only their
    name, namespace and resourceVersion are read."""
    case = CASES / "all-ok"
    secrets = [
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": version},
            "type": "kubernetes.io/basic-auth",
            "data": {"password": SECRET_VALUES[1], "username": "cm9tbQ=="},
            "stringData": {"password": SECRET_VALUES[0], "uri": SECRET_VALUES[2]},
        }
        for namespace, name, version in (
            line.split() for line in (case / "secrets.txt").read_text().splitlines()[1:]
        )
    ]
    live = (case / "live.yaml").read_text() + "---\n" + yaml.safe_dump_all(secrets)
    files = case_arguments(case)[:2]

    runs = [
        status(*files, "-o", output, stdin=live.encode()) for output in ("table", "json", "yaml")
    ]
    broken = status(*files, stdin=live.encode() + b"---\n- not: [a resource\n")

    for run in [*runs, broken]:
        for value in SECRET_VALUES:
            assert value.encode() not in run.stdout + run.stderr
    assert runs[0].stdout.decode() == (case / "expected.txt").read_text()
    assert broken.returncode == 1


def test_a_package_that_does_not_render_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "databaseset.yaml"
    text = (PACKAGE / "databaseset.yaml").read_text()
    config.write_text(text.replace("appNamespace: trust", "appNamespace: Trust"))

    run = status(
        str(config), str(PACKAGE / "cluster.yaml"), "--live", str(CASES / "all-ok" / "live.yaml")
    )

    assert run.returncode == 1
    assert run.stdout == b""
    assert b'appNamespace "Trust" must be a DNS-1123 label' in run.stderr
    assert b"Traceback" not in run.stderr


def test_unreadable_live_objects_are_one_line_errors(tmp_path: Path) -> None:
    missing = status(*case_arguments(CASES / "all-ok"), "--live", str(tmp_path / "none.yaml"))
    bad_table = status(
        *case_arguments(CASES / "all-ok")[:2],
        "--secrets",
        "/dev/stdin",
        "--live",
        str(CASES / "all-ok" / "live.yaml"),
        stdin=b"postgres romm\n",
    )

    assert (missing.returncode, missing.stderr.decode()) == (
        1,
        f"error: cannot read {tmp_path / 'none.yaml'}: No such file or directory\n",
    )
    assert bad_table.returncode == 1
    assert bad_table.stderr.decode().startswith(
        "error: line 1 of the Secret list must be NAMESPACE NAME RV"
    )


def test_status_is_the_subcommand_and_a_file_named_status_is_read_as_dot_slash_status(
    tmp_path: Path,
) -> None:
    shutil.copy(PACKAGE / "databaseset.yaml", tmp_path / "status")
    shutil.copy(PACKAGE / "cluster.yaml", tmp_path / "cluster.yaml")

    rendered = subprocess.run(
        ["dbset-fn", "./status", "cluster.yaml"], cwd=tmp_path, capture_output=True
    )
    subcommand = subprocess.run(
        ["dbset-fn", "status", "cluster.yaml"],
        cwd=tmp_path,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )

    assert rendered.returncode == 0, rendered.stderr
    assert b"\nkind: Database\n" in rendered.stdout
    assert subcommand.returncode == 1
    assert b"must hold exactly one document, the DatabaseSet" not in subcommand.stderr
