"""A kind added to the registry is generated, owned, pruned, checked for collisions and
adopted with no other change: the steps in plan/ name no kind.

Two kinds a platform team might add, registered for these tests only: per entry, a
ConfigMap telling the app where its database is; per Cluster, a NetworkPolicy letting
the apps' namespaces reach it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from dbset_fn import kinds
from dbset_fn.config.model import DatabaseEntry, Spec
from dbset_fn.function import process_database_set
from dbset_fn.kinds.base import GeneratedKind, Kind, Rendered, metadata
from dbset_fn.kinds.connection import Endpoint
from dbset_fn.krm import Item, Result, read_documents, write_documents

CONFIG_MAP = Kind("", "v1", "ConfigMap")
NETWORK_POLICY = Kind("networking.k8s.io", "v1", "NetworkPolicy")


class DatabaseAddress(GeneratedKind):
    kind = CONFIG_MAP

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        if not entry.appNamespace:
            return []
        name = f"{entry.kubernetes_name}-database"
        document = metadata(CONFIG_MAP, name, entry.appNamespace)
        document["data"] = {"host": endpoint.host, "dbname": entry.name}
        return [Rendered(document)]


class AppsMayConnect(GeneratedKind):
    kind = NETWORK_POLICY

    def for_cluster(
        self, entries: list[DatabaseEntry], spec: Spec, endpoint: Endpoint
    ) -> list[Rendered]:
        apps = sorted({entry.appNamespace for entry in entries if entry.appNamespace})
        if not apps:
            return []
        document = metadata(NETWORK_POLICY, f"{endpoint.cluster}-apps", endpoint.written_namespace)
        document["spec"] = {
            "podSelector": {"matchLabels": {"cnpg.io/cluster": endpoint.cluster}},
            "ingress": [{"from": [_namespace(app) for app in apps]}],
        }
        return [Rendered(document)]


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kinds, "GENERATED", (*kinds.GENERATED, DatabaseAddress(), AppsMayConnect()))


CLUSTER = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
  namespace: postgres
spec:
  instances: 1
"""

CONFIG = """\
apiVersion: dbset.krm.dev/v1alpha1
kind: DatabaseSet
metadata:
  name: databases
spec:
  cluster:
    name: pg
  adopt: {adopt}
  databases:
  - name: wiki
    appNamespace: wiki
    password: {{generate: {{}}}}
  - name: shop
    appNamespace: shop
    password: {{generate: {{}}}}
"""


def render(items: list[Item], adopt: bool = False, without: str = "") -> tuple[str, list[Result]]:
    """The output's text and the results; without drops an entry from the config."""
    config = CONFIG.format(adopt=str(adopt).lower())
    if without:
        start = config.index(f"  - name: {without}\n")
        config = config[:start] + config[start:].split("\n", 3)[3]
    (function_config,) = read_documents(config, "config.yaml")
    output, results = process_database_set(items, function_config)
    return write_documents(output), results


def items_of(text: str) -> list[Item]:
    return read_documents(text, "input.yaml")


def first_render() -> str:
    output, results = render(items_of(CLUSTER))
    assert not [result for result in results if result.severity == "error"], results
    return output


def generated(output: str, kind: str) -> list[dict[str, Any]]:
    return [item.read() for item in items_of(output) if item.kind == kind]


def test_a_registered_kind_is_generated_per_entry_and_per_cluster() -> None:
    output = first_render()

    addresses = generated(output, "ConfigMap")
    assert [(obj["metadata"]["namespace"], obj["data"]) for obj in addresses] == [
        ("wiki", {"host": "pg-rw.postgres", "dbname": "wiki"}),
        ("shop", {"host": "pg-rw.postgres", "dbname": "shop"}),
    ]
    (policy,) = generated(output, "NetworkPolicy")
    annotations = policy["metadata"]["annotations"]
    assert annotations["dbset.krm.dev/database-set"] == "databases"
    assert annotations["config.kubernetes.io/path"] == "postgres/networkpolicy_pg-apps.yaml"
    names = [
        part["namespaceSelector"]["matchLabels"] for part in policy["spec"]["ingress"][0]["from"]
    ]
    assert names == [{"kubernetes.io/metadata.name": app} for app in ("shop", "wiki")]


def test_a_second_render_changes_nothing() -> None:
    output = first_render()

    again, _ = render(items_of(output))

    assert again == output


def test_a_removed_entry_prunes_its_object_and_updates_the_clusters() -> None:
    output, _ = render(items_of(first_render()), without="wiki")

    assert [obj["metadata"]["name"] for obj in generated(output, "ConfigMap")] == ["shop-database"]
    (policy,) = generated(output, "NetworkPolicy")
    assert len(policy["spec"]["ingress"][0]["from"]) == 1


@pytest.mark.parametrize(
    ("hand_written", "made_for"),
    [
        (
            "kind: ConfigMap\nmetadata:\n  name: wiki-database\n  namespace: wiki\n",
            'spec.databases[0] ("wiki")',
        ),
        (
            "kind: NetworkPolicy\nmetadata:\n  name: pg-apps\n  namespace: postgres\n",
            'Cluster "postgres/pg"',
        ),
    ],
)
def test_an_object_in_the_way_is_an_error_naming_what_it_is_made_for(
    hand_written: str, made_for: str
) -> None:
    api_version = "v1" if "ConfigMap" in hand_written else "networking.k8s.io/v1"
    other = f"apiVersion: {api_version}\n{hand_written}"

    _, results = render(items_of(CLUSTER + "---\n" + other))

    (error,) = [result for result in results if result.severity == "error"]
    assert "is not generated by a DatabaseSet" in error.message
    assert f"for {made_for}; rename or remove it, or set spec.adopt: true" in error.message


def test_adopt_takes_over_an_object_of_the_kind() -> None:
    other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wiki-database\n  namespace: wiki\n"
    other += "data:\n  host: old-db.postgres\n"

    output, results = render(items_of(CLUSTER + "---\n" + other), adopt=True)

    adopted = [result.message for result in results if result.message.startswith("adopted")]
    assert adopted == [
        'adopted ConfigMap "wiki/wiki-database" for spec.databases[0] ("wiki"): adds data.dbname, '
        "changes data.host"
    ]
    assert len(generated(output, "ConfigMap")) == 2


PACKAGE = Path(kinds.__file__).parent.parent


def test_the_steps_name_no_kind() -> None:
    """Only the registry and kinds/base.py reach plan/; the Cluster's role list, which
    holds the role of kinds/database_role.py, is the one exception."""
    for module in sorted((PACKAGE / "plan").glob("*.py")):
        imports = re.findall(r"^from \.\.kinds\.(\w+) import", module.read_text(), re.MULTILINE)
        allowed = {"base", "connection"} | (
            {"database_role"} if module.stem == "cluster_roles" else set()
        )
        assert set(imports) <= allowed, f"{module.name} imports kinds.{set(imports) - allowed}"


def test_no_module_outside_the_sdk_names_kpts_annotations() -> None:
    named = re.compile(
        r"kubernetes\.io/(path|index|id)|\bINTERNAL_(PATH|INDEX)\b"
        r"|^from \S+ import .*\b(PATH|INDEX)\b",
        re.MULTILINE,
    )
    for module in sorted(PACKAGE.rglob("*.py")):
        if "krm" not in module.parts:
            assert not named.search(module.read_text()), module
