"""The connection keys an app reads from its Secret, as CloudNativePG's app Secret has them.

CloudNativePG gives its bootstrap `<cluster>-app` Secret `username`, `user`,
`password`, `dbname`, `host`, `port`, `pgpass`, `uri`, `jdbc-uri`, `fqdn-uri` and
`fqdn-jdbc-uri`; apps written for it read the same keys here, with hosts that work
from any namespace, and the Pooler's address when there is one.

The password is only known to ESO, so the keys holding it are Go templates that ESO's
template engine (v2: Go's text/template with Sprig) renders. Where it sits inside a
URI or a pgpass line it is escaped there, so any password works.
"""

from __future__ import annotations

from typing import NamedTuple

from ..model import DatabaseEntry

PORT = "5432"
PASSWORD_VALUE = "{{ .password }}"
# Go's urlquery writes a space as "+", which only a query string reads back as a space.
PASSWORD_IN_USERINFO = '{{ .password | urlquery | replace "+" "%20" }}'
PASSWORD_IN_QUERY = "{{ .password | urlquery }}"
# In a pgpass line, ":" separates fields and "\" escapes.
PASSWORD_IN_PGPASS = '{{ .password | replace "\\\\" "\\\\\\\\" | replace ":" "\\\\:" }}'


class Pooler(NamedTuple):
    """A CloudNativePG Pooler in front of the Cluster: its Service has the Pooler's name."""

    name: str
    transaction_mode: bool


class Endpoint(NamedTuple):
    """Where the Cluster answers: its read-write Service, and optionally a Pooler."""

    cluster: str
    namespace: str  # where it runs: its own, or where a Cluster without one is applied
    domain: str
    pooler: Pooler | None
    written_namespace: str  # its metadata.namespace as written, "" for none

    @property
    def host(self) -> str:
        return f"{self.cluster}-rw.{self.namespace}"

    @property
    def fqdn(self) -> str:
        return f"{self.host}.svc.{self.domain}"


def connection_keys(entry: DatabaseEntry, endpoint: Endpoint) -> dict[str, str]:
    """The app Secret's keys; without a password (trust), the keys that would hold one
    are left out and the URIs name only the user."""
    user = database = entry.name
    keys = {"username": user, "user": user}
    if entry.has_password:
        keys["password"] = PASSWORD_VALUE
    keys |= {"dbname": database, "host": endpoint.host, "port": PORT}
    if entry.has_password:
        keys["pgpass"] = f"{endpoint.host}:{PORT}:{database}:{user}:{PASSWORD_IN_PGPASS}\n"
    keys |= {
        "uri": _uri(entry, endpoint.host),
        "jdbc-uri": _jdbc_uri(entry, endpoint.host),
        "fqdn-uri": _uri(entry, endpoint.fqdn),
        "fqdn-jdbc-uri": _jdbc_uri(entry, endpoint.fqdn),
    }
    if endpoint.pooler is not None:
        pooler_host = f"{endpoint.pooler.name}.{endpoint.namespace}"
        # PgBouncer in transaction mode cannot keep server-side prepared statements.
        extra = "&prepareThreshold=0" if endpoint.pooler.transaction_mode else ""
        keys |= {
            "pooler-host": pooler_host,
            "pooler-uri": _uri(entry, pooler_host),
            "pooler-jdbc-uri": _jdbc_uri(entry, pooler_host) + extra,
        }
    return keys


def _uri(entry: DatabaseEntry, host: str) -> str:
    userinfo = f"{entry.name}:{PASSWORD_IN_USERINFO}" if entry.has_password else entry.name
    return f"postgresql://{userinfo}@{host}:{PORT}/{entry.name}"


def _jdbc_uri(entry: DatabaseEntry, host: str) -> str:
    """CloudNativePG's form: the password, then the user, as query parameters."""
    password = f"password={PASSWORD_IN_QUERY}&" if entry.has_password else ""
    return f"jdbc:postgresql://{host}:{PORT}/{entry.name}?{password}user={entry.name}"
