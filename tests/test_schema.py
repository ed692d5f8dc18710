"""The DatabaseSet's JSON Schema: made from the config model, committed for editors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from dbset_fn.cli import main
from e2e import EXAMPLES, ROOT
from jsonschema import Draft202012Validator

COMMITTED = ROOT / "schema" / "databaseset.schema.json"
EXAMPLE_SETS = sorted(EXAMPLES.glob("*/databaseset.yaml"))


def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(COMMITTED.read_text()))


def test_dbset_fn_schema_prints_the_committed_schema(capsys: pytest.CaptureFixture) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED.read_text(), (
        "schema/databaseset.schema.json is stale: dbset-fn schema > schema/databaseset.schema.json"
    )


@pytest.mark.parametrize("path", EXAMPLE_SETS, ids=lambda path: path.parent.name)
def test_every_example_databaseset_follows_the_schema(path: Path) -> None:
    assert list(validator().iter_errors(yaml.safe_load(path.read_text()))) == []


def test_the_schema_catches_a_misspelt_field() -> None:
    database_set = yaml.safe_load((EXAMPLES / "credentials" / "databaseset.yaml").read_text())
    database_set["spec"]["databases"][0]["bitwardenPasswordID"] = "typo"

    errors = [error.message for error in validator().iter_errors(database_set)]

    assert errors == [
        "Additional properties are not allowed ('bitwardenPasswordID' was unexpected)"
    ]
