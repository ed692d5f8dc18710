"""dbset-fn as users run it: the installed command, over stdin and files."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest
from dbset_fn.krm import parse_resource_list, read_documents, write_documents
from dbset_fn.krm.documents import as_document
from dbset_fn.krm.yaml12 import parse_documents
from dbset_fn.plan.ownership import owner_of
from golden_runner import case_input, entries_of, resource_list

ROOT = Path(__file__).parent.parent
SEED = ROOT / "examples" / "kustomize"
GOLDEN = Path(__file__).parent / "golden"

pytestmark = pytest.mark.skipif(
    shutil.which("dbset-fn") is None, reason="dbset-fn is not installed (pip install -e .)"
)


def dbset_fn(
    *args: str, stdin: bytes = b"", env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(["dbset-fn", *args], input=stdin, capture_output=True, env=env)


def test_krm_mode_reads_a_resource_list_on_stdin() -> None:
    run = dbset_fn(stdin=case_input("seed"))

    assert run.returncode == 0, run.stderr
    assert run.stdout.decode() == (GOLDEN / "seed" / "expected.yaml").read_text()


def test_standalone_mode_renders_the_seed_example() -> None:
    run = dbset_fn(str(SEED / "databaseset.yaml"), str(SEED / "cluster.yaml"))

    assert run.returncode == 0, run.stderr
    output = run.stdout.decode()
    assert output.count("\nkind: Database\n") == 3
    assert output.count("\nkind: ExternalSecret\n") == 4
    assert "config.kubernetes.io/path" not in output


def test_standalone_mode_reads_resources_from_stdin() -> None:
    from_files = dbset_fn(str(SEED / "databaseset.yaml"), str(SEED / "cluster.yaml"))
    from_stdin = dbset_fn(
        str(SEED / "databaseset.yaml"), stdin=(SEED / "cluster.yaml").read_bytes()
    )

    assert from_stdin.returncode == 0
    assert from_stdin.stdout == from_files.stdout


def test_standalone_output_is_stable_when_rendered_again(tmp_path: Path) -> None:
    first = dbset_fn(str(SEED / "databaseset.yaml"), str(SEED / "cluster.yaml"))
    (tmp_path / "rendered.yaml").write_bytes(first.stdout)

    second = dbset_fn(str(SEED / "databaseset.yaml"), str(tmp_path / "rendered.yaml"))

    assert second.stdout == first.stdout


def test_standalone_mode_leaves_another_sets_objects_as_they_came(tmp_path: Path) -> None:
    """Files kpt rendered carry each object's file; rendering one set strips it from
    the objects that set makes, and from nothing else."""
    rendered = parse_resource_list((GOLDEN / "seed" / "expected.yaml").read_text())
    package = tmp_path / "package.yaml"
    package.write_text(write_documents(rendered.items))
    other_set = tmp_path / "other-set.yaml"
    other_set.write_text(
        "apiVersion: dbset.krm.dev/v1alpha1\nkind: DatabaseSet\nmetadata:\n  name: other\n"
        "spec:\n  cluster: {name: prod-pg17, namespace: postgres}\n  databases:\n"
        "  - {name: reports, bitwardenPasswordId: 7f3c1a52-0000-4000-8000-000000000009}\n"
    )

    run = dbset_fn(str(other_set), str(package))

    assert run.returncode == 0, run.stderr
    seeds_objects = [item for item in rendered.items if owner_of(item) == "prod-databases"]
    assert seeds_objects and all("config.kubernetes.io/path" in i.text for i in seeds_objects)
    for item in seeds_objects:
        assert as_document(item) in run.stdout.decode()


def test_standalone_mode_reads_a_file_that_starts_with_a_yaml_directive(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text("%YAML 1.2\n---\n" + (SEED / "cluster.yaml").read_text())

    run = dbset_fn(str(SEED / "databaseset.yaml"), str(cluster))
    as_written = dbset_fn(str(SEED / "databaseset.yaml"), str(SEED / "cluster.yaml"))

    assert run.returncode == 0, run.stderr
    assert run.stdout == as_written.stdout


def test_standalone_mode_reads_the_items_of_a_list_as_kubectl_writes_it(tmp_path: Path) -> None:
    """`kubectl get -o yaml` writes a List: its items are the resources, each written
    back as it came (the Cluster with the set's roles)."""
    documents = read_documents((GOLDEN / "seed" / "input.yaml").read_text(), "input.yaml")
    items = "".join(
        "- " + as_document(item).replace("\n", "\n  ").removesuffix("  ") for item in documents
    )
    listed = tmp_path / "listed.yaml"
    listed.write_text(
        f'apiVersion: v1\nitems:\n{items}kind: List\nmetadata:\n  resourceVersion: ""\n'
    )
    one_by_one = tmp_path / "one-by-one.yaml"
    one_by_one.write_text(write_documents(documents))

    run = dbset_fn(str(GOLDEN / "seed" / "config.yaml"), str(listed))
    expected = dbset_fn(str(GOLDEN / "seed" / "config.yaml"), str(one_by_one))

    assert run.returncode == 0, run.stderr
    assert run.stdout == expected.stdout
    assert "kind: List" not in run.stdout.decode()


def test_a_tag_directive_is_refused_in_one_line(tmp_path: Path) -> None:
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("%TAG !e! tag:example.com,2026:\n---\n" + (SEED / "cluster.yaml").read_text())

    run = dbset_fn(str(SEED / "databaseset.yaml"), str(tagged))

    assert run.returncode == 1
    assert run.stderr.decode() == (
        f'error: {tagged}: the directive "%TAG !e! tag:example.com,2026:" must be a %YAML '
        "directive; write tags out in full (!<tag:...>) instead of declaring them with %TAG\n"
    )


def test_standalone_mode_reports_problems_on_stderr_only() -> None:
    run = dbset_fn(str(GOLDEN / "error-invalid-names" / "config.yaml"), str(SEED / "cluster.yaml"))

    assert run.returncode == 1
    assert run.stdout == b""
    assert b'error: spec.databases[2].name "public" must not be' in run.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "input must be one ResourceList document, got 0"),
        (b"items: [\n", "input is not valid YAML"),
        (b"\xff\xfe not utf-8", "input must be UTF-8"),
        (b"kind: ResourceList\n---\nkind: ResourceList\n", "got 2"),
        (b"apiVersion: v1\nkind: ConfigMap\n", "input must be a ResourceList"),
        (b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [1]\n", "items[0]"),
        (b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: x\n", "a list"),
        (b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: ~\n", "there is none"),
        (b"apiVersion: v9\nkind: ResourceList\n", 'got "v9"'),
        (
            b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: [1]\n",
            "mapping",
        ),
    ],
)
def test_bad_input_gives_one_readable_line_and_exit_1(stdin: bytes, message: str) -> None:
    run = dbset_fn(stdin=stdin)

    assert run.returncode == 1
    assert message in run.stderr.decode()
    assert len(run.stderr.decode().splitlines()) == 1
    assert b"Traceback" not in run.stderr
    assert b"kind: ResourceList" in run.stdout and b"severity: error" in run.stdout


def test_help_and_version() -> None:
    assert b"DATABASESET.yaml" in dbset_fn("--help").stdout
    assert dbset_fn("help").stdout == dbset_fn("--help").stdout
    assert b"--version" in dbset_fn("--help").stdout
    assert dbset_fn("--version").stdout.startswith(b"dbset-fn ")


def dropping_romm(tmp_path: Path) -> Path:
    """The seed's DatabaseSet with romm being dropped: a render with a warning."""
    config = tmp_path / "databaseset.yaml"
    text = (SEED / "databaseset.yaml").read_text()
    config.write_text(text.replace("  - name: romm\n", "  - name: romm\n    ensure: absent\n"))
    return config


def test_fail_on_warning_stops_a_render_that_would_drop_a_database(tmp_path: Path) -> None:
    config, cluster = str(dropping_romm(tmp_path)), str(SEED / "cluster.yaml")

    passed = dbset_fn(config, cluster)
    stopped = dbset_fn("--fail-on", "warning", config, cluster)

    assert passed.returncode == 0 and b"warning: " in passed.stderr
    assert stopped.returncode == 1 and stopped.stdout == b""
    first, *rest = stopped.stderr.splitlines()
    assert first.startswith(b"error: the render must have no warnings, as --fail-on warning")
    assert rest[0] == passed.stderr.splitlines()[0]


def test_fail_on_warning_as_a_krm_function_leaves_the_items_as_they_came(tmp_path: Path) -> None:
    """kpt writes nothing of a failed render: the package stays as it was."""
    config = parse_documents(dropping_romm(tmp_path).read_text())[0]
    stdin = resource_list(entries_of(SEED / "cluster.yaml"), config)

    run = dbset_fn(stdin=stdin, env={**os.environ, "DBSET_FN_FAIL_ON": "warning"})

    assert run.returncode == 1
    output = parse_resource_list(run.stdout.decode())
    assert [item.text for item in output.items] == [
        item.text for item in parse_resource_list(stdin.decode()).items
    ]


def test_a_missing_file_is_a_clear_error() -> None:
    run = dbset_fn(str(SEED / "databaseset.yaml"), "no-such-file.yaml")

    assert run.returncode == 1
    assert b"no-such-file.yaml" in run.stderr
    assert b"Traceback" not in run.stderr


def test_on_a_terminal_without_arguments_it_shows_how_to_use_it() -> None:
    """A ResourceList never comes from a terminal: someone typed `dbset-fn` to see."""
    terminal, other_end = pty.openpty()
    try:
        run = subprocess.run(["dbset-fn"], stdin=other_end, capture_output=True, timeout=30)
    finally:
        os.close(terminal)
        os.close(other_end)

    assert run.returncode == 2
    assert run.stdout == b""
    assert b"usage:" in run.stderr and b"] DATABASESET.yaml" in run.stderr
