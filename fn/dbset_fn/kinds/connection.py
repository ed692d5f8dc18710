"""The connection keys an app reads from its Secret, as CloudNativePG's app Secret has them.

CloudNativePG gives its bootstrap `<cluster>-app` Secret `username`, `user`,
`password`, `dbname`, `host`, `port`, `pgpass`, `uri`, `jdbc-uri`, `fqdn-uri` and
`fqdn-jdbc-uri`; apps written for it read the same keys here, with hosts that work
from any namespace, and the Pooler's address when there is one.

The password is only known to ESO, so the keys holding it are Go templates that ESO's
template engine (v2: Go's text/template with Sprig) renders, and every key of a
template is one: literal text in them is escaped for Go (`{{` starts an action).
Names, hosts and the password are escaped where they land: percent-encoded in URIs
(libpq and pgjdbc decode them), `\\` and `:` escaped in a pgpass line. So any name
PostgreSQL takes and any password work; hosts are Kubernetes names, checked where
they are read, and escaped all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote

from ..config.model import DatabaseEntry
from ..config.names import placeholders_kept

PORT = "5432"
PASSWORD_VALUE = "{{ .password }}"
# Go's urlquery writes a space as "+", which only a query string reads back as a space.
PASSWORD_IN_USERINFO = '{{ .password | urlquery | replace "+" "%20" }}'
PASSWORD_IN_QUERY = "{{ .password | urlquery }}"
# In a pgpass line, ":" separates fields and "\" escapes.
PASSWORD_IN_PGPASS = '{{ .password | replace "\\\\" "\\\\\\\\" | replace ":" "\\\\:" }}'


class PoolerService(NamedTuple):
    """The Service of a CloudNativePG Pooler in front of the Cluster: it has the Pooler's
    name."""

    name: str
    transaction_mode: bool


class Endpoint(NamedTuple):
    """Where the Cluster answers: its read-write Service, and optionally a Pooler."""

    cluster: str
    namespace: str  # where it runs: its own, or where a Cluster without one is applied
    domain: str
    pooler: PoolerService | None
    written_namespace: str  # its metadata.namespace as written, "" for none

    @property
    def host(self) -> str:
        return f"{self.cluster}-rw.{self.namespace}"

    @property
    def fqdn(self) -> str:
        return f"{self.host}.svc.{self.domain}"


def go_literal(text: str) -> str:
    """Template text that Go writes out as text: only `{{` starts an action, and
    `{{"{{"}}` is an action that writes `{{`."""
    return text.replace("{{", '{{"{{"}}')


def connection_keys(entry: DatabaseEntry, endpoint: Endpoint) -> dict[str, str]:
    """The app Secret's keys. With a password they are ESO template text; without one
    (trust) they are the values themselves, the keys that would hold a password are
    left out and the URIs name only the user. A role-only entry has no database: no
    dbname, no URIs, and a pgpass line for any database."""
    text: Callable[[str], str] = go_literal if entry.has_password else str
    name, user, host = entry.name, entry.app_role, endpoint.host
    keys = {"username": text(user), "user": text(user)}
    if entry.has_password:
        keys["password"] = PASSWORD_VALUE
    if not entry.roleOnly:
        keys["dbname"] = text(name)
    keys |= {"host": text(host), "port": PORT}
    if entry.session_role is not None:
        keys["options"] = text(role_option(entry.session_role))
    if entry.has_password:
        database = "*" if entry.roleOnly else _in_pgpass(name)
        pgpass_host = placeholders_kept(_in_pgpass, host)
        fields = f"{pgpass_host}:{PORT}:{database}:{_in_pgpass(user)}"
        keys["pgpass"] = f"{text(fields)}:{PASSWORD_IN_PGPASS}\n"
    if not entry.roleOnly:
        keys |= {
            "uri": _uri(entry, host, text),
            "jdbc-uri": _jdbc_uri(entry, host, text),
            "fqdn-uri": _uri(entry, endpoint.fqdn, text),
            "fqdn-jdbc-uri": _jdbc_uri(entry, endpoint.fqdn, text),
        }
    if endpoint.pooler is not None:
        keys |= _pooler_keys(entry, endpoint, endpoint.pooler, text)
    return keys


def _pooler_keys(
    entry: DatabaseEntry, endpoint: Endpoint, pooler: PoolerService, text: Callable[[str], str]
) -> dict[str, str]:
    host = f"{pooler.name}.{endpoint.namespace}"
    if entry.roleOnly:
        return {"pooler-host": text(host)}
    # PgBouncer in transaction mode cannot keep server-side prepared statements.
    extra = "&prepareThreshold=0" if pooler.transaction_mode else ""
    return {
        "pooler-host": text(host),
        "pooler-uri": _uri(entry, host, text),
        "pooler-jdbc-uri": _jdbc_uri(entry, host, text) + extra,
    }


def _in_pgpass(field: str) -> str:
    """`\\` and `:` escaped; a field that is only `*` would match anything unescaped."""
    return "\\*" if field == "*" else field.replace("\\", "\\\\").replace(":", "\\:")


def _in_url(name: str) -> str:
    """Percent-encoded, so that libpq and pgjdbc decode it to the name; a space is
    %20, which both read as a space ("+" would be one only in a query)."""
    return quote(name, safe="")


def _host_in_url(host: str) -> str:
    """Percent-encoded as a name is, but for Flux's placeholders (`${APP}-rw.db`):
    Flux fills them in before anything reads the URI."""
    return placeholders_kept(_in_url, host)


def _uri(entry: DatabaseEntry, host: str, text: Callable[[str], str]) -> str:
    user = text(_in_url(entry.app_role))
    userinfo = f"{user}:{PASSWORD_IN_USERINFO}" if entry.has_password else user
    database = text(_in_url(entry.name))
    uri = f"postgresql://{userinfo}@{text(_host_in_url(host))}:{PORT}/{database}"
    return uri + (f"?{_options_parameter(entry, text)}" if entry.session_role else "")


def _jdbc_uri(entry: DatabaseEntry, host: str, text: Callable[[str], str]) -> str:
    """CloudNativePG's form: the password, then the user, as query parameters; with
    rotation, the role option after them (pgjdbc's `options` property)."""
    password = f"password={PASSWORD_IN_QUERY}&" if entry.has_password else ""
    name, user = text(_in_url(entry.name)), text(_in_url(entry.app_role))
    url = f"jdbc:postgresql://{text(_host_in_url(host))}:{PORT}/{name}?{password}user={user}"
    return url + (f"&{_options_parameter(entry, text)}" if entry.session_role else "")


def role_option(role: str) -> str:
    """The startup option that makes a session act as role from its start (its
    current_user), so that what it creates is role's: PostgreSQL splits options at
    spaces and takes `\\` as an escape (pg_split_opts), and takes the role's name as it
    is, without folding case."""
    return "-c role=" + role.replace("\\", "\\\\").replace(" ", "\\ ")


def _options_parameter(entry: DatabaseEntry, text: Callable[[str], str]) -> str:
    """`options=…` for a URI's query, percent-encoded (libpq, pgjdbc, pgx and
    node-postgres decode it; tests/test_role_option.py)."""
    assert entry.session_role is not None
    return "options=" + text(_in_url(role_option(entry.session_role)))
