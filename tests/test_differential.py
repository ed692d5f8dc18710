"""The text fast path never disagrees with a YAML parser (hypothesis, a fixed budget).

ResourceLists are generated full of what can fool a reader of lines: quoted scalars
going on over lines (their continuation lines at column 0 too, as kpt writes them),
flow collections over lines, block scalars holding quotes and brackets, anchors and
aliases, comments, lines that look like items, keys or headers inside all of these,
lines ending in `...`, line breaks other than "\n" (a lone "\r", NEL, LS, PS: line
breaks to every YAML parser), items indented under `items:`, and a document-end
marker. On every example the fast path must read the same items, with the same
texts, headers and values, as a parse of the whole text, and the function must give
back every item it does not own byte for byte, in output that parses back.
"""

from __future__ import annotations

import pytest
from dbset_fn.function import process_database_set
from dbset_fn.krm import YamlError, parse_resource_list, process
from dbset_fn.krm.block_reader import read_block
from dbset_fn.krm.header import header_of, read_header
from dbset_fn.krm.layout import split
from dbset_fn.krm.resource_list import read_whole
from dbset_fn.krm.yaml12 import (
    BOM,
    LINE_BREAKS,
    SEQ,
    block_entry_text,
    flow_text,
    mapping_value,
    parse_documents,
    parse_value,
    scalar_text,
    serialize,
    to_node,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from resource_lists import CLUSTER, HEADER, assert_parses_back, config, reading
from yaml.nodes import SequenceNode

EXAMPLES = 400  # the budget, in CI as anywhere: the same on every run
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Lines that look like structure, to be put where they are not.
LOOK_ALIKES = [
    "- fake: item",
    "-",
    "items:",
    "functionConfig:",
    "kind: Cluster",
    "  kind: Cluster",
    "  metadata:",
    "    name: other",
    "    annotations:",
    "      dbset.krm.dev/database-set: prod-databases",
    "# not a comment",
    "",
    "a: {b: [c,",
    "'",
    '"',
    "&anchor",
    "*alias",
    "key: 'value'",
    "key: 'a: [b'",
    "a 'b: '[c",
    '- key: "x {y" ',
    "key: []",
    "key: {a: '['}",
    "key: [a, b] # '",
    "  - x",
    "Ask first...",
    "...",
]
# Line breaks to libyaml, PyYAML and go-yaml alike, which a reader of "\n" does not see.
OTHER_LINE_BREAKS = ["\r", "\x85", "\u2028", "\u2029"]
words = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
look_alikes = st.lists(st.sampled_from(LOOK_ALIKES), min_size=1, max_size=4)


COLUMN_0 = "\x00"  # marks a line that stays at column 0 of the ResourceList


def indented(lines: list[str], indent: int, column_0: bool) -> list[str]:
    """Continuation lines: indented, or (some of them) at column 0 as kpt writes them."""
    return [
        COLUMN_0 + line if column_0 and number % 2 else " " * indent + line
        for number, line in enumerate(lines)
    ]


@st.composite
def double_quoted(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    body = [line.replace("\\", "\\\\").replace('"', '\\"') for line in draw(look_alikes)]
    lines = indented(body, indent + 2, draw(st.booleans()))
    closing = COLUMN_0 + '"' if draw(st.booleans()) else " " * (indent + 2) + 'end"'
    return [" " * indent + f'{key}: "start', *lines, closing]


@st.composite
def single_quoted(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    body = [line.replace("'", "''") for line in draw(look_alikes)]
    lines = indented(body, indent + 2, draw(st.booleans()))
    return [" " * indent + f"{key}: 'start", *lines, COLUMN_0 + "'"]  # as kpt closes it


@st.composite
def flow_over_lines(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    values = draw(st.lists(words, min_size=1, max_size=4, unique=True))
    opening, closing = draw(st.sampled_from([("[", "]"), ("{", "}")]))
    pair = (lambda value: f"{value}: x") if opening == "{" else (lambda value: value)
    lines = indented([pair(value) + "," for value in values], indent + 2, draw(st.booleans()))
    return [" " * indent + f"{key}: {opening}", *lines, COLUMN_0 + closing]


@st.composite
def block_scalar(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    header = draw(st.sampled_from(["|", "|-", "|+", ">", "|2"]))
    body = draw(look_alikes)
    return [" " * indent + f"{key}: {header}", *[" " * (indent + 2) + line for line in body]]


@st.composite
def anchored(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    value = draw(words)
    return [" " * indent + f"{key}: &{key} {value}", " " * indent + f"{key}-again: *{key}"]


@st.composite
def plain(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    return [" " * indent + f"{key}: {draw(words)} # {draw(st.sampled_from(LOOK_ALIKES))}"]


@st.composite
def dotted(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    """A value whose line ends in `...`, which only a line of its own makes a marker."""
    value = draw(st.sampled_from([f"{draw(words)}...", f'"{draw(words)}..."', "..."]))
    return [" " * indent + f"{key}: {value}"]


@st.composite
def broken_line(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    """A value followed, after a line break no "\n" shows, by a line that looks like
    structure: at column 0 an item or a key, deeper a key of the same mapping."""
    line_break = draw(st.sampled_from(OTHER_LINE_BREAKS))
    column = draw(st.sampled_from([0, indent]))
    after = draw(st.sampled_from(LOOK_ALIKES))
    quote = draw(st.sampled_from(["", '"']))
    return [" " * indent + f"{key}: {quote}{draw(words)}{line_break}{' ' * column}{after}{quote}"]


FRAGMENTS = [
    double_quoted,
    single_quoted,
    flow_over_lines,
    block_scalar,
    anchored,
    plain,
    dotted,
    broken_line,
]


@st.composite
def fragments(draw: st.DrawFn, indent: int) -> list[str]:
    lines = []
    for key in draw(st.lists(words, min_size=1, max_size=4, unique=True)):
        make = draw(st.sampled_from(FRAGMENTS))
        lines += draw(make(key, indent))
    return lines


@st.composite
def items(draw: st.DrawFn) -> str:
    """A ConfigMap whose data (and sometimes labels and annotations) hold fragments."""
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: {draw(words)}"]
    if draw(st.booleans()):
        lines += ["  labels:", *draw(fragments(4))]
    if draw(st.booleans()):
        lines += ["  annotations:", *draw(fragments(4))]
    lines += ["data:", *draw(fragments(2))]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(LOOK_ALIKES[:12])))
    first, *rest = lines
    placed = [line[1:] if line.startswith(COLUMN_0) else "  " + line for line in rest]
    return "- " + first + "\n" + "".join(line + "\n" for line in placed)


@st.composite
def resource_lists(draw: st.DrawFn, function_config: str) -> str:
    """A ResourceList of the Cluster and generated items: in kpt's layout, or with its
    items indented under `items:` (as Node's YAML library writes a list), and ended or
    not by a document-end marker."""
    entries = CLUSTER + "".join(draw(st.lists(items(), min_size=1, max_size=5)))
    indent = draw(st.sampled_from(["", "", "  ", "    "]))
    entries = "".join(indent + line for line in entries.splitlines(keepends=True))
    end = draw(st.sampled_from(["", "", "...\n"]))
    return HEADER + "items:\n" + entries + function_config + end


@BUDGET
@given(resource_lists(config()))
def test_the_fast_path_reads_what_a_parse_of_the_whole_reads(text: str) -> None:
    try:
        whole = read_whole(text)
    except YamlError:
        assume(False)  # only valid YAML has a reading to agree with
    fast = parse_resource_list(text)

    assert [item.text for item in fast.items] == [item.text for item in whole.items]
    assert [item.header for item in fast.items] == [
        header_of(item._tree().root) for item in whole.items
    ]
    assert [reading(item) for item in fast.items] == [reading(item) for item in whole.items]


def test_an_alias_into_another_item_is_read_as_a_parse_of_the_whole_reads_it() -> None:
    """Read alone, the second ConfigMap's alias points nowhere: the fast path must see
    the anchor and the alias, and read the whole ResourceList instead."""
    configmaps = (
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data: &shared\n"
        "    key: value\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n  data: *shared\n"
    )
    text = HEADER + "items:\n" + CLUSTER + configmaps + config()

    fast, whole = parse_resource_list(text), read_whole(text)

    assert [reading(item) for item in fast.items] == [reading(item) for item in whole.items]
    assert "'data': {'key': 'value'}" in reading(fast.items[2])


@BUDGET
@given(resource_lists(config("name: romm")))
def test_items_the_function_does_not_own_come_back_byte_for_byte(text: str) -> None:
    try:
        received = read_whole(text)
    except YamlError:
        assume(False)
    assume(not received.results)  # an item that is no mapping: refused, as it must be

    outcome = process(text.encode(), process_database_set, "DBSET_FN_DEBUG")

    assert outcome.exit_code == 0, outcome.stderr
    assert_parses_back(outcome.stdout)
    sent = [item.text for item in parse_resource_list(outcome.stdout).items]
    assert sent[1 : len(received.items)] == [item.text for item in received.items[1:]]


# The header reader's grammar (krm/header.py), branch by branch: every form of a key
# and of a value it reads or refuses, lines at every column around the header's,
# and what no reader of "\n"-ended lines may read.
HEADER_VALUES = [
    *["v1", "apps/v1", "a.b-c_d", "1", "0o17", "true", "a b", "x:y", "é", "a\u00a0", "\u00a0a"],
    *['"v1"', "'v1'", "'it''s'", '""', "''", '"a\'b"', "'a\"b'", '"a\\"b"', "'a' 'b'", '"a" b'],
    *["null", "~", "Null", "NULL", "", " ", "x # c", "x #c", "x#y", "# c", "'x' # c"],
    *["a: b", "a:", "-", "- x", "-x", "? x", ":x", "&a x", "*a", "!!str x", "!!null", "%x"],
    *["@x", "`x", "{a: b}", "[a]", "{", "[", "|", ">-", "'x", '"x', "x '", "...", "---"],
    *["K\u2028", "K\x85x", "K\u2029", "a\tb", "K\t", "a\rb", "K" + BOM],
]
HEADER_NOISE = [
    *["", "# c", "  # c", "x", " x", "   x", "     x", "       x", "  - x", "    - x", "      - x"],
    *["  -", "  ? kind", "  : v", "  <<: {kind: M}", "  kind : K", '  "kind": Q', "  'kind': Q"],
    *["    name: n2", "      k: v2", "  kind: again", "\tx", "  a:\tb", "...", "---", "  ...", "'"],
    *["  x: 'open", "  y: [open,", "  z: |", "    block", "  w: >", "  &anchor a: b", "%YAML 1.2"],
    # Quoted scalars over lines holding what looks like a key of the header, at each
    # column it is read at (the first line is put at column 2, the others as written).
    *["x: 'open\n  kind: inside\n  y: end'", 'x: "open\n  apiVersion: in\n  y: end"'],
    *["x: 'open\n  kind: inside\n'", "  labels: 'a\n    namespace: inside\n    z: b'"],
    *["  labels: 'a\n    name: inside\n  b'", "    k: 'v\n      b.io/c: inside'", "y: 'a\n  - b'"],
]
COLUMNS = [0, 1, 2, 3, 4, 5, 6, 8]


@st.composite
def key_line(draw: st.DrawFn, key: str, column: int) -> str:
    """A key's line at a column: its key plain or quoted, a value of any form."""
    written = draw(st.sampled_from([key, key, key, f'"{key}"', f"'{key}'"]))
    value = draw(st.sampled_from(HEADER_VALUES))
    return " " * column + f"{written}:{' ' if value else ''}{value}"


@st.composite
def header_lines(draw: st.DrawFn) -> list[str]:
    """An item's lines from its first key: the header's keys in any order, twice or
    not at all, other keys, and noise at any column."""
    lines: list[str] = []
    top = draw(st.lists(st.sampled_from(["apiVersion", "kind", "metadata", "spec"]), max_size=5))
    for key in top:
        if key == "metadata":
            lines += ["metadata:", *draw(metadata_lines())]
        elif key == "spec":
            lines += ["spec:", *draw(st.lists(st.sampled_from(HEADER_NOISE), max_size=3))]
        else:
            lines.append(draw(key_line(key, 0)))
    for _ in range(draw(st.integers(0, 2))):
        noise = draw(st.sampled_from(HEADER_NOISE))
        lines.insert(draw(st.integers(0, len(lines))), noise)
    return [line if line.startswith(("...", "---", "%")) else "  " + line for line in lines]


@st.composite
def metadata_lines(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    keys = ["name", "namespace", "annotations", "labels"]
    for key in draw(st.lists(st.sampled_from(keys), max_size=5)):
        if key in ("annotations", "labels"):
            header = draw(st.sampled_from([f"{key}:", f"{key}: # c", f"{key}: {{}}", f"{key}:"]))
            entries = st.lists(st.sampled_from(["a", "b.io/c", "a"]), max_size=3)
            lines += ["  " + header, *[draw(key_line(entry, 4)) for entry in draw(entries)]]
        else:
            lines.append(draw(key_line(key, 2)))
    return lines


@st.composite
def header_items(draw: st.DrawFn) -> str:
    """An item from header_lines, its lines ended by "\n" or, now and then, by another
    line break, with a BOM somewhere or not."""
    lines = draw(header_lines())
    text = "- " + lines[0][2:] + "\n" if lines else "- {}\n"
    for line in lines[1:]:
        text += line + draw(st.sampled_from(["\n"] * 12 + [*LINE_BREAKS[1:], "\r\n"]))
    if draw(st.integers(0, 15)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + BOM + text[at:]
    return text if text.endswith("\n") else text + "\n"


def parsed_header(text: str, key: str) -> object:
    """The header of the ResourceList's key as a parse of the whole text reads it."""
    root = parse_documents(text)[0]
    node = mapping_value(root, key)
    return header_of(node.value[0] if key == "items" else node)


@BUDGET
@given(header_items())
def test_a_header_read_from_the_text_is_the_parsers(item: str) -> None:
    """As an item and as the functionConfig, read by the layout (the quoted scalars'
    spans known), and alone where it has no quotes to be spanned."""
    config = "functionConfig:\n" + "".join(
        "  " + line for line in item[2:].splitlines(keepends=True)
    )
    text = HEADER + "items:\n" + item + config
    try:
        expected = parsed_header(text, "items"), parsed_header(text, "functionConfig")
    except (YamlError, AttributeError, IndexError):
        assume(False)  # only a ResourceList whose item is one mapping has a header to agree with
    layout = split(text)
    if layout is not None:
        assert layout.items[0].header in (None, expected[0])
        assert layout.function_config.header in (None, expected[1])
    if "'" not in item and '"' not in item:
        assert read_header(item) in (None, expected[0])


def test_the_header_of_kpts_layout_is_read_from_the_text() -> None:
    """The reader answers where kpt writes: refusing everything would be equal too."""
    item = (
        "- apiVersion: apps/v1 # a comment\n  kind: Deployment\n\n  metadata:\n"
        "    name: 'app'\n    namespace: \"team\"\n    labels:\n      app: x\n"
        "    annotations:\n      config.kubernetes.io/index: '0'\n"
        "      'internal.config.kubernetes.io/path': a/b.yaml\n      note: null\n"
        "  spec:\n    template:\n      metadata:\n        name: deep\n  data: {a: b}\n"
    )
    header = read_header(item)

    assert header == parsed_header(HEADER + "items:\n" + item, "items")
    assert header.annotations == {
        "config.kubernetes.io/index": "0",
        "internal.config.kubernetes.io/path": "a/b.yaml",
        "note": "",
    }


# Results and new objects are written without the emitter where that is simple to
# know; the values here are what could make the two disagree: YAML 1.1 and 1.2
# non-strings, indicators, quotes and backslashes, `: ` and ` #`, markers, spaces at
# either end, non-ASCII, nulls, empty collections, lists of lists, keys too long for a
# simple key, and a generated object's nesting of mappings in lists in mappings.
TRICKY_WORDS = ["null", "~", "yes", "on", "0o17", "0x1F", "1e3", ".inf", "22:22", "0755", "-"]
SCALARS = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab -?:#'\"\\,[]{}&*!|>%@`\n")), max_size=12),
    st.sampled_from([*TRICKY_WORDS, "---", "...", " a", "a ", 'say "hi"', "it's", "é", "a\tb"]),
    st.integers(),
    st.booleans(),
    st.none(),
    st.just({}),
    st.just([]),
)
KEYS = st.one_of(st.text(alphabet="abc:-' ", min_size=1, max_size=4), st.just("k" * 128))
MAPPINGS = st.recursive(
    st.dictionaries(KEYS, SCALARS, min_size=1, max_size=4),
    lambda inner: st.one_of(
        st.dictionaries(
            st.sampled_from(["field", "file", "ref"]),
            st.one_of(inner, st.lists(st.one_of(inner, SCALARS), min_size=1, max_size=3)),
            min_size=1,
            max_size=3,
        ),
        st.dictionaries(st.just("lists"), st.lists(st.lists(SCALARS, max_size=2), max_size=2)),
    ),
    max_leaves=10,
)


@BUDGET
@given(MAPPINGS)
def test_mappings_written_directly_are_what_the_emitter_writes(mapping: dict) -> None:
    assert block_entry_text(mapping) == serialize(
        SequenceNode(SEQ, [to_node(mapping)], flow_style=False)
    )


# Multi-line text, as a generated object's templates hold it: in a literal block where
# the emitter would write one, with blank lines, lines starting with spaces, or
# without a final line break; elsewhere quoted.
LINES = st.text(alphabet=st.sampled_from(list("ab #:-'\"\n")), min_size=1, max_size=16)


PLACES = [  # where a template's text sits in a generated object
    lambda text: {"k": text},
    lambda text: {"spec": {"data": [{"k": text, "n": 1}]}},
    lambda text: {"spec": {"template": {"k": text}}, "n": 1},
]


@BUDGET
@given(LINES, st.sampled_from(PLACES))
def test_multi_line_text_written_directly_is_what_the_emitter_writes(text: str, place) -> None:
    mapping = place(text)
    assert block_entry_text(mapping) == serialize(
        SequenceNode(SEQ, [to_node(mapping)], flow_style=False)
    )


# New values are written by the emitter, less the document-end marker it may close its
# text with; the strings here are what could make the two disagree: text ending in
# `...`, line breaks of every kind, indicators, quotes, spaces at either end.
NEW_TEXT = st.text(
    alphabet=st.sampled_from(list("a .\n-:#'\"\\\t\r\x85\u2028\u2029|>")), max_size=14
)


@BUDGET
@given(NEW_TEXT)
def test_new_values_read_back_as_themselves(text: str) -> None:
    assert parse_value(serialize(to_node({"k": text}))) == {"k": text}
    assert parse_value(f"k: {scalar_text(text)}\n") == {"k": text}
    assert parse_value(f"k: [{flow_text(text)}]\n") == {"k": [text]}


# Earlier objects are read by a reader of the block YAML the writer writes
# (krm/block_reader.py); on anything else it must give way to the parser, never read
# another value. Texts the writer writes, then the same with a line put in, changed
# or indented otherwise: what a hand edit or another tool leaves.
ODD_LINES = [
    "# a comment",
    "key: value # comment",
    "key: &anchor value",
    "key: *anchor",
    "key: !!str 1",
    "key: {a: b}",
    "key: [a]",
    "key: >",
    "key: |+",
    "key: |1",
    "key:  two spaces",
    "key: trailing ",
    "key: 'it''s'",
    'key: "a\\b"',
    'key: "a\\tb"',
    "key: 0o17",
    "key: 1e3",
    "key: .nan",
    "key: ~",
    "key: yes",
    "key: a: b",
    "key:",
    "key",
    "- - x",
    "-",
    "- ",
    "? key",
    "<<: {a: b}",
    "1: one",
    "null: x",
    "True: x",
    "'quoted': key",
    "key:\tx",
    "---",
    "",
    "   ",
    "key:\n  value",
    "key:\n  value: x\n value",
    "key:\n- x",
    "key:\n  - x",
    "- key: x\n  other: y",
    "key: |\n  text\n\n  more",
    "key: |-\n   deeper\n  text",
    "key: |2\n   deeper",
]


PLAIN_WORDS = st.from_regex(r"[a-z][a-z0-9./-]{0,6}", fullmatch=True)
WRITTEN_SCALARS = st.one_of(
    PLAIN_WORDS,
    st.integers(),
    st.booleans(),
    st.none(),
    LINES,
    st.sampled_from([*TRICKY_WORDS, "it's", 'say "hi"', "a\\b", "a: b", "", "x #y", "{}"]),
)
WRITTEN = st.recursive(  # what the writer writes: a generated object's shapes
    st.dictionaries(PLAIN_WORDS, WRITTEN_SCALARS, min_size=1, max_size=4),
    lambda inner: st.dictionaries(
        PLAIN_WORDS,
        st.one_of(inner, st.lists(st.one_of(inner, WRITTEN_SCALARS), min_size=1, max_size=3)),
        min_size=1,
        max_size=3,
    ),
    max_leaves=10,
)


# Values put where a key's value was (after the first line break, lines 2 deeper).
ODD_VALUES = [
    *["&a x", "*a", "!!str 1", "{a: b}", "[a]", "x # c", "'it''s'", '"a\\\\b"', '"a\\tb"'],
    *["0o17", "1e3", ".nan", "~", "yes", "a: b", "", " two spaces", "trailing ", "'multi\nline'"],
    *[">\nfolded", "|+\nkept\n", "|1\n x", "|\ntext\n\nmore", "|-\n deeper\ntext", "|2\n deeper"],
    *["\nvalue", "\n- x", "\nkey: x", "\n  deeper: x\nkey: y", "|\ntext\n", "|-\ntext\n\n"],
]


@st.composite
def written_then_edited(draw: st.DrawFn) -> str:
    lines = block_entry_text(draw(WRITTEN)).splitlines()
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        indent = len(line) - len(line.lstrip(" "))
        edit = draw(st.sampled_from(["value", "line", "again", "indent"]))
        if edit == "value" and ":" in line:  # the value of a key's line
            first, *below = draw(st.sampled_from(ODD_VALUES)).split("\n")
            key = line[: line.index(":") + 1]
            lines[at : at + 1] = [
                key + (" " + first if first else ""),
                *(" " * (indent + 2) + part if part else "" for part in below),
            ]
        elif edit == "line":
            odd = draw(st.sampled_from(ODD_LINES)).split("\n")
            lines[at:at] = [" " * indent + part for part in odd]
        elif edit == "again":  # a key twice, an entry twice
            lines.insert(at, line)
        else:
            lines[at] = " " * draw(st.integers(0, 6)) + line.lstrip(" ")
    return "".join(line + "\n" for line in lines)


@BUDGET
@given(written_then_edited())
def test_the_block_reader_reads_what_the_parser_reads_or_gives_way(text: str) -> None:
    fast = read_block(text)
    try:
        parsed = parse_value(text)
    except YamlError:
        assert fast is None
        return
    assert fast is None or repr(fast) == repr(parsed)  # repr: nan is nan, 1 is not True


@pytest.mark.parametrize(
    "text",
    [
        "- k: |\n    text\n\n  n: 1\n",  # an empty line at its end: clipped
        "- k: |-\n    text\n\n    more\n  n: 1\n",  # inside: kept
        "- k: |2\n      deeper\n    text\n",  # deeper than the indicator says: text
        "- k: |\n    text\n      \n  n: 1\n",  # spaces beyond its lines' column: text
        "- k: |\n    text\n  \n  n: 1\n",  # fewer: an empty line
    ],
)
def test_the_block_reader_reads_literal_blocks_as_the_parser(text: str) -> None:
    assert read_block(text) == parse_value(text)


@pytest.mark.parametrize(
    "text",
    [
        "- null: x\n",  # a key that is no string
        "- True: x\n",
        "- 1: x\n",
        "- k: x # a comment\n",
        "- k: &a x\n  l: *a\n",
        "- k: >\n    folded\n",
        "- k: |\n\n    a first line empty\n",
        "- k: |\n      deeper first\n    text\n",
        "- k: x\n  k: y\n",  # a key twice: the parser's error
    ],
)
def test_the_block_reader_leaves_the_rest_to_the_parser(text: str) -> None:
    assert read_block(text) is None


@pytest.mark.parametrize(
    "annotations",
    [
        ["a: null", "b: Null", "c: ''", 'd: ""', "e: NULL"],  # nulls, and empty quotes: ""
        ["a: '0'", 'b: "1"', "c: 0o17", "d: true", "e: /p/x.yaml"],  # the text as written
        ["a: p/x.yaml", "b: 'p/x.yaml'"],  # one value for two keys
    ],
)
def test_annotations_as_kpt_writes_them_are_read_as_the_parser_reads_them(
    annotations: list[str],
) -> None:
    item = "- kind: K\n  metadata:\n    annotations:\n" + "".join(
        f"      {line}\n" for line in annotations
    )
    assert read_header(item) == header_of(parse_documents(item)[0].value[0])


def test_annotations_with_a_key_twice_are_left_to_the_parser() -> None:
    assert read_header("- kind: K\n  metadata:\n    annotations:\n      a: x\n      a: y\n") is None
