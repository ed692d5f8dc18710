"""The SDK on its own: wire format, results, YAML 1.2, and failure handling."""

from __future__ import annotations

import pytest
from dbset_fn.krm import Item, YamlError, error, process, warning
from dbset_fn.krm.yaml12 import (
    flow_text,
    parse_documents,
    parse_tree,
    parse_value,
    scalar_text,
    serialize,
    to_node,
    to_python,
)

LIST = b"""\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    enabled: on
"""


def test_yaml_is_read_as_yaml_1_2() -> None:
    node = parse_documents("a: on\nb: 0755\nc: 22:22\nd: 0o17\ne: 2024-01-01\nf: yes\ng: ~\n")[0]

    assert to_python(node) == {
        "a": "on",
        "b": 755,
        "c": "22:22",
        "d": 15,
        "e": "2024-01-01",
        "f": "yes",
        "g": None,
    }


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("on", '"on"'),  # a boolean to YAML 1.1 readers such as kubectl
        ("true", '"true"'),
        ("0755", '"0755"'),
        ("22:22", '"22:22"'),
        ("{{ .password }}", '"{{ .password }}"'),
        ('{"a":1}', "'{\"a\":1}'"),
        ("plain text", "plain text"),
        ("two\nlines\n", "|\n  two\n  lines"),
    ],
)
def test_new_strings_are_quoted_where_any_reader_could_misread_them(
    value: str, written: str
) -> None:
    assert serialize(to_node({"k": value})).startswith(f"k: {written}")


@pytest.mark.parametrize(
    "text", ["Wait...", "Read-only.\nAsk first...", "one\n...", "two\n...\n", "keep\n...\n\n"]
)
def test_text_ending_in_dots_is_written_whole(text: str) -> None:
    """Only `...` alone at column 0 ends a document; a value's own dots are its text."""
    assert to_python(parse_documents(serialize(to_node({"k": text})))[0]) == {"k": text}
    assert parse_value(f"k: {scalar_text(text)}\n") == {"k": text}
    assert parse_value(f"k: [{flow_text(text)}]\n") == {"k": [text]}


def test_marks_are_places_in_the_text_after_a_byte_order_mark() -> None:
    text = "\ufeffkind: ConfigMap\r\ndata:\r\n  motd: welcome\r\n"

    (_, kind), (_, data) = parse_tree(text).root.value

    assert text[kind.start_mark.index : kind.end_mark.index] == "ConfigMap"
    assert text[data.start_mark.index : data.end_mark.index] == "motd: welcome\r\n"


def test_results_always_carry_a_severity_and_no_empty_fields() -> None:
    obj = Item.new({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})

    assert error("broken").to_dict() == {"message": "broken", "severity": "error"}
    assert warning("look", obj, field_path="data.a", current_value="b").to_dict() == {
        "message": "look",
        "severity": "warning",
        "resourceRef": {"apiVersion": "v1", "kind": "ConfigMap", "name": "x"},
        "field": {"path": "data.a", "currentValue": "b"},
    }


def test_items_go_out_unchanged_when_a_processor_reports_an_error() -> None:
    def breaks_after_editing(items, config):
        edited = items[0].parse()
        edited.set("data", "enabled", value="changed")
        return [edited.to_item()], [error("cannot continue")]

    outcome = process(LIST, breaks_after_editing, "TEST_DEBUG")

    assert outcome.exit_code == 1
    assert "enabled: on\n" in outcome.stdout
    assert outcome.stderr == "error: cannot continue\n"


def test_an_unexpected_exception_is_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crashes(items, config):
        raise KeyError("spec")

    quiet = process(LIST, crashes, "TEST_DEBUG")
    monkeypatch.setenv("TEST_DEBUG", "1")
    process(LIST, crashes, "TEST_DEBUG")
    verbose = capsys.readouterr()

    assert quiet.exit_code == 1
    assert quiet.stderr == (
        "error: internal error: KeyError: 'spec' (set TEST_DEBUG=1 for the traceback)\n"
    )
    assert "enabled: on\n" in quiet.stdout
    assert "Traceback" in verbose.err


def test_aliases_are_expanded_and_recursive_ones_refused() -> None:
    node = parse_documents("a: &x {k: v}\nb: *x\n")[0]
    assert serialize(node) == "a: {k: v}\nb: {k: v}\n"

    with pytest.raises(ValueError, match="recursive aliases are not allowed"):
        parse_documents("a: &x [*x]\n")


def test_json_is_yaml_and_comes_back_in_its_own_style() -> None:
    text = (
        b'{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": '
        b'[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}'
    )

    outcome = process(text, lambda items, config: (items, []), "TEST_DEBUG")

    assert outcome.exit_code == 0
    assert (
        '- {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}' in outcome.stdout
    )


FLOW_ROLES = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: roles}
data:
  roles: [
    {name: app},
    {name: reader}
  ]
"""


def test_a_list_is_edited_in_its_own_style_and_given_back_byte_for_byte() -> None:
    from dbset_fn.krm import read_documents

    (item,) = read_documents(FLOW_ROLES, "roles.yaml")
    obj = item.parse()

    obj.update_list("data", "roles", key="name", upserts={"romm": {"name": "romm"}})
    added = obj.text
    obj.update_list("data", "roles", key="name", upserts={}, removals={"romm"})

    assert "    {name: reader},\n    {name: romm}\n  ]" in added
    assert obj.text == FLOW_ROLES


def test_values_read_from_events_are_the_values_of_the_tree() -> None:
    """parse_value (no node objects) reads every golden input as to_python reads its tree."""
    from pathlib import Path

    from dbset_fn.krm import read_documents
    from dbset_fn.krm.yaml12 import parse_tree, parse_value

    golden = Path(__file__).parent / "golden"
    documents = [
        item.text
        for path in sorted(golden.glob("*/*.yaml"))
        for item in read_documents(path.read_text(), path.name)
    ]
    documents += ["a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n", "- !!int '3'\n- &y [1]\n- *y\n"]

    def outcome(read, text: str) -> str:
        try:
            return repr(read(text))
        except YamlError:
            return "refused"

    def from_tree(text: str):
        return to_python(parse_tree(text).root)

    assert len(documents) > 250
    for text in documents:
        assert outcome(parse_value, text) == outcome(from_tree, text)


@pytest.mark.parametrize("null", ["null", "~", "Null", "NULL", "!!null ''"])
def test_a_null_name_or_namespace_is_no_name_or_namespace(null: str) -> None:
    """As Kubernetes reads `namespace: null`: not a namespace called "null", whether the
    header is read from the text, from a parse, or from the values an edit made."""
    from dbset_fn.krm.header import read_header
    from dbset_fn.krm.objects import ENTRY, NEW

    text = f"- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: {null}\n"
    text += f"    namespace: {null}\n    annotations:\n      example.com/note: {null}\n"
    parsed = Item(text, (0, len(text)), ENTRY, NEW)
    edited = parsed.parse()
    edited.set("data", "k", value="v")

    for item in (parsed, edited.to_item()):
        assert (item.name, item.namespace, item.annotations) == ("", "", {"example.com/note": ""})
    assert read_header(text) in (None, parsed.header)
