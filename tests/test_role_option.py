"""Does `options=-c role=<owner>` in a connection string reach PostgreSQL?

Password rotation (docs/rotation.md) logs in as one of two login roles,
`shop_a` or `shop_b`, and relies on the connection string's `options=-c role=shop_owner`
to make the session's current_user the owner role, so that the tables the app creates
are the owner's and the other login role can alter them after a switch. These tests
ask the real drivers and a real PgBouncer what becomes of that option:

- libpq (psql, and psycopg, which runs on libpq), pgjdbc, pgx and node-postgres pass it
  on: current_user is shop_owner, session_user shop_a;
- PgBouncer 1.18 as it comes (ignore_startup_parameters empty) refuses the login
  ("unsupported startup parameter: options"); with CloudNativePG's Pooler setting,
  `ignore_startup_parameters = extra_float_digits,options` (cloudnative-pg
  pkg/management/pgbouncer/config/config.go, defaultPgBouncerParameters), it logs in
  and silently drops the option, in session and in transaction mode: current_user is
  the login role, and a table created through it belongs to shop_a. PgBouncer 1.20+
  parses options but drops any key it does not track when `options` is ignored
  (pgbouncer src/client.c, set_startup_options). So dbset-fn refuses rotation for an
  entry whose app would be told a Pooler's address.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e import ROOT, needs
from pgserver import INITDB, PG_CTL, PGBOUNCER, Server, psql, running_pgbouncer, running_postgres

DRIVERS = ROOT / "tests" / "drivers"
PASSWORD = "s3cret-pw"
ROLE_OPTION = "options=-c%20role%3Dshop_owner"  # what the app Secret's uri carries

pytestmark = [
    needs("psql"),
    pytest.mark.skipif(INITDB is None or PG_CTL is None, reason="needs a PostgreSQL server"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The three roles as CloudNativePG makes them for an entry `shop` with rotation."""
    with running_postgres() as server:
        server.admin(
            "CREATE ROLE shop_owner NOLOGIN",
            f"CREATE ROLE shop_a LOGIN PASSWORD '{PASSWORD}' IN ROLE shop_owner",
            "CREATE DATABASE shop OWNER shop_owner",
        )
        server.admin("GRANT ALL ON SCHEMA public TO shop_owner", database="shop")
        yield server


def uri(port: int, options: str = ROLE_OPTION) -> str:
    return f"postgresql://shop_a:{PASSWORD}@127.0.0.1:{port}/shop?{options}"


def test_libpq_passes_the_role_option(server: Server) -> None:
    worked, who = psql(uri(server.port), "select current_user || '|' || session_user")
    assert (worked, who) == (True, "shop_owner|shop_a")


def test_without_the_option_objects_belong_to_the_login_role(server: Server) -> None:
    """Why the option is needed: a table created as shop_a is shop_a's."""
    plain = f"postgresql://shop_a:{PASSWORD}@127.0.0.1:{server.port}/shop"
    assert psql(plain, "create table by_login (id int)") == (True, "")
    assert owner_of(server, "by_login") == "shop_a"
    assert psql(uri(server.port), "create table by_owner (id int)") == (True, "")
    assert owner_of(server, "by_owner") == "shop_owner"


def test_psycopg_passes_the_role_option(server: Server) -> None:
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(uri(server.port)) as connection:
        row = connection.execute("select current_user, session_user").fetchone()
    assert row == ("shop_owner", "shop_a")


@needs("java")
def test_pgjdbc_passes_the_role_option(server: Server) -> None:
    jar = Path("/usr/share/java/postgresql.jar")
    if not jar.exists():
        pytest.skip("needs pgjdbc (Debian's libpostgresql-jdbc-java)")
    url = (
        f"jdbc:postgresql://127.0.0.1:{server.port}/shop?password={PASSWORD}&user=shop_a"
        f"&{ROLE_OPTION}"
    )
    run = subprocess.run(
        ["java", "-cp", str(jar), str(DRIVERS / "Probe.java"), url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.stdout.strip() == "shop_owner|shop_a", run.stderr


@needs("go")
def test_pgx_passes_the_role_option(server: Server, tmp_path: Path) -> None:
    gopath = Path("/usr/share/gocode")
    if not (gopath / "src/github.com/jackc/pgx/v4").exists():
        pytest.skip("needs pgx v4 (Debian's golang-github-jackc-pgx-v4-dev)")
    binary = tmp_path / "pgx"
    env = {"GO111MODULE": "off", "GOPATH": str(gopath), "GOFLAGS": "",
           "GOCACHE": str(tmp_path / "cache"), "HOME": str(tmp_path), "PATH": _path()}  # fmt: skip
    subprocess.run(
        ["go", "build", "-o", str(binary), str(DRIVERS / "pgx.go")],
        check=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    run = subprocess.run([str(binary), uri(server.port)], capture_output=True, text=True)
    assert run.stdout.strip() == "shop_owner|shop_a", run.stderr


@needs("node")
def test_node_postgres_passes_the_role_option(server: Server) -> None:
    if not (DRIVERS / "node_modules" / "pg").exists():
        pytest.skip("needs node-postgres: npm ci --prefix tests/drivers")
    run = subprocess.run(
        ["node", str(DRIVERS / "probe.js"), uri(server.port)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.stdout.strip() == "shop_owner|shop_a", run.stderr


needs_pgbouncer = pytest.mark.skipif(PGBOUNCER is None, reason="needs pgbouncer")
CNPG_IGNORED = "extra_float_digits,options"  # what every CloudNativePG Pooler sets


@needs_pgbouncer
@pytest.mark.parametrize("pool_mode", ["session", "transaction"])
def test_pgbouncer_as_it_comes_refuses_the_role_option(server: Server, pool_mode: str) -> None:
    with running_pgbouncer(server, {"shop_a": PASSWORD}, pool_mode, "") as port:
        worked, said = psql(uri(port), "select current_user")
        assert not worked
        assert "unsupported startup parameter" in said
        assert psql(uri(port, "sslmode=disable"), "select current_user") == (True, "shop_a")


@needs_pgbouncer
@pytest.mark.parametrize("pool_mode", ["session", "transaction"])
def test_pgbouncer_as_cloudnativepg_runs_it_drops_the_role_option(
    server: Server, pool_mode: str
) -> None:
    """The login works, but the session is the login role's: silently wrong, so
    rotation is refused behind a Pooler."""
    table = f"through_{pool_mode}"
    with running_pgbouncer(server, {"shop_a": PASSWORD}, pool_mode, CNPG_IGNORED) as port:
        worked, who = psql(uri(port), "select current_user || '|' || session_user")
        assert (worked, who) == (True, "shop_a|shop_a")
        assert psql(uri(port), f"create table {table} (id int)") == (True, "")
    assert owner_of(server, table) == "shop_a"


def owner_of(server: Server, table: str) -> str:
    return server.admin(
        f"select tableowner from pg_tables where tablename = '{table}'", database="shop"
    )


def _path() -> str:
    go = shutil.which("go")
    return str(Path(go).parent) if go else "/usr/bin"
