"""Real CloudNativePG Clusters, as people write them, through dbset-fn and `kpt fn render`.

tests/corpus/clusters.tsv lists public manifests (CloudNativePG's samples, public
GitOps repositories) by repository, commit, path and git blob hash; their text is read
from the shared test fixtures beside the checkout (`../shared/corpus`, or
`$DBSET_FN_SHARED/corpus`), never copied here, and a file whose blob hash is not the
listed one is an error, so what is tested cannot change unseen.

What dbset-fn does, on the ResourceList kpt sends (`kpt fn source`): the Cluster comes
out as it went in with text inserted and nothing else changed, a second run changes
nothing, and once the DatabaseSet lists no database the Cluster is byte for byte
what it was. With spec.adopt, the roles people wrote by hand become the set's, and
nothing else in the Cluster changes.

What a user sees, after `kpt fn render`: the file differs from a render with a
function that changes nothing (`cat`) only by inserted lines, none of them a comment
(every comment stays where `cat` leaves it), a second render changes nothing more than
it does for `cat`, and removing every database leaves the file as `cat` leaves it.
kpt writes an item a function edited back from its own parse and puts its comments
back by the key they hung on, so where the function inserts decides whether kpt moves
comments (benchmarks/comment_moves.py measures it): with a new `managed:` first in
spec and a new role below the comment lines that end the list, kpt moves none in any
file here. KPT_MOVES_COMMENTS lists the files where kpt moves comments whatever the
function does (none now).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from dbset_fn.krm import parse_resource_list
from e2e import needs
from resource_lists import only_inserted

CORPUS = Path(__file__).parent / "corpus"
SHARED = Path(os.environ.get("DBSET_FN_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FIXTURES = SHARED / "corpus" / "clusters"
KPTFILE = """\
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: corpus
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
  - exec: {function}
    configPath: function-config.yaml
"""
NOTHING = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nothing
  annotations:
    config.kubernetes.io/local-config: "true"
"""

# Files where kpt moves comments of the edited Cluster whatever the function inserts
# where (benchmarks/comment_moves.py measured every choice): their comment lines are
# left out of the comparison with `cat`'s render.
KPT_MOVES_COMMENTS: dict[str, str] = {}


pytestmark = needs("kpt", "dbset-fn")


