"""A rotation against a real PostgreSQL server, step by step, as CloudNativePG applies it.

The roles and the database come from the golden cases rotation-generation-1 and
rotation-generation-2-{prepare,switch,retire}: each role of the Cluster's
spec.managed.roles is applied as CloudNativePG's role reconciler does (CREATE or ALTER
ROLE with LOGIN or NOLOGIN, the password of its passwordSecret, PASSWORD NULL for
disablePassword, GRANT for inRoles; internal/management/controller/roles/), the
Database with its owner. The app's Secret is rendered from its ExternalSecret's
template by ESO's template engine (tests/esotemplate), with each generation's
password, and the app logs in with its `uri`, `jdbc-uri` (pgjdbc) and `pgpass` plus
`options`:

- generation 1 creates a table, which belongs to shop_owner, not to the login role;
- after prepare the app still logs in as before; after switch it logs in as shop_b
  and alters the table;
- after retire a new login with generation 1's password fails, while a session opened
  before keeps working.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbset_fn.krm import parse_resource_list
from e2e import ROOT, needs
from golden_runner import GOLDEN
from pgserver import INITDB, PG_CTL, Server, psql, running_postgres

pytestmark = [
    needs("go", "psql"),
    pytest.mark.skipif(INITDB is None or PG_CTL is None, reason="needs a PostgreSQL server"),
]

PASSWORDS = {1: "first:p@ss/wörd?#1", 2: "second p@ss+%2"}  # by generation
STEPS = ["1", "2-prepare", "2-switch", "2-retire"]


def output(step: str) -> list[dict[str, Any]]:
    text = (GOLDEN / f"rotation-generation-{step}" / "expected.yaml").read_text()
    return [item.read() for item in parse_resource_list(text).items]


@pytest.fixture(scope="module")
def render_template(tmp_path_factory: pytest.TempPathFactory):
    binary = tmp_path_factory.mktemp("go") / "esotemplate"
    subprocess.run(
        ["go", "build", "-o", str(binary), str(ROOT / "tests" / "esotemplate" / "main.go")],
        check=True,
        cwd=binary.parent,
    )

    def render(templates: dict[str, str], password: str) -> dict[str, str]:
        request = json.dumps({"templates": templates, "data": {"password": password}})
        run = subprocess.run([binary], input=request, capture_output=True, text=True, check=True)
        return json.loads(run.stdout)

    return render


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_postgres() as server:
        yield server


def apply(server: Server, step: str) -> None:
    """What CloudNativePG does for the step's roles and Database (shop only)."""
    objects = output(step)
    cluster = next(obj for obj in objects if obj["kind"] == "Cluster")
    existing = set(server.admin("select rolname from pg_roles").split())
    for role in cluster["spec"]["managed"]["roles"]:
        name = role["name"]
        if not name.startswith("shop"):
            continue
        if name not in existing:
            server.admin(f'CREATE ROLE "{name}"')
        login = "LOGIN" if role["login"] else "NOLOGIN"
        server.admin(f'ALTER ROLE "{name}" {login} PASSWORD {_password(role)}')
        for member_of in role.get("inRoles", []):
            server.admin(f'GRANT "{member_of}" TO "{name}"')
    database = next(
        obj for obj in objects if obj["kind"] == "Database" and obj["metadata"]["name"] == "shop"
    )
    owner = database["spec"]["owner"]
    if not server.admin("select 1 from pg_database where datname = 'shop'"):
        server.admin(f'CREATE DATABASE shop OWNER "{owner}"')
        server.admin(f'GRANT ALL ON SCHEMA public TO "{owner}"', database="shop")


def _password(role: dict[str, Any]) -> str:
    if role.get("disablePassword"):
        return "NULL"
    if "passwordSecret" not in role:
        return "NULL"  # the owner role: it never logs in
    generation = int(role["passwordSecret"]["name"].rpartition("-g")[2])
    return "$pw$" + PASSWORDS[generation] + "$pw$"


