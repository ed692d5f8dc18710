"""`kubectl dbset status`: the real kubectl runs the plugin, which runs the real kubectl
get against a local API server serving a golden case's objects as recorded list
responses. The verdicts are the case's, as `dbset-fn status < live.yaml` gives them.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e import needs
from test_status import CASES, SECRET_VALUES, case_arguments

pytestmark = needs("kubectl", "kubectl-dbset")

GROUPS = {
    "postgresql.cnpg.io/v1": {
        "clusters": "Cluster",
        "databases": "Database",
        "databaseroles": "DatabaseRole",
    },
    "external-secrets.io/v1": {"externalsecrets": "ExternalSecret"},
    "v1": {"secrets": "Secret"},
}


def discovery() -> dict[str, Any]:
    """The documents kubectl reads to find the resources: /api, /apis, and each
    group version's resource list."""
    documents: dict[str, Any] = {
        "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
        "/apis": {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": group_version.split("/")[0],
                    "versions": [{"groupVersion": group_version, "version": "v1"}],
                    "preferredVersion": {"groupVersion": group_version, "version": "v1"},
                }
                for group_version in GROUPS
                if "/" in group_version
            ],
        },
    }
    for group_version, plurals in GROUPS.items():
        path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
        documents[path] = {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": [
                {
                    "name": plural,
                    "singularName": kind.lower(),
                    "namespaced": True,
                    "kind": kind,
                    "verbs": ["get", "list"],
                }
                for plural, kind in plurals.items()
            ],
        }
    return documents


def secrets_of(case: Path) -> list[dict[str, Any]]:
    """The case's Secrets, whole, data and all, as the API server holds them."""
    rows = (case / "secrets.txt").read_text().splitlines()[1:]
    return [
        {
            "metadata": {"name": name, "namespace": namespace, "resourceVersion": version},
            "type": "kubernetes.io/basic-auth",
            "data": {"password": SECRET_VALUES[1]},
        }
        for namespace, name, version in (row.split() for row in rows)
    ]


class ApiServer(ThreadingHTTPServer):
    def __init__(self, case: str, objects: list[dict[str, Any]]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.case = case
        self.documents = discovery()
        self.objects = objects
        self.requests: list[str] = []

    def respond(self, path: str) -> dict[str, Any] | None:
        self.requests.append(path)
        if path in self.documents:
            return self.documents[path]
        parts = path.strip("/").split("/")
        group_version = "/".join(parts[1:3]) if parts[0] == "apis" else "v1"
        rest = parts[3:] if parts[0] == "apis" else parts[2:]
        namespace = rest[1] if rest[:1] == ["namespaces"] and len(rest) == 3 else None
        kind = GROUPS.get(group_version, {}).get(rest[-1]) if rest else None
        if kind is None or len(rest) not in (1, 3):
            return None
        items = [
            obj
            for obj in self.objects
            if obj.get("kind", "Secret") == kind
            and namespace in (None, obj["metadata"]["namespace"])
        ]
        return {
            "kind": f"{kind}List",
            "apiVersion": group_version,
            "metadata": {"resourceVersion": "112975400"},
            "items": items,
        }


class Handler(BaseHTTPRequestHandler):
    server: ApiServer

    def do_GET(self) -> None:
        document = self.server.respond(self.path.split("?")[0])
        body = json.dumps(document or {"kind": "Status", "code": 404}).encode()
        self.send_response(200 if document else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads server.requests."""


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[ApiServer]:
    case = CASES / request.param
    live = yaml.safe_load((case / "live.yaml").read_text())["items"]
    server = ApiServer(request.param, [*live, *secrets_of(case)])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def kubeconfig(path: Path, server: ApiServer) -> Path:
    host, port = server.server_address[:2]
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "local", "cluster": {"server": f"http://{host}:{port}"}}],
        "users": [{"name": "viewer", "user": {"token": "recorded"}}],
        "contexts": [{"name": "recorded", "context": {"cluster": "local", "user": "viewer"}}],
        "current-context": "",
    }
    path.write_text(yaml.safe_dump(config))
    return path


def kubectl_dbset(
    tmp_path: Path, server: ApiServer, case: str, *flags: str
) -> subprocess.CompletedProcess:
    config = kubeconfig(tmp_path / "kubeconfig", server)
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    files = case_arguments(CASES / case)[:2]
    return subprocess.run(
        [
            "kubectl",
            "dbset",
            "status",
            *files,
            f"--kubeconfig={config}",
            "--context",
            "recorded",
            *flags,
        ],
        capture_output=True,
        env=environment,
    )


@pytest.mark.parametrize("api", ["failed", "database-roles", "pending"], indirect=True)
def test_kubectl_dbset_status_gives_the_verdicts_of_dbset_fn_status(
    tmp_path: Path, api: ApiServer
) -> None:
    case = api.case

    run = kubectl_dbset(tmp_path, api, case, "-o", "json")

    assert run.stderr == b""
    assert json.loads(run.stdout) == json.loads((CASES / case / "expected.json").read_text())
    assert run.returncode == json.loads(run.stdout)["exitCode"]
    assert "/apis/postgresql.cnpg.io/v1/databaseroles" in api.requests
    assert "/api/v1/secrets" in api.requests
    for value in SECRET_VALUES:
        assert value.encode() not in run.stdout + run.stderr


@pytest.mark.parametrize("api", ["all-ok"], indirect=True)
def test_a_namespace_flag_reads_one_namespace_and_the_rest_is_unknown(
    tmp_path: Path, api: ApiServer
) -> None:
    run = kubectl_dbset(tmp_path, api, "all-ok", "-n", "postgres")

    plurals = {plural for resources in GROUPS.values() for plural in resources}
    listed = [path for path in api.requests if path.rsplit("/", 1)[-1] in plurals]
    assert listed and all("/namespaces/postgres/" in path for path in listed)
    assert run.returncode == 3
    assert run.stdout.decode().splitlines()[1:4] == [
        "romm     postgres/prod-pg17  OK    OK        OK               UNKNOWN",
        "myapp    postgres/prod-pg17  OK    OK        OK               UNKNOWN",
        "trustdb  postgres/prod-pg17  OK    OK        -                UNKNOWN",
    ]


@pytest.mark.parametrize("api", ["all-ok"], indirect=True)
def test_a_failing_kubectl_is_one_line(tmp_path: Path, api: ApiServer) -> None:
    run = kubectl_dbset(tmp_path, api, "all-ok", "--context", "nowhere")

    assert run.returncode == 1
    assert run.stdout == b""
    assert run.stderr.decode().count("\n") == 1
    assert run.stderr.decode().startswith("error: kubectl ")
