"""Properties that must hold for any input, checked on generated examples (hypothesis).

Example counts are bounded so the suite stays fast; `--hypothesis-seed` reproduces a
failure.
"""

from __future__ import annotations

import string

from dbset_fn.config.names import RESERVED_DATABASES, RESERVED_ROLES, kubernetes_name
from dbset_fn.function import process_database_set
from dbset_fn.krm import parse_resource_list, process, yaml12
from dbset_fn.krm.header import header_of, read_header
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from resource_lists import CLUSTER
from resource_lists import HEADER as RESOURCE_LIST

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = RESOURCE_LIST + "items:\n"
SECRET_VALUE = "s3cr3t-Value-that-must-stay-put"


# Passthrough items in the styles kpt, kustomize and people write ------------------------

words = st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,14}[a-z0-9])?", fullmatch=True)
texts = st.text(alphabet=string.ascii_letters + string.digits + " -_.:/#'\"{}[]!&*@", max_size=12)


@st.composite
def scalars(draw: st.DrawFn, values: st.SearchStrategy[str] = words) -> str:
    """A scalar as YAML text: plain where that reads back as the same string, or quoted."""
    value = draw(values)
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "plain" and yaml12._string_style.__wrapped__(value) is None:
        return value
    if style == "single" or '"' in value or "\\" in value:
        return "'" + value.replace("'", "''") + "'"
    return '"' + value + '"'


@st.composite
def items(draw: st.DrawFn) -> str:
    """One ResourceList item's text: "- " and its lines, with comments and extra keys."""
    lines = [f"apiVersion: {draw(st.sampled_from(['v1', 'apps/v1', 'example.com/v1beta1']))}"]
    lines.append(f"kind: {draw(st.sampled_from(['ConfigMap', 'Deployment', 'Service', 'Widget']))}")
    metadata = [f"  name: {draw(scalars())}"]  # blocks of lines, in any order
    if draw(st.booleans()):
        nulls = st.sampled_from(["null", "~", "Null", "NULL"])  # no namespace to Kubernetes
        metadata.append(f"  namespace: {draw(st.one_of(scalars(), nulls))}")
    if draw(st.booleans()):
        labels = [f"    {key}: {draw(scalars())}" for key in draw(st.sets(words, max_size=3))]
        metadata.append("\n".join(["  labels:", *labels]))
    if draw(st.booleans()):
        keys = draw(st.sets(words, min_size=1, max_size=4))
        annotations = [f"    example.com/{key}: {draw(scalars(texts))}" for key in keys]
        metadata.append("\n".join(["  annotations:", *annotations]))
    draw(st.randoms()).shuffle(metadata)
    lines += ["metadata:", *[line for entry in metadata for line in entry.split("\n")]]
    body = draw(
        st.sampled_from(
            [
                "data:\n  key: value # a comment\n  script: |\n    echo on\n    # not a comment\n",
                "spec: {replicas: 2, selector: {app: x}}\n",
                "spec:\n  ports:\n  - port: 80\n    name: '80'\n  flag: on\n",
                "# a comment at the item's level\nstringData:\n  when: 22:22\n  mode: 0755\n",
            ]
        )
    )
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "# moved here by hand")
    lines += body.rstrip("\n").split("\n")
    return "- " + "\n  ".join(lines) + "\n"


@SETTINGS
@given(items())
def test_a_header_read_from_the_text_is_what_the_parser_sees(item: str) -> None:
    """Where the header is read at all (else the item is parsed), it is read right."""
    header = read_header(item)

    assert header is None or header == header_of(yaml12.parse_documents(item)[0].value[0])


@SETTINGS
@given(st.lists(items(), max_size=6))
def test_passthrough_items_come_back_byte_identical(passthrough: list[str]) -> None:
    stdin = HEADER + CLUSTER + "".join(passthrough) + config([entry("romm", "bitwarden")])

    outcome = process(stdin.encode(), process_database_set, "DBSET_FN_DEBUG")

    assert outcome.exit_code == 0, outcome.stderr
    assert "".join(passthrough) in outcome.stdout


@SETTINGS
@given(st.text(alphabet=string.printable + "é€", max_size=16))
def test_new_strings_get_the_style_the_emitter_would_choose(text: str) -> None:
    analysis = yaml12._Analyzer.analyze_scalar(text)
    ambiguous = yaml12.plain_scalar_tag(text) != yaml12.STR or (
        yaml12._Yaml11.resolve(yaml12.ScalarNode, text, (True, False)) != yaml12.STR
    )
    keeps_line_breaks = text == "\n" or text.endswith("\n\n")  # `|+` swallows what follows
    if "\n" in text and analysis.allow_block and not keeps_line_breaks:
        expected = "|"
    elif analysis.allow_block_plain and not ambiguous:
        expected = None
    else:
        expected = "'" if '"' in text and analysis.allow_single_quoted else '"'

    assert yaml12._string_style.__wrapped__(text) == expected


