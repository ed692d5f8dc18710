"""Hostile and broken input: a clear error and exit 1, or the items untouched, never a
traceback, a hang or unbounded memory.

Each run gets 5 seconds of processor time and 1 GiB of address space (a run that
needs more is killed, and fails its test); waiting for it is bounded too, generously,
so a loaded machine slows the test but does not fail it. An item with anchors or a flow
collection over lines is parsed (see krm/layout.py), so an alias bomb or deep nesting
is refused wherever it is, as the YAML parser refuses it.
"""

from __future__ import annotations

import json
import resource
import subprocess

import pytest
import yaml
from dbset_fn.function import process_database_set
from dbset_fn.krm import parse_resource_list, process
from e2e import needs
from resource_lists import CLUSTER, HEADER, assert_parses_back

pytestmark = needs("dbset-fn")

SECONDS = 5  # of processor time
HANG = 60  # seconds of waiting: a run that neither works nor ends
MEMORY = 1 << 30

CONFIG = """\
functionConfig:
  apiVersion: dbset.krm.dev/v1alpha1
  kind: DatabaseSet
  metadata:
    name: s
  spec:
    databases:
    - name: romm
"""
CONFIG_MAP = "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: {name}\n"
BOMB = '  a: &a ["lol"]\n' + "".join(
    f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefghi", "bcdefghij", strict=True)
)
DEEP = "[" * 100_000 + "]" * 100_000


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


def dbset_fn(stdin: str | bytes) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        ["dbset-fn"], input=data, capture_output=True, timeout=HANG, preexec_fn=limited
    )


def refused(run: subprocess.CompletedProcess, message: str) -> None:
    stderr = run.stderr.decode()
    assert run.returncode == 1
    assert message in stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


@pytest.mark.parametrize(
    ("where", "message"),  # deep nesting: ours at 256 levels, or libyaml's own limit
    [
        ("config-alias-bomb", "aliases in the input expand to more than"),
        ("config-deep", "nest"),
        ("cluster-alias-bomb", "aliases in the input expand to more than"),
        ("cluster-deep", "nest"),
    ],
)
def test_bombs_where_the_function_reads_are_refused(where: str, message: str) -> None:
    payload = BOMB if where.endswith("bomb") else f"  deep: {DEEP}\n"
    if where.startswith("config"):
        stdin = (
            HEADER + "items:\n" + CLUSTER + CONFIG + "  extra:\n" + payload.replace("  ", "    ", 1)
        )
    else:
        stdin = HEADER + "items:\n" + CLUSTER + "  bomb:\n" + _indented(payload) + CONFIG
    refused(dbset_fn(stdin), message)


@pytest.mark.parametrize("what", ["bomb", "deep"])
def test_bombs_in_other_items_are_refused_as_the_parser_refuses_them(what: str) -> None:
    body = "  data:\n" + _indented(BOMB) if what == "bomb" else f"  deep: {DEEP}\n"
    item = f"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: {what}\n" + body

    run = dbset_fn(HEADER + "items:\n" + CLUSTER + item + CONFIG)

    refused(run, "aliases in the input expand" if what == "bomb" else "nest")


def test_a_huge_scalar_passes_through_and_a_huge_name_is_refused() -> None:
    huge = "x" * 20_000_000
    item = CONFIG_MAP.format(name="big") + f"  data:\n    blob: {huge}\n"

    passed = dbset_fn(HEADER + "items:\n" + CLUSTER + item + CONFIG)
    named = dbset_fn(HEADER + "items:\n" + CLUSTER + CONFIG.replace("name: romm", f"name: {huge}"))

    assert passed.returncode == 0 and item.encode() in passed.stdout
    refused(named, "must be at most 63 bytes long")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (
            HEADER
            + "items:\n"
            + CLUSTER
            + CONFIG.replace("name: romm", "name: !!python/object/apply:os.system [echo]"),
            "spec.databases[0].name",
        ),
        (
            HEADER
            + "items:\n"
            + CLUSTER.replace("instances: 1", "instances: 1\n    instances: 2")
            + CONFIG,
            'must not have the key "instances" twice',
        ),
        (HEADER + "items:\n- just text\n" + CONFIG, "items[0] must be a mapping"),
        (
            HEADER + "items:\n" + CLUSTER + "functionConfig:\n- 1\n",
            "functionConfig must be a mapping",
        ),
        (HEADER + "items:\n" + CLUSTER + CONFIG + "---\n" + HEADER, "got 2"),
    ],
    ids=["python-tag", "repeated-key", "items-not-mappings", "config-a-list", "two-documents"],
)
def test_broken_input_is_refused_in_one_line(stdin: str, message: str) -> None:
    run = dbset_fn(stdin)

    refused(run, message)
    assert len(run.stderr.decode().splitlines()) == 1


def test_a_function_config_that_is_not_yaml_leaves_the_items_as_they_are() -> None:
    run = dbset_fn(HEADER + "items:\n" + CLUSTER + CONFIG.replace("- name: romm", "- [romm"))

    # A flow collection over lines: its header is not read from the text, so the item is
    # named by where it is.
    refused(run, "the DatabaseSet is not valid: ResourceList functionConfig: input is not valid")
    assert CLUSTER.encode() in run.stdout


def _indented(text: str) -> str:
    return "".join("  " + line for line in text.splitlines(keepends=True))


