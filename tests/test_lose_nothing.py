"""What the function writes back never loses, breaks or rewrites what the user wrote.

Each test is one way it once did (issue "Never lose, break or rewrite what the user
wrote"), run through the installed command as kpt runs it. Every output must parse
back, whole, to the items it was written from.
"""

from __future__ import annotations

import subprocess

import pytest
from dbset_fn.krm import parse_resource_list
from dbset_fn.krm.resource_list import read_whole
from e2e import needs
from golden_runner import GOLDEN, entries_of, output_entries, run_case
from resource_lists import (
    CLUSTER,
    HEADER,
    assert_parses_back,
    config,
    only_inserted,
    resource_list,
)

pytestmark = needs("dbset-fn")

ROMM = "name: romm\nbitwardenPasswordId: 7f3c1a52-0000-4000-8000-000000000001"
CONFIG_MAP = """\
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: romm
  data:
    motd: |+
      welcome

"""


def dbset_fn(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["dbset-fn"], input=stdin, capture_output=True, text=True, timeout=10)


def succeeds(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 0, run.stderr
    assert_parses_back(run.stdout)
    return run.stdout


def fails_in_one_line(run: subprocess.CompletedProcess[str], message: str) -> None:
    assert run.returncode == 1
    assert message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert all(line.startswith("error: ") for line in run.stderr.splitlines()), run.stderr
    assert "\x1b" not in run.stderr and "\r" not in run.stderr


# 1. A string that keeps its trailing blank lines ---------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        ROMM + "\ncomment: |+\n  ROMM database owner\n\n",
        ROMM + '\nroleConfig:\n  comment: "ROMM\\n\\n"',
    ],
    ids=["comment-keep-block", "role-comment"],
)
def test_a_value_ending_in_blank_lines_never_ends_the_resource_list(entry: str) -> None:
    stdin = resource_list(
        CLUSTER + "    description: |+\n      keeps its blank line\n\n",
        CONFIG_MAP,
        function_config=config(entry, spec='    commonAnnotations:\n      note: "two\\n\\n"\n'),
    )

    stdout = succeeds(dbset_fn(stdin))

    assert "\n...\n" not in stdout
    assert CONFIG_MAP in stdout
    kinds = [item.kind for item in parse_resource_list(stdout).items]
    assert kinds == ["Cluster", "ConfigMap", "Database", "ExternalSecret"]


# 2. Column-0 lines that continue a scalar or a collection ------------------------------

CONTINUED = {
    "double-quoted": "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n"
    '  data:\n    a: "hello\nfoo: bar"\n',
    "single-quoted-kpt": "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n"
    "  data:\n    script: '#!/bin/sh\n\n      echo hello\n\n'\n",
    "flow-mapping": "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n"
    "  data: {a: b,\nc: d}\n",
    "item-like-line": "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: d\n"
    '  data:\n    a: "hello\n- world"\n',
    "key-like-line": "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: e\n"
    "  data:\n    a: 'x\nfunctionConfig: y'\n",
}


@pytest.mark.parametrize("item", CONTINUED.values(), ids=CONTINUED.keys())
def test_a_line_at_column_0_inside_a_value_does_not_start_an_item(item: str) -> None:
    stdin = resource_list(CLUSTER, item, CONFIG_MAP, function_config=config(ROMM))
    fast, whole = parse_resource_list(stdin), read_whole(stdin)

    stdout = succeeds(dbset_fn(stdin))

    assert [i.text for i in fast.items] == [i.text for i in whole.items]
    assert item + CONFIG_MAP in stdout


# 3. A header inside a quoted scalar ----------------------------------------------------

QUOTED_OWNER = """\
- apiVersion: v1
  kind: Secret
  metadata:
    name: romm-api-token
    namespace: postgres
    labels:
      note: "hello
    annotations:
      dbset.krm.dev/database-set: prod-databases
      end: here"
  stringData:
    token: written-by-hand
"""
QUOTED_KIND = """\
- apiVersion: postgresql.cnpg.io/v1
  metadata:
    name: fake
    labels:
      note: "it says
  kind: Cluster
  x: but it is none"
"""


