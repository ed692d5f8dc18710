"""Hostile and broken input: a clear error and exit 1, or the items untouched, never a
traceback, a hang or unbounded memory.

Each run gets 5 seconds of processor time and 1 GiB of address space (a run that
needs more is killed, and fails its test); waiting for it is bounded too, generously,
so a loaded machine slows the test but does not fail it. An item with anchors or a flow
collection over lines is parsed (see krm/layout.py), so an alias bomb or deep nesting
is refused wherever it is, as the YAML parser refuses it.
"""

from __future__ import annotations

import resource
import subprocess

import pytest
from e2e import needs
from resource_lists import CLUSTER, HEADER

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

    refused(run, 'the DatabaseSet is not valid: DatabaseSet "s": input is not valid YAML')
    assert CLUSTER.encode() in run.stdout


def _indented(text: str) -> str:
    return "".join("  " + line for line in text.splitlines(keepends=True))
