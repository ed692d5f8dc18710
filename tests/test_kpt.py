"""`kpt fn render` with the real kpt, running dbset-fn as an exec function.

kpt writes the function's output back into the package, so these tests read the
package's files: where generated objects land, that the user's own text (comments,
quoting) survives, that a second render changes nothing and that a removed entry's
files and role go away.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SEED = Path(__file__).parent.parent / "examples" / "seed"

pytestmark = pytest.mark.skipif(
    shutil.which("kpt") is None or shutil.which("dbset-fn") is None,
    reason="needs kpt and an installed dbset-fn",
)

KPTFILE = """\
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: databases
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
  - exec: dbset-fn
    configPath: db/databaseset.yaml
"""

GENERATED = {
    "db/postgres/database_romm.yaml",
    "db/postgres/database_myapp.yaml",
    "db/postgres/database_trustdb.yaml",
    "db/postgres/externalsecret_romm-db-credentials.yaml",
    "db/postgres/externalsecret_myapp-db-credentials.yaml",
    "db/romm/externalsecret_romm-db-credentials.yaml",
    "db/myapp/externalsecret_myapp-db-credentials.yaml",
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The seed example as a kpt package, its Cluster file with a comment and a quoted "on"."""
    (tmp_path / "Kptfile").write_text(KPTFILE)
    (tmp_path / "db").mkdir()
    shutil.copy(SEED / "databaseset.yaml", tmp_path / "db" / "databaseset.yaml")
    cluster = (SEED / "cluster.yaml").read_text()
    cluster = cluster.replace(
        "  instances: 3\n", '  instances: 3 # one primary, two replicas\n  description: "on"\n'
    )
    (tmp_path / "cluster.yaml").write_text(cluster)
    return tmp_path


def render(package: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["kpt", "fn", "render", "--allow-exec", str(package)], capture_output=True, text=True
    )


def files(package: Path) -> dict[str, str]:
    return {
        str(path.relative_to(package)): path.read_text() for path in sorted(package.rglob("*.yaml"))
    }


def test_render_writes_generated_files_beside_the_databaseset(package: Path) -> None:
    run = render(package)

    assert run.returncode == 0, run.stderr
    written = files(package)
    assert set(written) == GENERATED | {"cluster.yaml", "db/databaseset.yaml"}
    assert written["db/postgres/database_romm.yaml"] == (
        "apiVersion: postgresql.cnpg.io/v1\n"
        "kind: Database\n"
        "metadata:\n"
        "  name: romm\n"
        "  namespace: postgres\n"
        "  annotations:\n"
        "    dbset.krm.dev/database-set: prod-databases\n"
        "spec:\n"
        "  name: romm\n"
        "  owner: romm\n"
        "  cluster:\n"
        "    name: prod-pg17\n"
        "  ensure: present\n"
    )


def test_render_keeps_the_users_comments_and_quoting(package: Path) -> None:
    render(package)

    cluster = (package / "cluster.yaml").read_text()
    assert "  instances: 3 # one primary, two replicas\n" in cluster
    assert '  description: "on"\n' in cluster
    assert "    - name: grafana_reader\n" in cluster
    assert "    - name: trustdb\n" in cluster


def test_a_second_render_changes_nothing(package: Path) -> None:
    render(package)
    first = files(package)

    run = render(package)

    assert run.returncode == 0, run.stderr
    assert files(package) == first


def test_removing_an_entry_prunes_its_files_and_role(package: Path) -> None:
    render(package)
    config = package / "db" / "databaseset.yaml"
    text = config.read_text()
    config.write_text(
        text[: text.index("  - name: myapp")] + text[text.index("  - name: trustdb") :]
    )

    run = render(package)

    assert run.returncode == 0, run.stderr
    assert set(files(package)) == {name for name in GENERATED if "myapp" not in name} | {
        "cluster.yaml",
        "db/databaseset.yaml",
    }
    assert "name: myapp" not in (package / "cluster.yaml").read_text()


def test_an_invalid_databaseset_fails_the_render_and_changes_no_file(package: Path) -> None:
    render(package)
    config = package / "db" / "databaseset.yaml"
    config.write_text(config.read_text().replace("name: trustdb", "name: Trust-DB"))
    before = files(package)

    run = render(package)

    assert run.returncode != 0
    assert 'spec.databases[2].name "Trust-DB" must be a lower-case PostgreSQL identifier' in (
        run.stdout + run.stderr
    )
    assert files(package) == before
