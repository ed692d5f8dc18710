"""An app connects with what its own Secret holds, for every password source.

ESO renders the app Secret from the ExternalSecret's template (Go's text/template with
Sprig's functions); tests/esotemplate renders it the same way. A real PostgreSQL
server then takes the rendered `uri`, `fqdn-uri`, `pooler-uri` and `pgpass` of each
golden case's app Secret, for a role whose password holds every character that URIs
and pgpass lines treat specially. The server stands in for every host name
(PGHOSTADDR), so only the port is changed to the test server's.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from dbset_fn.krm import parse_resource_list
from e2e import ROOT, needs
from golden_runner import GOLDEN


def postgres_program(name: str) -> str | None:
    """Debian keeps the server's programs off PATH, in /usr/lib/postgresql/<version>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version)
    return shutil.which(name) or (str(found[-1]) if found else None)


def _version(path: Path) -> float:
    return float(path.parent.parent.name)


INITDB, PG_CTL = postgres_program("initdb"), postgres_program("pg_ctl")

pytestmark = [
    needs("go", "psql"),
    pytest.mark.skipif(INITDB is None or PG_CTL is None, reason="needs a PostgreSQL server"),
]

PASSWORD = "p@ss:w/rd?#[x]%41+ &'\"\\é"
CASES = {
    "seed": "bitwardenPasswordId",
    "password-ref-with-property": "passwordRef",
    "generated-password-with-app-namespace": "password.generate",
    "trust-with-app-namespace": "trust",
}


def app_secrets(case: str) -> Iterator[tuple[str, dict[str, str], bool]]:
    """(role, the Secret's data as ESO is given it, whether it is a template)."""
    expected = (GOLDEN / case / "expected.yaml").read_text()
    for obj in parse_resource_list(expected).items:
        if obj.namespace == "postgres" and obj.kind != "Secret":
            continue
        if obj.kind == "ExternalSecret":
            data = obj.get("spec", "target", "template", "data")
            yield data["username"], data, True
        elif obj.kind == "Secret":
            data = obj.get("stringData")
            yield data["username"], data, False


@pytest.fixture(scope="session")
def render_template(tmp_path_factory: pytest.TempPathFactory):
    binary = tmp_path_factory.mktemp("go") / "esotemplate"
    subprocess.run(
        ["go", "build", "-o", str(binary), str(ROOT / "tests" / "esotemplate" / "main.go")],
        check=True,
        cwd=binary.parent,
    )

    def render(templates: dict[str, str]) -> dict[str, str]:
        request = json.dumps({"templates": templates, "data": {"password": PASSWORD}})
        run = subprocess.run(
            [str(binary)], input=request, capture_output=True, text=True, check=True
        )
        return json.loads(run.stdout)

    return render


@pytest.fixture(scope="session")
def server() -> Iterator[int]:
    """A PostgreSQL server on 127.0.0.1 with SCRAM passwords; trustdb may log in without.

    PostgreSQL refuses to run as root, so under root it runs as nobody, in a directory
    of its own outside pytest's (which only root may enter).
    """
    with tempfile.TemporaryDirectory(prefix="dbset-fn-postgres-") as directory:
        yield from _running_server(Path(directory))


def _running_server(base: Path) -> Iterator[int]:
    as_postgres = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(base, "nobody")
    data, port = base / "data", free_port()
    subprocess.run(
        [*as_postgres, INITDB, "-D", str(data), "-U", "postgres", "--auth-local=trust",
         "--auth-host=scram-sha-256"],
        check=True, capture_output=True,
    )  # fmt: skip
    hba = data / "pg_hba.conf"
    hba.write_text("host trustdb trustdb 127.0.0.1/32 trust\n" + hba.read_text())
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base}"
    subprocess.run(
        [*as_postgres, PG_CTL, "start", "-w", "-D", str(data), "-l", str(base / "log"),
         "-o", options],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        create_roles(base, port)
        yield port
    finally:
        subprocess.run(
            [*as_postgres, PG_CTL, "stop", "-m", "fast", "-D", str(data)], capture_output=True
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_roles(socket_dir: Path, port: int) -> None:
    roles = {role for case in CASES for role, _, _ in app_secrets(case)}
    commands = []  # one -c each: CREATE DATABASE cannot run inside a transaction
    for role in sorted(roles):
        password = "NULL" if role == "trustdb" else f"$pw${PASSWORD}$pw$"
        commands += ["-c", f"CREATE ROLE {role} LOGIN PASSWORD {password}"]
        commands += ["-c", f"CREATE DATABASE {role} OWNER {role}"]
    subprocess.run(
        ["psql", "-h", str(socket_dir), "-p", str(port), "-U", "postgres", "-v",
         "ON_ERROR_STOP=1", *commands],
        check=True, capture_output=True,
    )  # fmt: skip


def who_connects(conninfo: str, pgpass: Path | None = None) -> str:
    env = {
        **os.environ,
        "PGHOSTADDR": "127.0.0.1",
        "PGPASSFILE": str(pgpass or "/dev/null"),
        "PGCONNECT_TIMEOUT": "5",
    }
    env.pop("PGPASSWORD", None)
    run = subprocess.run(
        ["psql", conninfo, "-XAt", "-w", "-c", "select current_user || '@' || current_database()"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    return run.stdout.strip() or run.stderr.strip()


@pytest.mark.parametrize("case", CASES, ids=CASES.values())
def test_the_app_connects_with_the_uris_of_its_secret(
    case: str, server: int, render_template
) -> None:
    for role, data, is_template in app_secrets(case):
        secret = render_template(data) if is_template else data
        for key in ("uri", "fqdn-uri", "pooler-uri"):
            if key in secret:
                uri = secret[key].replace(":5432/", f":{server}/")
                assert who_connects(uri) == f"{role}@{role}", (key, uri)


@pytest.mark.parametrize("case", [case for case, source in CASES.items() if source != "trust"])
def test_the_app_connects_with_the_pgpass_of_its_secret(
    case: str, server: int, render_template, tmp_path: Path
) -> None:
    for role, data, _ in app_secrets(case):
        secret = render_template(data)
        pgpass = tmp_path / f"{role}.pgpass"
        pgpass.write_text(secret["pgpass"].replace(":5432:", f":{server}:", 1))
        pgpass.chmod(0o600)
        conninfo = f"host={secret['host']} port={server} dbname={role} user={role}"
        assert who_connects(conninfo, pgpass) == f"{role}@{role}"


@pytest.mark.parametrize("case", CASES, ids=CASES.values())
def test_jdbc_uris_carry_the_password_and_user_as_query_parameters(
    case: str, render_template
) -> None:
    """What pgjdbc reads: URL-decoded query parameters (java.net.URLDecoder semantics)."""
    for role, data, is_template in app_secrets(case):
        secret = render_template(data) if is_template else data
        for key in ("jdbc-uri", "fqdn-jdbc-uri", "pooler-jdbc-uri"):
            if key not in secret:
                continue
            url = urlsplit(secret[key].removeprefix("jdbc:"))
            parameters = parse_qs(url.query, strict_parsing=True)
            assert (url.path, parameters["user"]) == (f"/{role}", [role])
            assert parameters.get("password") == ([PASSWORD] if is_template else None)
