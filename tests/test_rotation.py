"""Password rotation over any sequence of renders, as a user would commit them.

Each render takes the previous render's output, as `kpt fn render` does. Whatever
steps are asked for (the next one, one back, the same again, or one that skips), a
render either refuses or leaves the package where:

- the role the app's Secret names logs in (login: true) and has a password Secret,
  which a generating ExternalSecret of the output writes;
- a login role that logged in before stops only in a render at stage retire;
- every ExternalSecret that uses a generator has refreshPolicy CreatedOnce, so no
  refresh and no change of its metadata makes a new password;
- a second render of the output changes nothing.
"""

from __future__ import annotations

from typing import Any

import yaml
from dbset_fn.function import process_database_set
from dbset_fn.krm import parse_resource_list, process
from dbset_fn.krm.yaml12 import parse_documents
from golden_runner import output_entries, resource_list
from hypothesis import given, settings
from hypothesis import strategies as st

CLUSTER = """- apiVersion: postgresql.cnpg.io/v1
  kind: Cluster
  metadata:
    name: pg
    namespace: postgres
  spec:
    instances: 1
"""
STAGES = ("prepare", "switch", "retire")


def database_set(generation: int, stage: str, app_namespace: str) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "dbset.krm.dev/v1alpha1",
            "kind": "DatabaseSet",
            "metadata": {"name": "databases"},
            "spec": {
                "databases": [
                    {
                        "name": "shop",
                        "appNamespace": app_namespace,
                        "password": {"generate": {}},
                        "rotation": {"generation": generation, "stage": stage},
                    }
                ]
            },
        }
    )


def render(entries: list[str], config: str) -> tuple[int, list[str], str]:
    outcome = process(
        resource_list(entries, parse_documents(config)[0]), process_database_set, "DBSET_FN_DEBUG"
    )
    return outcome.exit_code, output_entries(outcome.stdout), outcome.stdout


def objects(stdout: str) -> list[dict[str, Any]]:
    return [item.read() for item in parse_resource_list(stdout).items]


def roles(output: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    cluster = next(obj for obj in output if obj["kind"] == "Cluster")
    return {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}


def app_secret(output: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        obj
        for obj in output
        if obj["kind"] == "ExternalSecret"
        and obj["spec"]["target"]["name"] == "shop-db-credentials"
    )


moves = st.lists(st.sampled_from(["next", "next", "next", "back", "same", "skip"]), max_size=8)


@settings(max_examples=25, deadline=None)
@given(moves=moves, app_namespace=st.sampled_from(["shop", "postgres"]), skip=st.integers(0, 5))
def test_any_sequence_of_renders_keeps_the_app_connected(
    moves: list[str], app_namespace: str, skip: int
) -> None:
    stand = (1, "retire")
    code, entries, stdout = render([CLUSTER], database_set(*stand, app_namespace))
    assert code == 0
    for move in moves:
        asked = _asked(stand, move, skip)
        before = roles(objects(stdout))
        code, after_entries, after_stdout = render(entries, database_set(*asked, app_namespace))
        allowed = asked in (stand, _next(stand), _back(stand))
        assert (code == 0) == (allowed and asked[0] >= 1 and asked != (1, "prepare")), (
            stand,
            asked,
        )
        if code:
            continue
        output = objects(after_stdout)
        _check(output, before, asked)
        again = render(after_entries, database_set(*asked, app_namespace))
        assert again[1] == after_entries  # the same items; the results say what is lost once
        stand, entries, stdout = asked, after_entries, after_stdout


def _check(output: list[dict[str, Any]], before: dict[str, Any], asked: tuple[int, str]) -> None:
    now = roles(output)
    app = app_secret(output)["spec"]["target"]["template"]["data"]["username"]
    assert now[app]["login"] is True
    written = {
        obj["spec"]["target"]["name"]
        for obj in output
        if obj["kind"] == "ExternalSecret" and "dataFrom" in obj["spec"]
    }
    assert now[app]["passwordSecret"]["name"] in written
    for name, role in now.items():
        if before.get(name, {}).get("login") and not role["login"]:
            assert asked[1] == "retire", (name, asked)
    for obj in output:
        if obj["kind"] == "ExternalSecret" and "dataFrom" in obj["spec"]:
            assert obj["spec"]["refreshPolicy"] == "CreatedOnce"


def _next(stand: tuple[int, str]) -> tuple[int, str]:
    generation, stage = stand
    if stage == "retire":
        return generation + 1, "prepare"
    return generation, STAGES[STAGES.index(stage) + 1]


def _back(stand: tuple[int, str]) -> tuple[int, str] | None:
    generation, stage = stand
    if stage == "prepare":
        return generation - 1, "retire"
    return (generation, "prepare") if stage == "switch" else None


def _asked(stand: tuple[int, str], move: str, skip: int) -> tuple[int, str]:
    if move == "next":
        return _next(stand)
    if move == "back":
        return _back(stand) or _next(_next(stand))
    if move == "same":
        return stand
    return stand[0] + skip // 3, STAGES[skip % 3]
