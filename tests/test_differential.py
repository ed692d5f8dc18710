"""The text fast path never disagrees with a YAML parser (hypothesis, a fixed budget).

ResourceLists are generated full of what can fool a reader of lines: quoted scalars
going on over lines (their continuation lines at column 0 too, as kpt writes them),
flow collections over lines, block scalars holding quotes and brackets, anchors and
aliases, comments, and lines that look like items, keys or headers inside all of
these. On every example the fast path must read the same items, with the same
texts, headers and values, as a parse of the whole text, and the function must give
back every item it does not own byte for byte, in output that parses back.
"""

from __future__ import annotations

from dbset_fn.function import process_database_set
from dbset_fn.krm import YamlError, parse_resource_list, process
from dbset_fn.krm.header import header_of
from dbset_fn.krm.resource_list import read_whole
from dbset_fn.krm.yaml12 import SEQ, block_entry_text, serialize, to_node
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from resource_lists import CLUSTER, assert_parses_back, config, reading, resource_list
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
    "  - x",
]
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


FRAGMENTS = [double_quoted, single_quoted, flow_over_lines, block_scalar, anchored, plain]


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


@BUDGET
@given(st.lists(items(), min_size=1, max_size=5))
def test_the_fast_path_reads_what_a_parse_of_the_whole_reads(generated: list[str]) -> None:
    text = resource_list(CLUSTER, *generated, function_config=config())
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


@BUDGET
@given(st.lists(items(), min_size=1, max_size=5))
def test_items_the_function_does_not_own_come_back_byte_for_byte(generated: list[str]) -> None:
    text = resource_list(CLUSTER, *generated, function_config=config("name: romm"))
    try:
        received = read_whole(text)
    except YamlError:
        assume(False)

    outcome = process(text.encode(), process_database_set, "DBSET_FN_DEBUG")

    assert outcome.exit_code == 0, outcome.stderr
    assert_parses_back(outcome.stdout)
    sent = [item.text for item in parse_resource_list(outcome.stdout).items]
    assert sent[1 : len(received.items)] == [item.text for item in received.items[1:]]


# Results are written without the emitter where that is simple to know; the strings
# here are what could make the two disagree: YAML 1.1 and 1.2 non-strings, indicators,
# quotes and backslashes, `: ` and ` #`, markers, spaces at either end, non-ASCII.
TRICKY_WORDS = ["null", "~", "yes", "on", "0o17", "0x1F", "1e3", ".inf", "22:22", "0755", "-"]
SCALARS = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab -?:#'\"\\,[]{}&*!|>%@`")), max_size=12),
    st.sampled_from([*TRICKY_WORDS, "---", "...", " a", "a ", 'say "hi"', "it's", "é", "a\tb"]),
    st.integers(),
    st.booleans(),
)
MAPPINGS = st.recursive(
    st.dictionaries(
        st.text(alphabet="abc:-' ", min_size=1, max_size=4), SCALARS, min_size=1, max_size=4
    ),
    lambda inner: st.dictionaries(
        st.sampled_from(["field", "file", "ref"]), inner, min_size=1, max_size=3
    ),
    max_leaves=8,
)


@BUDGET
@given(MAPPINGS)
def test_results_written_directly_are_what_the_emitter_writes(mapping: dict) -> None:
    assert block_entry_text(mapping) == serialize(
        SequenceNode(SEQ, [to_node(mapping)], flow_style=False)
    )