# What spec.adopt reads, in any shape ---------------------------------------------------

ADOPTING = """\
functionConfig:
  apiVersion: dbset.krm.dev/v1alpha1
  kind: DatabaseSet
  metadata:
    name: s
  spec:
    adopt: true
    entriesWithoutPassword: trust
    databases:
    - name: a
      password: {generate: {}}
    - name: t
      appNamespace: app
"""
# What an earlier generator left: a's ExternalSecret and its generator, a Secret where
# t's connection Secret goes, and an ExternalSecret that stays and names a generator.
ADOPTED = {
    "external-secret": {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "a-db-credentials", "namespace": "postgres"},
        "spec": {
            "dataFrom": [{"sourceRef": {"generatorRef": {"kind": "Password", "name": "old"}}}],
            "target": {"name": "a-db-credentials"},
        },
    },
    "password": {
        "apiVersion": "generators.external-secrets.io/v1alpha1",
        "kind": "Password",
        "metadata": {"name": "old", "namespace": "postgres"},
        "spec": {"length": 24},
    },
    "secret": {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "t-db-credentials", "namespace": "app"},
        "type": "kubernetes.io/basic-auth",
        "stringData": {"username": "t"},
    },
}
STAYING = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ExternalSecret",
    "metadata": {"name": "backup", "namespace": "postgres"},
    "spec": {"dataFrom": [{"sourceRef": {"generatorRef": {"kind": "Password", "name": "b"}}}]},
}
GENERATOR_REF = ("spec", "dataFrom", 0, "sourceRef", "generatorRef")
READ = {
    "external-secret": [
        ("metadata",),
        ("metadata", "annotations"),
        ("spec",),
        ("spec", "dataFrom"),
        ("spec", "dataFrom", 0),
        ("spec", "dataFrom", 0, "sourceRef"),
        GENERATOR_REF,
        (*GENERATOR_REF, "name"),
        (*GENERATOR_REF, "kind"),
        (*GENERATOR_REF, "apiVersion"),
        ("spec", "target"),
        ("spec", "target", "creationPolicy"),
        ("spec", "target", "template"),
        ("spec", "target", "template", "type"),
    ],
    "password": [("metadata", "annotations"), ("spec",), ("spec", "secretKeys")],
    "secret": [
        ("metadata", "annotations"),
        ("type",),
        ("stringData",),
        ("stringData", "username"),
        ("data",),
        ("immutable",),
    ],
    "staying": [("spec", "dataFrom"), ("spec", "dataFrom", 0, "sourceRef"), GENERATOR_REF],
}
SHAPES = [5, "x", ["x"], [5], None, {"a": [1]}, True, {}]


def _with(value: dict, path: tuple, shape: object) -> dict:
    """A copy of value with the field at path given shape (mappings made on the way)."""
    copy = json.loads(json.dumps(value))
    *parents, last = path
    node = copy
    for step in parents:
        node = node[step] if isinstance(step, int) else node.setdefault(step, {})
    node[last] = shape
    return copy


def _items(objects: list[dict]) -> str:
    return "".join(
        "- " + yaml.safe_dump(obj, sort_keys=False).replace("\n", "\n  ").rstrip() + "\n"
        for obj in objects
    )


def _secret_types(stdout: str) -> list[object]:
    """The Secret types the set's objects give: a Secret's, an ExternalSecret's template's."""
    types = []
    for item in parse_resource_list(stdout).items:
        if item.annotations.get("dbset.krm.dev/database-set") == "s":
            template = item.get("spec", "target", "template") or {}
            types += [item.get("type")] if item.kind == "Secret" else [template.get("type")]
    return [kind for kind in types if kind is not None]


@pytest.mark.parametrize(
    ("which", "path"),
    [(which, path) for which, paths in READ.items() for path in paths],
    ids=[f"{which}-{'.'.join(map(str, path))}" for which, paths in READ.items() for path in paths],
)
def test_what_adoption_reads_in_any_shape_is_adopted_left_alone_or_refused(
    which: str, path: tuple
) -> None:
    """Each shape gives an output that parses back and a second run keeps, or one-line
    errors with the items as they came; never an internal error."""
    for shape in SHAPES:
        objects = [*ADOPTED.values(), STAYING]
        place = list(ADOPTED).index(which) if which in ADOPTED else len(ADOPTED)
        objects[place] = _with(objects[place], path, shape)
        stdin = HEADER + "items:\n" + CLUSTER + _items(objects) + ADOPTING

        outcome = process(stdin.encode(), process_database_set, "DBSET_FN_DEBUG")

        assert "internal error" not in outcome.stderr, (shape, outcome.stderr)
        assert_parses_back(outcome.stdout)
        items = [item.text for item in parse_resource_list(outcome.stdout).items]
        if outcome.exit_code:
            assert all(line.startswith("error: ") for line in outcome.stderr.splitlines())
            assert items == [item.text for item in parse_resource_list(stdin).items]
        else:
            assert all(isinstance(kind, str) for kind in _secret_types(outcome.stdout)), shape
            again = outcome.stdout[: outcome.stdout.index("results:")] + ADOPTING
            rerun = process(again.encode(), process_database_set, "DBSET_FN_DEBUG")
            assert [item.text for item in parse_resource_list(rerun.stdout).items] == items
