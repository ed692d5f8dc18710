"""The DatabaseSet's JSON Schema, `--help` and `explain`: one source, the model.

The schema is committed for editors; it describes every field, and refuses what the
function refuses wherever JSON Schema can state the rule. The rules it cannot state
are listed here, each still refused by the function.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dbset_fn import __version__
from dbset_fn.cli import main
from dbset_fn.config.explain import explain
from dbset_fn.config.load import load_database_set
from dbset_fn.config.problems import InvalidConfig
from dbset_fn.krm import Item, Origin
from dbset_fn.krm.objects import DOCUMENT
from e2e import EXAMPLES, ROOT
from jsonschema import Draft202012Validator

COMMITTED = ROOT / "schema" / "databaseset.schema.json"
EXAMPLE_SETS = sorted(EXAMPLES.glob("*/databaseset.yaml"))
VALID = {
    "apiVersion": "dbset.krm.dev/v1alpha1",
    "kind": "DatabaseSet",
    "metadata": {"name": "prod-databases"},
    "spec": {
        "databases": [
            {"name": "romm", "bitwardenPasswordId": "7f3c1a52-01", "appNamespace": "romm"},
            {"name": "myapp", "password": {"generate": {"length": 24}}},
        ]
    },
}


def schema() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text())


def validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of the schema, with its path from the DatabaseSet."""
    definitions = schema()["$defs"]
    if "$ref" in node:
        node = definitions[node["$ref"].rsplit("/", 1)[1]]
    for option in node.get("anyOf", []):
        yield from properties(option, path)
    if "items" in node:
        yield from properties(node["items"], path + "[]")
    for name, value in node.get("properties", {}).items():
        here = f"{path}.{name}" if path else name
        yield here, value
        yield from properties(value, here)


def refused_by_the_function(database_set: dict[str, Any]) -> bool:
    text = yaml.safe_dump(database_set)
    try:
        load_database_set(Item(text, (0, len(text)), DOCUMENT, Origin("test", 0, text, 0)))
    except InvalidConfig:
        return True
    return False


def changed(path: str, value: Any) -> dict[str, Any]:
    """VALID with the field at a dotted path (list positions as numbers) set to value."""
    database_set = copy.deepcopy(VALID)
    *parents, last = [int(step) if step.isdigit() else step for step in path.split(".")]
    node: Any = database_set
    for step in parents:
        node = node.setdefault(step, {}) if isinstance(step, str) else node[step]
    node[last] = value
    return database_set


def test_dbset_fn_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED.read_text(), (
        "schema/databaseset.schema.json is stale: dbset-fn schema > schema/databaseset.schema.json"
    )


def test_the_schema_names_its_version() -> None:
    assert schema()["$id"].endswith(f"/v{__version__}/schema/databaseset.schema.json")
    assert f"v{__version__}/schema/databaseset.schema.json" in (ROOT / "README.md").read_text()


def test_every_property_has_a_description() -> None:
    found = dict(properties(schema()))

    assert len(found) > 80
    assert [path for path, value in found.items() if not value.get("description")] == []


@pytest.mark.parametrize("path", EXAMPLE_SETS, ids=lambda path: path.parent.name)
def test_every_example_databaseset_follows_the_schema(path: Path) -> None:
    assert list(validator().iter_errors(yaml.safe_load(path.read_text()))) == []