def test_an_owner_written_inside_a_quoted_scalar_is_not_read_as_one() -> None:
    stdin = resource_list(CLUSTER, QUOTED_OWNER, function_config=config(ROMM))

    assert QUOTED_OWNER in succeeds(dbset_fn(stdin))


def test_a_kind_written_inside_a_quoted_scalar_is_not_read_as_one() -> None:
    stdin = resource_list(
        CLUSTER, QUOTED_KIND, function_config=config(ROMM, spec="    cluster: {name: fake}\n")
    )
    run = dbset_fn(stdin)

    fails_in_one_line(run, 'spec.cluster (name "fake") must match a CloudNativePG Cluster')
    assert QUOTED_KIND in run.stdout


# 4. A key twice at the top of the ResourceList -----------------------------------------


@pytest.mark.parametrize(
    "stdin",
    [
        resource_list(CLUSTER, function_config=config(ROMM)) + "items:\n" + CONFIG_MAP,
        resource_list(CLUSTER, function_config=config(ROMM) + config(ROMM, name="other")),
    ],
    ids=["items", "functionConfig"],
)
def test_a_key_twice_in_the_resource_list_is_refused(stdin: str) -> None:
    fails_in_one_line(dbset_fn(stdin), "the ResourceList must not have the key")


# 5. The ownership annotation on what a set never generates: see the golden case
# error-ownership-annotation-on-foreign-objects.

# 6. The Cluster is edited, not rewritten ------------------------------------------------


def test_the_cluster_gains_only_inserted_text_and_gets_back_what_it_had() -> None:
    """The golden cases cluster-edited-in-place and cluster-restored-when-roles-go show
    the same Cluster (anchors, a merge key, tags, blocks, comments, `roles: []`)."""
    case = GOLDEN / "cluster-restored-when-roles-go"
    written = entries_of(case / "input.yaml")[0]
    first = run_case(GOLDEN / "cluster-edited-in-place")
    restored = run_case(case)

    extended = parse_resource_list(first.stdout).items[0].text
    assert only_inserted(written.replace("roles: []", "roles:"), extended)  # [] becomes a block
    assert parse_resource_list(restored.stdout).items[0].text == written


WITH_ANNOTATIONS = "    namespace: postgres\n    annotations:{}\n"
WRITTEN_CLUSTERS = {
    "annotations-empty-mapping": CLUSTER.replace(
        "    namespace: postgres\n", WITH_ANNOTATIONS.format(" {}")
    ),
    "annotations-empty": CLUSTER.replace("    namespace: postgres\n", WITH_ANNOTATIONS.format("")),
    "annotations-flow": CLUSTER.replace(
        "    namespace: postgres\n", WITH_ANNOTATIONS.format(" {team: data}")
    ),
    "managed-empty": CLUSTER + "    managed:\n",
    "roles-empty": CLUSTER + "    managed:\n      roles:\n",
    "roles-flow": CLUSTER + "    managed:\n      roles: [{name: app, login: true}]\n",
    "roles-flow-over-lines": CLUSTER
    + "    managed:\n      roles: [\n        {name: app},\n        {name: reader}\n      ]\n",
    "comment-after-dash": CLUSTER
    + "    managed:\n      roles:\n      - # written by hand\n        name: app\n",
    "roles-flow-in-flow": CLUSTER + "    managed: {roles: [ {name: app} , {name: reader} ]}\n",
    "nan-in-it": CLUSTER  # a NaN is never equal to itself, yet the edit reads back as meant
    + "    postgresql:\n      parameters:\n        autovacuum_vacuum_scale_factor: .NaN\n",
    "all-flow": CLUSTER.replace(
        "  metadata:\n    name: prod-pg17\n    namespace: postgres\n  spec:\n    instances: 1\n",
        "  metadata: {name: prod-pg17, namespace: postgres}\n  spec: {instances: 1}\n",
    ),
}


