"""A real PostgreSQL server and a real PgBouncer on 127.0.0.1, for tests that log in.

PostgreSQL and PgBouncer refuse to run as root, so under root they run as nobody, in
a directory of their own outside pytest's (which only root may enter). Debian keeps
the server's programs off PATH, in /usr/lib/postgresql/<version>/bin.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_program(name: str) -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version)
    return shutil.which(name) or (str(found[-1]) if found else None)


def _version(path: Path) -> float:
    return float(path.parent.parent.name)


INITDB, PG_CTL = postgres_program("initdb"), postgres_program("pg_ctl")
PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
AS_NOBODY = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A running server: its port, and psql as the superuser postgres over its socket."""

    def __init__(self, base: Path, port: int) -> None:
        self.base, self.port = base, port

    def admin(self, *statements: str, database: str = "postgres") -> str:
        """Each statement on its own (CREATE DATABASE cannot run in a transaction)."""
        commands = [part for statement in statements for part in ("-c", statement)]
        run = subprocess.run(
            ["psql", "-h", str(self.base), "-p", str(self.port), "-U", "postgres", "-d",
             database, "-XAtq", "-v", "ON_ERROR_STOP=1", *commands],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return run.stdout.strip()


@contextmanager
def running_postgres(hba_first: str = "") -> Iterator[Server]:
    """A server with SCRAM passwords over TCP; hba_first goes before the default rules."""
    assert INITDB is not None and PG_CTL is not None
    with _own_directory("dbset-fn-postgres-") as base:
        data, port = base / "data", free_port()
        subprocess.run(
            [*AS_NOBODY, INITDB, "-D", str(data), "-U", "postgres", "--auth-local=trust",
             "--auth-host=scram-sha-256"],
            check=True, capture_output=True,
        )  # fmt: skip
        hba = data / "pg_hba.conf"
        hba.write_text(hba_first + hba.read_text())
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base}"
        subprocess.run(
            [*AS_NOBODY, PG_CTL, "start", "-w", "-D", str(data), "-l", str(base / "log"),
             "-o", options],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            yield Server(base, port)
        finally:
            subprocess.run(
                [*AS_NOBODY, PG_CTL, "stop", "-m", "fast", "-D", str(data)], capture_output=True
            )


@contextmanager
def running_pgbouncer(
    server: Server, users: dict[str, str], pool_mode: str, ignore_startup_parameters: str
) -> Iterator[int]:
    """PgBouncer in front of server, for every database, with the users' passwords in its
    auth_file (it logs in to the server with them); its port."""
    assert PGBOUNCER is not None
    with _own_directory("dbset-fn-pgbouncer-") as base:
        port = free_port()
        userlist = "".join(f'"{user}" "{password}"\n' for user, password in users.items())
        (base / "userlist.txt").write_text(userlist)
        (base / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={server.port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {base / 'userlist.txt'}\n"
            f"pool_mode = {pool_mode}\n"
            f"ignore_startup_parameters = {ignore_startup_parameters}\n"
            f"logfile = {base / 'pgbouncer.log'}\npidfile = {base / 'pgbouncer.pid'}\n"
        )
        for path in base.iterdir() if AS_NOBODY else ():
            shutil.chown(path, "nobody")
        process = subprocess.Popen(
            [*AS_NOBODY, PGBOUNCER, str(base / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(port)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def _own_directory(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        base = Path(directory)
        if AS_NOBODY:
            shutil.chown(base, "nobody")
        yield base


def psql(conninfo: str, *statements: str, pgpass: Path | None = None) -> tuple[bool, str]:
    """Log in with conninfo (a URI or key=value pairs) alone and run the statements:
    (whether it worked, the output or the error)."""
    env = {**os.environ, "PGPASSFILE": str(pgpass or "/dev/null"), "PGCONNECT_TIMEOUT": "5"}
    for name in ("PGPASSWORD", "PGOPTIONS", "PGUSER", "PGHOST", "PGHOSTADDR"):
        env.pop(name, None)
    commands = [part for statement in statements for part in ("-c", statement)]
    run = subprocess.run(
        ["psql", conninfo, "-XAtq", "-w", "-v", "ON_ERROR_STOP=1", *commands],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    return run.returncode == 0, (run.stdout.strip() if run.returncode == 0 else run.stderr.strip())
