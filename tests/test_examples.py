"""The examples show what the function really writes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from e2e import EXAMPLES, needs
from golden_runner import GOLDEN

ORCHESTRATOR_ANNOTATION_PREFIXES = ("config.kubernetes.io/", "internal.config.kubernetes.io/")


def objects(*files: Path) -> list[str]:
    """The files' objects without orchestrator annotations, as sorted canonical JSON."""
    found = []
    for path in files:
        for obj in yaml.safe_load_all(path.read_text()):
            annotations = obj["metadata"].get("annotations", {})
            for key in list(annotations):
                if key.startswith(ORCHESTRATOR_ANNOTATION_PREFIXES):
                    del annotations[key]
            if not annotations:
                obj["metadata"].pop("annotations", None)
            found.append(json.dumps(obj, sort_keys=True))
    return sorted(found)


def test_kustomize_and_kpt_examples_hold_the_same_objects() -> None:
    kpt_package = EXAMPLES / "kpt"
    kpt_resources = [
        path for path in kpt_package.rglob("*.yaml") if path.name != "databaseset.yaml"
    ]

    assert objects(EXAMPLES / "kustomize" / "output.yaml") == objects(*kpt_resources)


STANDALONE_EXAMPLES = ["credentials", "options"]


@needs("dbset-fn")
@pytest.mark.parametrize("name", STANDALONE_EXAMPLES)
def test_a_standalone_example_shows_the_output_of_dbset_fn(name: str) -> None:
    example = EXAMPLES / name

    run = subprocess.run(
        ["dbset-fn", "databaseset.yaml", "resources.yaml"],
        cwd=example,
        capture_output=True,
        text=True,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout == (example / "output.yaml").read_text()


@needs("kpt", "dbset-fn", "git")
def test_the_migration_example_renders_as_its_golden_case(tmp_path: Path) -> None:
    """docs/migration.md: the generator's dist/ with the
    pasted DatabaseSet renders, every object taken over in its own file, as the golden
    case migrate-managed-roles-era says; a second render changes nothing."""
    package = shutil.copytree(EXAMPLES / "migration", tmp_path / "migration")
    files = sorted(path.relative_to(package) for path in package.rglob("*.yaml"))
    _git(package, "init", "--quiet")
    _commit(package)

    first = _render(package)

    assert first.returncode == 0, first.stderr
    assert "adopted" in first.stdout + first.stderr
    assert sorted(path.relative_to(package) for path in package.rglob("*.yaml")) == files
    rendered = [package / path for path in files if path.name not in CONFIG_FILES]
    golden = yaml.safe_load((GOLDEN / "migrate-managed-roles-era" / "expected.yaml").read_text())
    expected = tmp_path / "expected.yaml"
    expected.write_text(yaml.safe_dump_all(golden["items"]))
    assert objects(*rendered) == objects(expected)
    _commit(package)
    assert _render(package).returncode == 0
    assert _git(package, "status", "--porcelain") == ""


CONFIG_FILES = ("Kptfile", "databaseset.yaml")


def _render(package: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["kpt", "fn", "render", str(package), "--allow-exec"], capture_output=True, text=True
    )


def _git(package: Path, *args: str) -> str:
    run = subprocess.run(["git", *args], cwd=package, capture_output=True, text=True, check=True)
    return run.stdout


def _commit(package: Path) -> None:
    _git(package, "add", ".")
    _git(package, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "r")


STORE = EXAMPLES / "kubernetes-store" / "store.yaml"


def test_the_kubernetes_store_is_valid_and_reads_only_the_clusters_namespace() -> None:
    documents = list(yaml.safe_load_all(STORE.read_text()))
    built_in = [doc for doc in documents if doc["apiVersion"] != "external-secrets.io/v1"]
    version = kubernetes_validate.latest_version()
    for document in built_in:
        kubernetes_validate.validate(document, version, strict=True)
    store = next(doc for doc in documents if doc["kind"] == "ClusterSecretStore")
    namespace = store["spec"]["provider"]["kubernetes"]["remoteNamespace"]
    rbac = [doc for doc in documents if doc["apiVersion"].startswith("rbac.")]
    assert {(doc["kind"], doc["metadata"]["namespace"]) for doc in rbac} == {
        ("Role", namespace),
        ("RoleBinding", namespace),
    }
    (role,) = [doc for doc in rbac if doc["kind"] == "Role"]
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}
    ]


@needs("dbset-fn")
def test_with_the_store_in_the_input_it_is_no_missing_prerequisite(tmp_path: Path) -> None:
    case = GOLDEN / "generated-password-with-app-namespace"
    without = subprocess.run(
        ["dbset-fn", str(case / "config.yaml"), str(case / "input.yaml")],
        capture_output=True,
        text=True,
    )
    with_store = subprocess.run(
        ["dbset-fn", str(case / "config.yaml"), str(case / "input.yaml"), str(STORE)],
        capture_output=True,
        text=True,
    )

    assert 'relies on ClusterSecretStore "kubernetes"' in without.stderr
    assert with_store.returncode == 0, with_store.stderr
    assert "kubernetes" not in "".join(
        line for line in with_store.stderr.splitlines() if "relies on" in line
    )