@pytest.mark.parametrize("cluster", WRITTEN_CLUSTERS.values(), ids=WRITTEN_CLUSTERS.keys())
def test_the_roles_come_and_go_and_the_cluster_is_back_byte_for_byte(cluster: str) -> None:
    added = output_entries(succeeds(dbset_fn(resource_list(cluster, function_config=config(ROMM)))))
    again = succeeds(dbset_fn(resource_list(*added, function_config=config(ROMM))))
    removed = succeeds(dbset_fn(resource_list(*added, function_config=config())))

    assert output_entries(again) == added
    assert parse_resource_list(removed).items[0].text == cluster


@pytest.mark.parametrize("cluster", WRITTEN_CLUSTERS.values(), ids=WRITTEN_CLUSTERS.keys())
def test_roles_written_as_database_roles_leave_the_cluster_as_it_is(cluster: str) -> None:
    database_roles = config(ROMM, spec="    roleOutput: databaseRole\n")

    stdout = succeeds(dbset_fn(resource_list(cluster, function_config=database_roles)))

    assert parse_resource_list(stdout).items[0].text == cluster


@pytest.mark.parametrize(
    "roles", ["roles: [\n      ]", "roles: # none yet\n        []", "roles:\n        []"]
)
def test_an_empty_roles_value_that_could_not_be_given_back_says_what_to_write(roles: str) -> None:
    cluster = CLUSTER + f"    managed:\n      {roles}\n"

    run = dbset_fn(resource_list(cluster, function_config=config(ROMM)))

    fails_in_one_line(run, "roles must be written on one line with its value (as `roles: []`")
    assert cluster in run.stdout


def test_a_roles_list_that_is_an_alias_is_an_error_not_a_rewrite() -> None:
    outcome = run_case(GOLDEN / "error-roles-list-is-an-alias")

    assert outcome.exit_code == 1
    assert "spec.managed.roles is tied to another place by an anchor or an alias" in outcome.stderr


# 7. Input that once crashed the function or was swallowed ------------------------------

