"""An app connects with what its own Secret holds, for every password source.

ESO renders the app Secret from the ExternalSecret's template (Go's text/template with
Sprig's functions); tests/esotemplate renders it the same way. A real PostgreSQL
server then takes the rendered `uri`, `fqdn-uri`, `pooler-uri` and `pgpass` of each
golden case's app Secret, for a role whose password holds every character that URIs
and pgpass lines treat specially, and for roles named as PostgreSQL takes quoted
names: hyphenated, mixed case, with Go template, URI and pgpass syntax in them. The
server stands in for every host name (PGHOSTADDR), so only the port is changed to
the test server's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
import yaml
from dbset_fn.config.model import DatabaseEntry
from dbset_fn.config.names import kubernetes_name
from dbset_fn.kinds.connection import Endpoint, PoolerService, connection_keys
from dbset_fn.krm import parse_resource_list
from e2e import ROOT, needs
from golden_runner import GOLDEN
from pgserver import INITDB, PG_CTL, free_port

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
    "names-as-postgresql-takes-them": "names",
    "role-only": "roleOnly",
}


def app_secrets(case: str, render) -> Iterator[tuple[str, dict[str, str], bool]]:
    """(role, the Secret's data as the app reads it, whether ESO rendered it)."""
    expected = (GOLDEN / case / "expected.yaml").read_text()
    for obj in parse_resource_list(expected).items:
        if obj.namespace == "postgres" and obj.kind != "Secret":
            continue
        if obj.kind == "ExternalSecret":
            secret = render(obj.get("spec", "target", "template", "data"))
            yield secret["username"], secret, True
        elif obj.kind == "Secret":
            secret = obj.get("stringData")
            yield secret["username"], secret, False


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
def server(render_template) -> Iterator[int]:
    """A PostgreSQL server on 127.0.0.1 with SCRAM passwords; trustdb may log in without.

    PostgreSQL refuses to run as root, so under root it runs as nobody, in a directory
    of its own outside pytest's (which only root may enter).
    """
    with tempfile.TemporaryDirectory(prefix="dbset-fn-postgres-") as directory:
        yield from _running_server(Path(directory), roles(render_template))


def roles(render) -> dict[str, bool]:
    """Every app's role, and whether it has a password (its Secret is rendered by ESO)."""
    return {role: rendered for case in CASES for role, _, rendered in app_secrets(case, render)}


def _running_server(base: Path, roles: dict[str, bool]) -> Iterator[int]:
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
    trusted = "".join(
        f'host "{role}" "{role}" 127.0.0.1/32 trust\n'
        for role, password in roles.items()
        if not password
    )
    hba.write_text(trusted + hba.read_text())
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base}"
    subprocess.run(
        [*as_postgres, PG_CTL, "start", "-w", "-D", str(data), "-l", str(base / "log"),
         "-o", options],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        create_roles(base, port, roles)
        yield port
    finally:
        subprocess.run(
            [*as_postgres, PG_CTL, "stop", "-m", "fast", "-D", str(data)], capture_output=True
        )


def create_roles(socket_dir: Path, port: int, roles: dict[str, bool]) -> None:
    commands = []  # one -c each: CREATE DATABASE cannot run inside a transaction
    for role, has_password in sorted(roles.items()):
        password = f"$pw${PASSWORD}$pw$" if has_password else "NULL"
        name = '"' + role.replace('"', '""') + '"'
        commands += ["-c", f"CREATE ROLE {name} LOGIN PASSWORD {password}"]
        commands += ["-c", f"CREATE DATABASE {name} OWNER {name}"]
    subprocess.run(
        ["psql", "-h", str(socket_dir), "-p", str(port), "-U", "postgres", "-v",
         "ON_ERROR_STOP=1", *commands],
        check=True, capture_output=True,
    )  # fmt: skip


def _quoted(value: str) -> str:
    """A conninfo value: in single quotes, with \\ and ' escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


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
    for role, secret, _ in app_secrets(case, render_template):
        for key in ("uri", "fqdn-uri", "pooler-uri"):
            if key in secret:
                uri = secret[key].replace(":5432/", f":{server}/")
                assert who_connects(uri) == f"{role}@{role}", (key, uri)


@pytest.mark.parametrize("case", [case for case, source in CASES.items() if source != "trust"])
def test_the_app_connects_with_the_pgpass_of_its_secret(
    case: str, server: int, render_template, tmp_path: Path
) -> None:
    """A role-only login has no database of its own: its line serves any."""
    for role, secret in _with_password(app_secrets(case, render_template)):
        pgpass = tmp_path / f"{kubernetes_name(role)}.pgpass"
        pgpass.write_text(secret["pgpass"].replace(":5432:", f":{server}:", 1))
        pgpass.chmod(0o600)
        database = secret.get("dbname", "postgres")
        conninfo = (
            f"host={secret['host']} port={server} dbname={_quoted(database)} user={_quoted(role)}"
        )
        assert who_connects(conninfo, pgpass) == f"{role}@{database}"


def _with_password(secrets: Iterator[tuple[str, dict[str, str], bool]]) -> Iterator[tuple]:
    return ((role, secret) for role, secret, rendered in secrets if rendered)


@pytest.mark.parametrize("case", CASES, ids=CASES.values())
def test_jdbc_uris_carry_the_password_and_user_as_query_parameters(
    case: str, render_template
) -> None:
    """What pgjdbc reads: URL-decoded query parameters (java.net.URLDecoder semantics)."""
    for role, secret, rendered in app_secrets(case, render_template):
        for key in ("jdbc-uri", "fqdn-jdbc-uri", "pooler-jdbc-uri"):
            if key not in secret:
                continue
            url = urlsplit(secret[key].removeprefix("jdbc:"))
            parameters = parse_qs(url.query, strict_parsing=True)
            assert (unquote_plus(url.path), parameters["user"]) == (f"/{role}", [role])
            assert parameters.get("password") == ([PASSWORD] if rendered else None)


def test_text_in_a_template_comes_out_as_written(render_template) -> None:
    """Names come from the config, hosts from the Cluster and Pooler: none of it is read
    as Go, even where it holds `{{` (Kubernetes names cannot, so this one is made up)."""
    name = "{{ .password }}"
    entry = DatabaseEntry.model_validate({"name": name, "bitwardenPasswordId": "id"})
    pooler = PoolerService("{{ .password }}-pooler", transaction_mode=False)
    endpoint = Endpoint("{{ .password }}", "ns{{", "cluster.local", pooler, "ns{{")
    secret = render_template(connection_keys(entry, endpoint))
    assert (secret["username"], secret["dbname"]) == (name, name)
    assert secret["host"] == "{{ .password }}-rw.ns{{"
    assert secret["pooler-host"] == "{{ .password }}-pooler.ns{{"
    assert secret["uri"].endswith(
        "@%7B%7B%20.password%20%7D%7D-rw.ns%7B%7B:5432/%7B%7B%20.password%20%7D%7D"
    )
    assert secret["pgpass"].startswith("{{ .password }}-rw.ns{{:5432:{{ .password }}:")


def test_the_secrets_annotations_come_out_as_written(render_template) -> None:
    """ESO renders the template's annotations as Go templates too."""
    config = yaml.safe_load((GOLDEN / "common-metadata" / "config.yaml").read_text())
    wanted = config["spec"]["secretAnnotations"]
    expected = (GOLDEN / "common-metadata" / "expected.yaml").read_text()
    for obj in parse_resource_list(expected).items:
        if obj.kind == "ExternalSecret":
            annotations = obj.get("spec", "target", "template", "metadata", "annotations")
            assert render_template(annotations) == wanted


def test_a_host_cannot_take_a_uri_elsewhere() -> None:
    """Hosts are Kubernetes names, checked where the Cluster and Pooler are read; in a
    URI they are escaped all the same, as the names are."""
    entry = DatabaseEntry.model_validate({"name": "app"})
    pooler = PoolerService("p@evil.example:1/x?", transaction_mode=False)
    keys = connection_keys(entry, Endpoint("pg", "ns", "cluster.local", pooler, "ns"))

    assert urlsplit(keys["pooler-uri"]).netloc == "app@p%40evil.example%3A1%2Fx%3F.ns:5432"
    jdbc = urlsplit(keys["pooler-jdbc-uri"].removeprefix("jdbc:"))
    assert (jdbc.netloc, jdbc.path) == ("p%40evil.example%3A1%2Fx%3F.ns:5432", "/app")