def app_secret(step: str, render_template) -> dict[str, str]:
    """The app's Secret in namespace shop as ESO writes it, with the password of the
    generation it reads."""
    app = next(
        obj
        for obj in output(step)
        if obj["kind"] == "ExternalSecret" and obj["metadata"]["namespace"] == "shop"
    )
    generation = int(app["spec"]["data"][0]["remoteRef"]["key"].rpartition("-g")[2])
    return render_template(app["spec"]["target"]["template"]["data"], PASSWORDS[generation])


def here(uri: str, server: Server) -> str:
    return uri.replace("pg-rw.postgres:5432", f"127.0.0.1:{server.port}")


def with_pgpass(secret: dict[str, str], server: Server, tmp_path: Path, *sql: str) -> tuple:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(secret["pgpass"].replace(":5432:", f":{server.port}:", 1))
    pgpass.chmod(0o600)
    options = secret["options"].replace("\\", "\\\\").replace("'", "\\'")
    conninfo = (
        f"host={secret['host']} hostaddr=127.0.0.1 port={server.port} dbname={secret['dbname']} "
        f"user={secret['username']} options='{options}'"
    )
    return psql(conninfo, *sql, pgpass=pgpass)


def jdbc(secret: dict[str, str], server: Server) -> str:
    jar = Path("/usr/share/java/postgresql.jar")
    if not jar.exists():
        pytest.skip("needs pgjdbc (Debian's libpostgresql-jdbc-java)")
    url = secret["jdbc-uri"].replace("pg-rw.postgres:5432", f"127.0.0.1:{server.port}")
    run = subprocess.run(
        ["java", "-cp", str(jar), str(ROOT / "tests" / "drivers" / "Probe.java"), url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return run.stdout.strip() or run.stderr.strip()


WHO = "select current_user || '|' || session_user"


@needs("java")
def test_a_rotation_keeps_the_app_connected_and_its_tables_alterable(
    server: Server, render_template, tmp_path: Path
) -> None:
    psycopg = pytest.importorskip("psycopg")
    apply(server, "1")
    first = app_secret("1", render_template)
    assert psql(here(first["uri"], server), WHO) == (True, "shop_owner|shop_a")
    assert jdbc(first, server) == "shop_owner|shop_a"
    assert with_pgpass(first, server, tmp_path, WHO) == (True, "shop_owner|shop_a")
    assert psql(here(first["uri"], server), "create table orders (id int)")[0]
    assert table_owner(server) == "shop_owner"
    open_session = psycopg.connect(here(first["uri"], server), autocommit=True)

    apply(server, "2-prepare")
    prepared = app_secret("2-prepare", render_template)
    assert prepared == first  # the app is not told yet
    assert psql(here(prepared["uri"], server), WHO) == (True, "shop_owner|shop_a")

    apply(server, "2-switch")
    switched = app_secret("2-switch", render_template)
    assert switched["username"] == "shop_b"
    assert psql(here(switched["uri"], server), WHO) == (True, "shop_owner|shop_b")
    assert jdbc(switched, server) == "shop_owner|shop_b"
    assert with_pgpass(switched, server, tmp_path, WHO) == (True, "shop_owner|shop_b")
    assert psql(here(switched["uri"], server), "alter table orders add column total int")[0]
    assert psql(here(first["uri"], server), WHO)[0]  # the old login still works

    apply(server, "2-retire")
    assert app_secret("2-retire", render_template) == switched
    worked, said = psql(here(first["uri"], server), WHO)
    assert not worked
    assert "password authentication failed" in said or "not permitted to log in" in said
    assert open_session.execute("insert into orders values (1, 10) returning id").fetchone() == (1,)
    assert open_session.execute(WHO).fetchone() == ("shop_owner|shop_a",)
    open_session.close()
    assert psql(here(switched["uri"], server), "alter table orders add column note text")[0]


def table_owner(server: Server) -> str:
    return server.admin(
        "select tableowner from pg_tables where tablename = 'orders'", database="shop"
    )