CLUSTER_WITH_SPEC = "- apiVersion: postgresql.cnpg.io/v1\n  kind: Cluster\n  metadata:\n"
CLUSTER_WITH_SPEC += "    name: prod-pg17\n    namespace: postgres\n"
DEEP_RECORD = '"' + "[" * 100_000 + "]" * 100_000 + '"'


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (
            resource_list(CLUSTER_WITH_SPEC + "  spec: [1, 2]\n", function_config=config(ROMM)),
            'spec of Cluster "postgres/prod-pg17" must be a mapping, got [1, 2]',
        ),
        (
            resource_list(CLUSTER_WITH_SPEC + "  spec:\n", function_config=config(ROMM)),
            'spec of Cluster "postgres/prod-pg17" must be a mapping, got null',
        ),
        (
            resource_list(CLUSTER + "    managed: hello\n", function_config=config(ROMM)),
            'spec.managed of Cluster "postgres/prod-pg17" must be a mapping, got "hello"',
        ),
        (
            resource_list(CLUSTER + "    managed: []\n", function_config=config(ROMM)),
            'spec.managed of Cluster "postgres/prod-pg17" must be a mapping, got []',
        ),
        (
            resource_list(
                CLUSTER + "    managed:\n      roles:\n      - name: [romm]\n",
                function_config=config(ROMM),
            ),
            'spec.managed.roles[0].name of Cluster "postgres/prod-pg17" must be a string (the '
            'role\'s name), got ["romm"]',
        ),
        (
            resource_list(
                CLUSTER.replace(
                    "    namespace: postgres\n",
                    f"    namespace: postgres\n    annotations:\n"
                    f"      dbset.krm.dev/managed-roles: {DEEP_RECORD}\n",
                ),
                function_config=config(ROMM),
            ),
            "annotation dbset.krm.dev/managed-roles of Cluster",
        ),
        (
            resource_list(CLUSTER, function_config=config(ROMM, spec="    commonLabels: {1: x}\n")),
            "spec.commonLabels must have strings as keys, got 1 (a number)",
        ),
        (
            resource_list(
                CLUSTER, function_config=config(ROMM, spec="    commonLabels: {null: x}\n")
            ),
            "spec.commonLabels must have strings as keys, got null (null)",
        ),
        (
            resource_list(CLUSTER, function_config="functionConfig: [1, 2]\n"),
            "functionConfig must be a mapping",
        ),
        (
            resource_list(CLUSTER, function_config="functionConfig: just text\n"),
            "functionConfig must be a mapping",
        ),
        (
            resource_list(CLUSTER, "- 1\n- just text\n", function_config=config(ROMM)),
            'ResourceList items[1] must be a mapping (a resource), not the scalar "1"',
        ),
        (
            resource_list(
                CLUSTER,
                "- apiVersion: external-secrets.io/v1\n  kind: ExternalSecret\n  metadata:\n"
                "    name: romm-db-credentials\n    namespace: postgres\n  spec:\n"
                "    ? [a]\n    : 1\n",
                function_config=config(ROMM, spec="    adopt: true\n"),
            ),
            'ExternalSecret "postgres/romm-db-credentials": spec must have scalar keys, not a '
            "collection",
        ),
    ],
    ids=[
        "spec-a-list",
        "spec-null",
        "managed-a-string",
        "managed-a-list",
        "role-name-a-list",
        "record-deep-json",
        "label-key-a-number",
        "label-key-null",
        "config-a-list",
        "config-a-string",
        "items-scalars",
        "key-a-collection",
    ],
)
def test_input_that_crashed_the_function_is_an_error_and_the_items_stay(
    stdin: str, message: str
) -> None:
    run = dbset_fn(stdin)

    fails_in_one_line(run, message)
    assert [item.text for item in read_whole(run.stdout).items] == [
        item.text for item in read_whole(stdin).items
    ]


RECORDED = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Cluster
  metadata:
    name: prod-pg17
    namespace: postgres
    annotations:
      dbset.krm.dev/managed-roles: '{record}'
  spec:
    instances: 1
    managed:
      roles:
      - name: romm
        login: true
"""
PUT_BACK = "must put back (@restore) only an empty spec.managed, spec.managed.roles or "


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ('{"prod-databases":["romm"],"@restore":{"spec":"null"}}', PUT_BACK),
        (
            '{"prod-databases":["romm"],"@restore":{"spec.managed":"{roles: [{name: postgres, '
            'superuser: true}]}"}}',
            PUT_BACK,
        ),
        ('{"prod-databases":["romm"],"@restore":{"metadata.annotations":"{a: b}"}}', PUT_BACK),
        (
            '{"prod-databases":["romm"],"@restore":{"spec.managed":"null",'
            '"spec.managed.roles":"[]"}}',
            "one of spec.managed and spec.managed.roles, not both",
        ),
        (
            '{"prod-databases":["romm"],"other":["romm"]}',
            'role "romm" is under "other" and "prod-databases"',
        ),
        ('{"prod-databases":["romm"],"prod-databases":[]}', 'the key "prod-databases" twice'),
        (
            '{"prod-databases":["romm"],"@restore":{"spec.managed.roles":"[]"},'
            '"@restore":{"spec.managed":"null"}}',
            'the key "@restore" twice',
        ),
        ('{"Prod Databases":["romm"]}', 'by its metadata.name, got "Prod Databases"'),
    ],
    ids=[
        "restore-spec",
        "restore-a-superuser",
        "restore-annotations",
        "restore-twice-on-the-roles-path",
        "role-under-two-sets",
        "set-twice",
        "restore-twice",
        "set-name-no-name",
    ],
)
def test_a_record_edited_by_hand_or_by_a_merge_is_refused_not_acted_on(
    record: str, message: str
) -> None:
    stdin = resource_list(RECORDED.format(record=record), function_config=config())

    run = dbset_fn(stdin)

    fails_in_one_line(run, "annotation dbset.krm.dev/managed-roles of Cluster")
    assert message in run.stderr
    assert [item.text for item in read_whole(run.stdout).items] == [
        item.text for item in read_whole(stdin).items
    ]


def test_an_index_that_is_no_number_or_too_long_still_gives_a_result() -> None:
    in_the_way = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Database
  metadata:
    name: romm
    namespace: postgres
    annotations:
      config.kubernetes.io/path: postgres/database_romm.yaml
      config.kubernetes.io/index: '{index}'
  spec:
    name: romm
    owner: romm
    cluster:
      name: prod-pg17
"""
    for index in ("²", "9" * 5000):
        stdin = resource_list(CLUSTER, in_the_way.format(index=index), function_config=config(ROMM))

        fails_in_one_line(dbset_fn(stdin), 'Database "postgres/romm"')


