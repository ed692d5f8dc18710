"""Whether a Cluster's pg_hba lets an entry without a password log in.

An entry without a password source has no password: its app logs in by trust
authentication, over TCP from its pod. CloudNativePG writes pg_hba.conf as its fixed
rules, then the Cluster's `spec.postgresql.pg_hba` lines in order, then `host all all
all <scram-sha-256 or md5>` (cloudnative-pg v1.30, pkg/postgres/configuration.go,
hbaTemplateString), so such a login works only where a line of the Cluster's own
allows trust for the entry's database and role. The pod's address is not known when
the function runs: a line that could match an address is taken to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..config.model import DatabaseEntry

_TCP = ("host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc")


def first_match(pg_hba: Any, entry: DatabaseEntry) -> tuple[str, str] | None:
    """The first of the Cluster's lines that matches the entry's database and role over
    TCP (as far as the function can tell), and its method; None where none does."""
    for line, fields in _rules(pg_hba):
        if len(fields) < 5 or fields[0] not in _TCP:
            continue
        _, databases, users, _, method = fields[:5]
        if _names(databases, entry.name, entry) and _names(users, entry.name, entry):
            return line.split("#", 1)[0].strip(), method
    return None


def _rules(pg_hba: Any) -> Iterator[tuple[str, list[str]]]:
    """Each line and its fields; a value of another shape holds no rules."""
    for line in pg_hba if isinstance(pg_hba, list) else []:
        if isinstance(line, str):
            fields = re.findall(r'"[^"]*"|[^\s"]+', line.split("#", 1)[0])
            if fields:
                yield line, fields


def _names(field: str, name: str, entry: DatabaseEntry) -> bool:
    """Whether a database or user field (a comma-separated list) names the entry's: all,
    sameuser and samerole (its database is its role's name), +group for a role it is
    in, /regex, or the name, quoted or not."""
    for part in field.split(","):
        if part in ("all", "sameuser", "samerole"):
            return True
        if part.startswith("+") and part[1:] in (entry.roleConfig.inRoles or []):
            return True
        if part.startswith("/") and _matches(part[1:], name):
            return True
        if part.strip('"') == name:
            return True
    return False


def _matches(pattern: str, name: str) -> bool:
    """PostgreSQL's regular expressions, as far as Python's read them alike."""
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return False


def pg_hba_line(entry: DatabaseEntry) -> str:
    """A line to add, as narrow as the function can make it: pods' addresses are the
    user's to fill in."""
    quoted = f'"{entry.name}"' if re.search(r'[\s",#A-Z]', entry.name) else entry.name
    return f"host {quoted} {quoted} <your pods' addresses> trust"