# DatabaseSets ------------------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True).filter(
    lambda name: (
        name not in RESERVED_ROLES + RESERVED_DATABASES
        and not name.startswith(("pg_", "cnpg_"))
        and kubernetes_name(name) != ""
    )
)


def entry(name: str, source: str, app_namespace: str | None = None) -> str:
    lines = [f"    - name: {name}"]
    if source == "bitwarden":
        lines.append(f"      bitwardenPasswordId: id-{name}")
    elif source == "ref":
        lines.append(f"      passwordRef: {{key: vault/{name}, property: password}}")
    elif source == "generate":
        lines.append("      password: {generate: {length: 24}}")
    if app_namespace:
        lines.append(f"      appNamespace: {app_namespace}")
    return "\n".join(lines) + "\n"


def config(entries: list[str], extra: str = "") -> str:
    return (
        "functionConfig:\n  apiVersion: dbset.krm.dev/v1alpha1\n  kind: DatabaseSet\n"
        f"  metadata:\n    name: generated\n  spec:\n{extra}    databases:"
        + ("\n" + "".join(entries) if entries else " []\n")
    )


@st.composite
def database_sets(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(names, max_size=6, unique_by=kubernetes_name))
    return config(
        [
            entry(
                name,
                draw(st.sampled_from(["bitwarden", "ref", "generate", "trust"])),
                draw(st.sampled_from([None, "postgres", f"ns-{kubernetes_name(name)}"])),
            )
            for name in chosen
        ],
        draw(st.sampled_from(["", "    roleOutput: databaseRole\n"])),
    )


SECRET = f"""\
- apiVersion: v1
  kind: Secret
  metadata:
    name: unrelated
    namespace: postgres
  stringData:
    password: {SECRET_VALUE}
"""


@SETTINGS
@given(database_sets())
def test_valid_sets_render_deterministically_idempotently_and_without_secrets(
    database_set: str,
) -> None:
    stdin = (HEADER + CLUSTER + SECRET + database_set).encode()

    first = process(stdin, process_database_set, "DBSET_FN_DEBUG")
    again = process(stdin, process_database_set, "DBSET_FN_DEBUG")
    rendered = parse_resource_list(first.stdout)
    rerun_input = (
        first.stdout.replace("items:\n", "items:\n", 1)
        + database_set[database_set.index("functionConfig:") :]
    )
    rerun = process(rerun_input.encode(), process_database_set, "DBSET_FN_DEBUG")

    assert first.exit_code == 0, first.stderr
    assert again.stdout == first.stdout
    assert [item.text for item in rendered.items] == [
        item.text for item in parse_resource_list(rerun.stdout).items
    ]
    assert first.stdout.count(SECRET_VALUE) == 1


mutations = st.sampled_from(
    [
        ("    - name: romm\n", "    - name: pg_romm\n"),
        ("    - name: romm\n", "    - name: romm\n      bitwardenPasswordID: x\n"),
        ("    - name: romm\n", "    - name: romm\n      roleConfig: {login: yes}\n"),
        ("    - name: romm\n", "    - name: romm\n      appNamespace: Not_A_Label\n"),
        ("    - name: romm\n", "    - name: romm\n      password: {generate: {length: 3}}\n"),
        ("    - name: romm\n", "    - name: romm\n      database: {icuLocale: de}\n"),
        ("    - name: romm\n", "    - name: romm\n      comment: [1, 2]\n"),
        ("    - name: romm\n", "    - name: romm\n    - name: romm\n"),
        ("    databases:\n", "    databases: 7\n    entries:\n"),
        ("    databases:\n", "    connection: {pooler: x, usePooler: false}\n    databases:\n"),
        ("kind: DatabaseSet", "kind: DatabaseSets"),
        ("  spec:\n", "  spec:\n    refreshInterval: 1 hour\n"),
    ]
)


@SETTINGS
@given(st.lists(mutations, min_size=1, max_size=3))
def test_invalid_sets_always_give_a_clean_error(changes: list[tuple[str, str]]) -> None:
    database_set = config([entry("romm", "bitwarden", "romm")])
    for old, new in changes:
        database_set = database_set.replace(old, new, 1)
    stdin = (HEADER + CLUSTER + database_set).encode()

    outcome = process(stdin, process_database_set, "DBSET_FN_DEBUG")

    assert outcome.exit_code == 1
    assert outcome.stderr and all(
        line.startswith("error: ") for line in outcome.stderr.splitlines()
    )
    assert "internal error" not in outcome.stderr and "Traceback" not in outcome.stderr
    assert CLUSTER in outcome.stdout