def test_a_hand_written_database_of_another_shape_does_not_stop_the_render() -> None:
    other = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Database
  metadata:
    name: odd
    namespace: postgres
  spec:
    name: [x]
    cluster:
      name: prod-pg17
"""
    stdout = succeeds(dbset_fn(resource_list(CLUSTER, other, function_config=config(ROMM))))

    assert other in stdout


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full"], ids=["closed", "full"])
def test_a_stdout_that_cannot_be_written_is_one_line_and_exit_1(redirect: str) -> None:
    stdin = resource_list(CLUSTER, function_config=config(ROMM))
    run = subprocess.run(
        f"dbset-fn {redirect}", shell=True, input=stdin, capture_output=True, text=True
    )

    assert run.returncode == 1
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: "), run.stderr


# 8. Every message is one line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("function_config", "shown"),
    [
        (config(ROMM + '\n"bad\\nfield\\u001b[31m": 1'), '"bad\\nfield\\x1b[31m"'),
        (config(ROMM, spec='    commonLabels: {"a\\nb": x}\n'), '"a\\nb"'),
        (config(ROMM, spec='    cluster: {name: "a\\rb"}\n'), '"a\\rb"'),
        (config(ROMM, spec=f"    refreshInterval: {'7' * 5000}\n"), "… (5000 characters)"),
    ],
    ids=["unknown-field", "label-key", "cluster-name", "huge-integer"],
)
def test_user_text_in_a_message_is_escaped_and_cut_short(function_config: str, shown: str) -> None:
    run = dbset_fn(resource_list(CLUSTER, function_config=function_config))

    fails_in_one_line(run, shown)
    assert len(run.stderr) < 1000


# 9. Results from the function before ----------------------------------------------------


def test_results_of_an_earlier_function_are_kept_and_ours_follow() -> None:
    earlier = "results:\n- message: checked by fn1\n  severity: info\n"
    stdin = resource_list(CLUSTER, function_config=config()) + earlier
    orphan = CLUSTER.replace("    instances: 1\n", "    instances: 1\n") + (
        "- apiVersion: postgresql.cnpg.io/v1\n  kind: Database\n  metadata:\n    name: gone\n"
        "    namespace: postgres\n    annotations:\n"
        "      dbset.krm.dev/database-set: prod-databases\n"
        "  spec:\n    name: gone\n    owner: gone\n    cluster:\n      name: prod-pg17\n"
    )

    kept = succeeds(dbset_fn(stdin))
    appended = succeeds(dbset_fn(resource_list(orphan, function_config=config()) + earlier))

    assert kept.endswith(earlier)
    assert appended.index("checked by fn1") < appended.index("no longer lists")
    assert HEADER in kept


# 10. Line breaks other than "\n", and a byte-order mark ---------------------------------

COMMENTED = """\
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings # kept as written
    namespace: romm
  data:
    motd: welcome