MISTAKES = {
    "a name PostgreSQL reserves": ("spec.databases.0.name", "public"),
    "a name SQL reads as the current role": ("spec.databases.0.name", "current_user"),
    "a name with a line break": ("spec.databases.0.name", "grafana\ndb"),
    "a name without a letter or digit": ("spec.databases.0.name", "_-_"),
    "a reserved role": ("spec.databases.0.name", "postgres"),
    "a pg_ role": ("spec.databases.0.name", "pg_reader"),
    "a name of underscores": ("spec.databases.0.name", "___"),
    "a name over 63 bytes": ("spec.databases.0.name", "a" * 64),
    "a namespace in capitals": ("spec.databases.0.appNamespace", "Romm_NS"),
    "a Secret name with _": ("spec.databases.0.secretName", "One_Secret"),
    "a connection limit below -1": ("spec.databases.0.roleConfig", {"connectionLimit": -2}),
    "a connection limit over 2^31-1": ("spec.databaseDefaults", {"connectionLimit": 2**31}),
    "a short password": ("spec.databases.1.password", {"generate": {"length": 8}}),
    "negative digits": ("spec.databases.1.password", {"generate": {"digits": -1}}),
    "a duration in words": ("spec.refreshInterval", "one hour"),
    "a date in words": ("spec.databases.0.roleConfig", {"validUntil": "next tuesday"}),
    "an unknown store kind": ("spec.secretStore", {"kind": "Vault"}),
    "yes for true": ("spec.databases.0.roleConfig", {"login": "yes"}),
    "a number as a string": ("spec.databases.0.roleConfig", {"connectionLimit": "50"}),
    "a misspelt field": ("spec.databases.0.bitwardenPasswordID", "typo"),
    "an unknown roleOutput": ("spec.roleOutput", "databaseRoles"),
    "an entry without a name": ("spec.databases.1", {"appNamespace": "x"}),
    "an empty extension name": ("spec.databaseDefaults", {"extensions": [{"name": ""}]}),
}
# What the function refuses and JSON Schema cannot state: rules across fields or
# entries, real calendar dates, and the keys of labels and annotations.
BEYOND_THE_SCHEMA = {
    "a date that does not exist": (
        "spec.databases.0.roleConfig",
        {"validUntil": "2026-02-30T00:00:00Z"},
    ),
    "two entries of one name": ("spec.databases.1.name", "romm"),
    "two names for one Kubernetes name": ("spec.databases.1.name", "_romm_"),
    "two password sources": ("spec.databases.0.passwordRef", {"key": "x"}),
    "more digits and symbols than length": (
        "spec.databases.1.password",
        {"generate": {"length": 12, "digits": 10, "symbols": 4}},
    ),
    "a label key of dbset.krm.dev": ("spec.commonLabels", {"dbset.krm.dev/x": "y"}),
    "a label value with a space": ("spec.commonLabels", {"team": "platform team"}),
    "the reload label": ("spec.secretLabels", {"cnpg.io/reload": "false"}),
    "an ICU locale without ICU": ("spec.databaseDefaults", {"icuLocale": "de-DE"}),
    "an extension twice": ("spec.databaseDefaults", {"extensions": [{"name": "x"}, {"name": "x"}]}),
    "a Pooler and no Pooler": ("spec.connection", {"pooler": "p", "usePooler": False}),
    "a role dropped alone": ("spec.databases.0.roleConfig", {"ensure": "absent"}),
    "no password, with a password": ("spec.databases.0.roleConfig", {"disablePassword": True}),
    "a role in itself": ("spec.databases.0.roleConfig", {"inRoles": ["romm"]}),
    "a role in an empty name": ("spec.databases.0.roleConfig", {"inRoles": ["pg_monitor", ""]}),
    "a duration longer than Go holds": ("spec.refreshInterval", "2562048h"),
    "annotations over 252 KiB": ("spec.commonAnnotations", {"example.com/big": "x" * 260_000}),
    "a comment twice": (
        "spec.databases.0",
        {"name": "romm", "comment": "a", "roleConfig": {"comment": "b"}},
    ),
}


def test_the_valid_set_is_valid_for_both() -> None:
    assert not refused_by_the_function(VALID)
    assert list(validator().iter_errors(VALID)) == []


@pytest.mark.parametrize(("path", "value"), MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_the_function_refuses_the_schema_refuses_too(path: str, value: Any) -> None:
    mistaken = changed(path, value)

    assert refused_by_the_function(mistaken)
    assert list(validator().iter_errors(mistaken)) != []


@pytest.mark.parametrize(
    ("path", "value"), BEYOND_THE_SCHEMA.values(), ids=BEYOND_THE_SCHEMA.keys()
)
def test_a_rule_beyond_json_schema_is_the_functions_alone(path: str, value: Any) -> None:
    mistaken = changed(path, value)

    assert refused_by_the_function(mistaken)
    assert list(validator().iter_errors(mistaken)) == []


@pytest.mark.parametrize("path", [path for path, _ in properties(schema())])
def test_explain_says_what_the_schema_says(path: str) -> None:
    description = dict(properties(schema()))[path]["description"]

    assert " ".join(description.split()) in " ".join(explain(path).split())


def test_help_shows_every_field_of_spec_and_of_an_entry(capsys: pytest.CaptureFixture) -> None:
    main(["--help"])
    shown = capsys.readouterr().out
    fields = [path for path, _ in properties(schema()) if path.count(".") == 1]
    fields += [
        path
        for path, _ in properties(schema())
        if path.startswith("spec.databases[].") and path.count(".") == 2
    ]

    assert len(fields) > 20
    assert [path for path in fields if path.startswith("spec.") and path not in shown] == []


def test_explain_names_each_type_a_field_takes() -> None:
    """An entry's cluster is a name or {name, namespace}: both, as the schema says."""
    assert explain("spec.databases.cluster").startswith(
        "FIELD:    spec.databases[].cluster <string | object>\n"
    )