def rows() -> list[dict[str, str]]:
    with open(CORPUS / "clusters.tsv", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def source_of(row: dict[str, str]) -> str:
    """The file as its repository held it at the listed commit: its git blob hash must be
    the listed one."""
    if not FIXTURES.is_dir():
        pytest.skip(f"needs the corpus fixtures at {FIXTURES} (set DBSET_FN_SHARED to move it)")
    path = FIXTURES / row["repository"].replace("/", "+") / row["path"]
    data = path.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert blob == row["blob"], (
        f"{path} changed: its blob is {blob}, clusters.tsv lists {row['blob']}"
    )
    return data.decode()


def _bitwarden_id(name: str) -> uuid.UUID:
    """An id as Bitwarden makes them, one per role."""
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def database_set(cluster: str, databases: list[str], adopt: bool = False) -> str:
    entries = "".join(
        f"\n  - name: {json.dumps(name)}\n    bitwardenPasswordId: {_bitwarden_id(name)}"
        for name in databases
    )
    return f"""\
apiVersion: dbset.krm.dev/v1alpha1
kind: DatabaseSet
metadata:
  name: corpus
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  cluster:
    name: {cluster}
  adopt: {json.dumps(adopt)}
  databases:{entries or " []"}
"""


class Package:
    """A kpt package of one corpus file, rendered with one function."""

    def __init__(self, root: Path, file_name: str, text: str, function: str, config: str):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        self.root, self.file = root, root / file_name
        self.file.write_text(text)
        (root / "Kptfile").write_text(KPTFILE.format(function=function))
        self.configure(config)

    def configure(self, config: str) -> None:
        self.config.write_text(config)

    def source(self) -> str:
        """The ResourceList kpt sends the function."""
        return _run(["kpt", "fn", "source", str(self.root), "--fn-config", str(self.config)])

    @property
    def config(self) -> Path:
        return self.root / "function-config.yaml"

    def render(self) -> dict[str, str]:
        run = subprocess.run(
            ["kpt", "fn", "render", str(self.root), "--allow-exec"], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return {
            path.relative_to(self.root).as_posix(): path.read_text()
            for path in sorted(self.root.rglob("*"))
            if path.is_file() and path.name not in ("Kptfile", "function-config.yaml")
        }


def _run(command: list[str], stdin: str = "") -> str:
    run = subprocess.run(command, input=stdin, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def cluster_text(resource_list: str) -> str:
    (cluster,) = [
        item for item in parse_resource_list(resource_list).items if item.kind == "Cluster"
    ][:1]
    return cluster.text


def with_config(resource_list: str, config: str) -> str:
    """The ResourceList's items, with another functionConfig."""
    items = resource_list.split("\nfunctionConfig:\n")[0].split("\nresults:\n")[0] + "\n"
    return items + "functionConfig:\n" + "".join("  " + line for line in config.splitlines(True))


def item_texts(resource_list: str) -> list[str]:
    return [item.text for item in parse_resource_list(resource_list).items]


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def without_comments(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.strip().startswith("#")
    )


def test_corpus_is_large_enough() -> None:
    assert len(rows()) >= 50


@pytest.mark.parametrize("row", rows(), ids=lambda row: f"{row['repository']}:{row['path']}")
def test_dbset_fn_inserts_roles_into_a_real_cluster_and_takes_them_out_byte_for_byte(
    row: dict[str, str], tmp_path: Path
) -> None:
    text, name = cluster_file(row)
    package = Package(tmp_path, Path(row["path"]).name, text, "dbset-fn", database_set(name, []))
    received = package.source()
    add = database_set(name, ["app_one", "book-club", "BookClub"])

    extended = _run(["dbset-fn"], with_config(received, add))
    again = _run(["dbset-fn"], with_config(extended, add))
    pruned = _run(["dbset-fn"], with_config(extended, database_set(name, [])))

    assert only_inserted(cluster_text(received), cluster_text(extended))
    assert "dbset.krm.dev/managed-roles" in cluster_text(extended)
    assert item_texts(again) == item_texts(extended)
    assert cluster_text(pruned) == cluster_text(received)


@pytest.mark.parametrize("row", rows(), ids=lambda row: f"{row['repository']}:{row['path']}")
def test_kpt_render_of_a_real_cluster_shows_only_inserted_lines_and_prunes_cleanly(
    row: dict[str, str], tmp_path: Path
) -> None:
    text, name = cluster_file(row)
    file_name = Path(row["path"]).name
    plain = Package(tmp_path / "cat", file_name, text, "cat", NOTHING)
    extended = Package(
        tmp_path / "dbset", file_name, text, "dbset-fn", database_set(name, ["app_one", "app_two"])
    )

    plain_first, plain_second = plain.render(), plain.render()
    first, second = extended.render(), extended.render()
    extended.configure(database_set(name, []))
    pruned = extended.render()

    assert set(first) - {file_name}, "no generated files"
    if plain_second == plain_first:
        assert second == first
    label = f"{row['repository']}:{row['path']}"
    seen = without_comments if label in KPT_MOVES_COMMENTS else str
    assert only_inserted(seen(plain_first[file_name]), seen(first[file_name]))
    assert comments(seen(first[file_name])) == comments(seen(plain_first[file_name]))
    assert {path: seen(file) for path, file in pruned.items()} == {
        path: seen(file) for path, file in plain_second.items()
    }


WITH_ROLES = [row for row in rows() if "managed-roles" in row["features"].split(",")]


@pytest.mark.parametrize("row", WITH_ROLES, ids=lambda row: f"{row['repository']}:{row['path']}")
def test_adopt_takes_over_the_hand_written_roles_of_a_real_cluster(
    row: dict[str, str], tmp_path: Path
) -> None:
    """Each role written by hand becomes an entry's, replaced in place with an info result;
    nothing else in the Cluster changes, and a second run changes nothing."""
    text, name = cluster_file(row)
    package = Package(tmp_path, Path(row["path"]).name, text, "dbset-fn", database_set(name, []))
    received = package.source()
    roles = [role["name"] for role in _cluster_values(received)["spec"]["managed"]["roles"]]
    adopt = database_set(name, roles, adopt=True)

    adopted = _run(["dbset-fn"], with_config(received, adopt))
    again = _run(["dbset-fn"], with_config(adopted, adopt))

    results = yaml.safe_load(adopted)["results"]
    adoptions = [result for result in results if result["message"].startswith("adopted ")]
    assert [result["message"].split(" in ")[0] for result in adoptions][: len(roles)] == [
        f"adopted role {json.dumps(role)}" for role in roles
    ]  # then the file's own Databases, if any
    assert {result["severity"] for result in results} == {"info"}
    before, after = _cluster_values(received), _cluster_values(adopted)
    assert [role["name"] for role in after["spec"]["managed"]["roles"]] == roles
    for values in (before, after):
        values["spec"]["managed"].pop("roles")
        values["metadata"].get("annotations", {}).pop("dbset.krm.dev/managed-roles", None)
        if not values["metadata"].get("annotations", True):
            values["metadata"].pop("annotations")
    assert after == before
    assert item_texts(again) == item_texts(adopted)


def _cluster_values(resource_list: str) -> dict:
    items = parse_resource_list(resource_list).items
    return next(item for item in items if item.kind == "Cluster").read()


def cluster_file(row: dict[str, str]) -> tuple[str, str]:
    """The file's text, and the name of its first Cluster."""
    text = source_of(row)
    clusters = [
        document
        for document in yaml.safe_load_all(text)
        if isinstance(document, dict) and document.get("kind") == "Cluster"
    ]
    return text, clusters[0]["metadata"]["name"]