"""


def dbset_fn_bytes(stdin: str) -> subprocess.CompletedProcess[bytes]:
    """As kpt runs it, in bytes: text mode would turn every line break into "\\n"."""
    return subprocess.run(["dbset-fn"], input=stdin.encode(), capture_output=True, timeout=10)


@pytest.mark.parametrize("entry", [ROMM, ROMM + "\nbogus: 1"], ids=["render", "error"])
def test_a_bom_with_crlf_endings_gives_every_item_back_byte_for_byte(entry: str) -> None:
    stdin = "\ufeff" + resource_list(CLUSTER, COMMENTED, function_config=config(entry))

    stdout = dbset_fn_bytes(stdin.replace("\n", "\r\n")).stdout.decode()

    assert COMMENTED.replace("\n", "\r\n") in stdout
    if entry != ROMM:
        assert (CLUSTER + COMMENTED).replace("\n", "\r\n") in stdout


IN_THE_WAY = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Database
  metadata:
    name: romm
    namespace: postgres
  spec:
    name: romm
    owner: romm
    cluster:
      name: prod-pg17
"""


@pytest.mark.parametrize("line_break", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_an_item_after_a_unicode_line_break_is_read_as_every_parser_reads_it(
    line_break: str,
) -> None:
    """libyaml, PyYAML and go-yaml (kpt) all break lines there: the Database is an item."""
    hidden = IN_THE_WAY.removesuffix("\n").replace("\n", line_break)
    hiding = COMMENTED.removesuffix("\n") + line_break + hidden + "\n"
    stdin = resource_list(CLUSTER, hiding, function_config=config(ROMM))
    run = dbset_fn_bytes(stdin)

    assert [item.kind for item in parse_resource_list(stdin).items] == [
        "Cluster",
        "ConfigMap",
        "Database",
    ]
    assert run.returncode == 1
    assert hiding in run.stdout.decode()
    assert 'Database "postgres/romm"' in run.stderr.decode()


def test_a_namespace_ended_by_a_unicode_line_break_is_the_namespace_a_parser_reads() -> None:
    cluster = CLUSTER.replace("namespace: postgres\n", "namespace: postgres\u2028\n")
    stdin = resource_list(cluster, function_config=config(ROMM))

    stdout = dbset_fn_bytes(stdin).stdout.decode()

    items = read_whole(stdout).items
    assert {item.namespace for item in items} == {"postgres"}
    assert only_inserted(cluster, items[0].text)


def test_carriage_returns_alone_are_line_breaks_and_stay_in_the_output() -> None:
    stdin = resource_list(CLUSTER, COMMENTED, function_config=config(ROMM)).replace("\n", "\r")

    run = dbset_fn_bytes(stdin)

    assert run.returncode == 0, run.stderr
    items = read_whole(run.stdout.decode()).items
    assert [item.kind for item in items] == ["Cluster", "ConfigMap", "Database", "ExternalSecret"]
    assert only_inserted(CLUSTER.replace("\n", "\r"), items[0].text)
    assert items[1].text == COMMENTED.replace("\n", "\r")


def test_items_indented_under_items_are_read() -> None:
    """As Node's YAML library and others write a list: `items:`, then `  - apiVersion: …`."""
    indented = "".join("  " + line for line in (CLUSTER + COMMENTED).splitlines(keepends=True))
    stdin = HEADER + "items:\n" + indented + config(ROMM)

    stdout = succeeds(dbset_fn(stdin))

    assert COMMENTED in stdout
    kinds = [item.kind for item in parse_resource_list(stdout).items]
    assert kinds == ["Cluster", "ConfigMap", "Database", "ExternalSecret"]
