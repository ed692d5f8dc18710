"""Naming rules of PostgreSQL, CloudNativePG and Kubernetes, and the map between them.

A database entry's name is a PostgreSQL identifier (it names the role and the
database). CloudNativePG quotes every identifier it writes into SQL, so any name
PostgreSQL takes quoted works: `book-club`, `BookClub`. The objects made for it need
Kubernetes names, which allow only lower-case letters, digits and '-'. Each rule
returns the problem as text, or None, so the config model can phrase the error with
the field and value; object_name_problems applies Kubernetes' rules to an object of
the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..krm import Item, Result, error, quoted

MAX_IDENTIFIER_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1
RESERVED_ROLES = ("postgres", "streaming_replica")  # CloudNativePG's own
RESERVED_ROLE_PREFIXES = ("pg_", "cnpg_")  # PostgreSQL's, CloudNativePG's
RESERVED_BY_POSTGRES = ("public", "none")  # CREATE ROLE refuses them, quoted or not
CURRENT_ROLE_WORDS = ("current_user", "session_user", "current_role")
RESERVED_DATABASES = ("postgres", "template0", "template1")

# The rules a JSON Schema can state too: anchored patterns both engines read alike.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"
IDENTIFIER = r"^[^\x00-\x1f\x7f]*[A-Za-z0-9][^\x00-\x1f\x7f]*$"
DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS1123_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
GO_DURATION = r"^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h))+)$"
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|μs|ms|s|m|h)")
_NANOSECONDS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9}
_NANOSECONDS |= {"m": 60 * 10**9, "h": 3600 * 10**9}
MAX_GO_DURATION = 2**63 - 1  # nanoseconds in Go's time.Duration
# Flux's post-build substitution fills `${var}` (or `${var:=default}`) into manifests
# after they are rendered: a Cluster named `${APP}-postgres` is a name with a part to
# come. Such a placeholder stands for letters and digits in the names read from the
# input and in the Cluster reference that must match them.
PLACEHOLDER = r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=][-a-z0-9]*)?\}"
_END = rf"(?:[a-z0-9]|{PLACEHOLDER})"
_PART = rf"{_END}(?:(?:[-a-z0-9]|{PLACEHOLDER})*{_END})?"
SUBSTITUTED_LABEL = rf"^{_PART}$"
SUBSTITUTED_SUBDOMAIN = rf"^{_PART}(?:\.{_PART})*$"
RFC3339 = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

_CONTROL_CHARACTERS = re.compile(CONTROL_CHARACTERS)
_NOT_IN_KUBERNETES_NAMES = re.compile(r"[^a-z0-9]")
_DNS1123_LABEL = re.compile(DNS1123_LABEL)
_DNS1123_SUBDOMAIN = re.compile(DNS1123_SUBDOMAIN)
_GO_DURATION = re.compile(GO_DURATION)
_LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")
_RFC3339 = re.compile(RFC3339)
_PLACEHOLDER = re.compile(PLACEHOLDER)


def identifier_problem(name: str) -> str | None:
    """Why name cannot be a role and database name, or None."""
    if not name:
        return "must not be empty"
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        return (
            f"must be at most {MAX_IDENTIFIER_BYTES} bytes long (PostgreSQL truncates longer names)"
        )
    if _CONTROL_CHARACTERS.search(name):
        return (
            "must not hold control characters such as a tab or a line break (PostgreSQL "
            "refuses a NUL, and a pgpass line cannot hold a line break)"
        )
    if name in RESERVED_BY_POSTGRES:
        return "must not be public or none, which PostgreSQL reserves; choose another name"
    if name in CURRENT_ROLE_WORDS:
        return (
            "must not be current_user, session_user or current_role, which SQL reads as the "
            "role running it (GRANT ... TO current_user); choose another name"
        )
    if name in RESERVED_ROLES or name.startswith(RESERVED_ROLE_PREFIXES):
        return (
            "must not be a role reserved by PostgreSQL or CloudNativePG "
            "(postgres, streaming_replica, pg_*, cnpg_*); choose another name"
        )
    if name in RESERVED_DATABASES:
        return "must not be a reserved database (postgres, template0, template1)"
    if not kubernetes_name(name):
        return (
            "must contain at least one letter a-z (of either case) or digit 0-9, so that it "
            "maps to a Kubernetes name"
        )
    return None


def kubernetes_name(name: str) -> str:
    """The Kubernetes object name for a PostgreSQL name: lower case, every other
    character a '-', none at either end: home_assistant and Home_Assistant ->
    home-assistant."""
    return _NOT_IN_KUBERNETES_NAMES.sub("-", name.lower()).strip("-")


def dns1123_label_problem(value: str) -> str | None:
    if len(value) > 63 or not _DNS1123_LABEL.fullmatch(value):
        return (
            "must be a DNS-1123 label (at most 63 lower-case letters, digits and '-', "
            "starting and ending with a letter or digit)"
        )
    return None


def dns1123_subdomain_problem(value: str) -> str | None:
    if len(value) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(value):
        return (
            "must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', "
            "starting and ending with a letter or digit)"
        )
    return None


def substituted_label_problem(value: str) -> str | None:
    """A DNS-1123 label, or one once Flux fills in its placeholders."""
    return dns1123_label_problem(_PLACEHOLDER.sub("x", value)) and dns1123_label_problem(value)


def substituted_subdomain_problem(value: str) -> str | None:
    """A DNS-1123 subdomain, or one once Flux fills in its placeholders."""
    substituted = _PLACEHOLDER.sub("x", value)
    return dns1123_subdomain_problem(substituted) and dns1123_subdomain_problem(value)


def placeholders_kept(escape: Callable[[str], str], text: str) -> str:
    """text escaped but for Flux's placeholders, which Flux must still find."""
    parts = _PLACEHOLDER.split(text)
    placeholders = [*_PLACEHOLDER.findall(text), ""]
    return "".join(escape(part) + kept for part, kept in zip(parts, placeholders, strict=True))


def duration_problem(value: str) -> str | None:
    """A duration Go's time.ParseDuration reads (ESO's refreshInterval is one)."""
    if not _GO_DURATION.fullmatch(value):
        return 'must be a Go duration such as "1h", "30m" or "1h30m0s" ("0" fetches once)'
    from decimal import Decimal  # only a duration pays for it

    total = sum(
        Decimal(number) * _NANOSECONDS[unit] for number, unit in _DURATION_PART.findall(value)
    )
    if total > MAX_GO_DURATION:
        return "must be at most 2562047h47m16.854775807s, the longest duration Go holds"
    return None


def timestamp_problem(value: str) -> str | None:
    """An RFC 3339 timestamp of a real date and time."""
    if not _RFC3339.fullmatch(value):
        return 'must be an RFC 3339 timestamp such as "2026-12-31T23:59:59Z"'
    import datetime  # only a validUntil pays for it

    try:
        datetime.datetime.fromisoformat(value.upper())
    except ValueError:
        return "must be a real date and time in RFC 3339 form"
    return None


def metadata_key_problem(key: str) -> str | None:
    """Kubernetes' rule for label and annotation keys: [prefix/]name."""
    prefix, _, name = key.rpartition("/")
    if prefix and dns1123_subdomain_problem(prefix):
        return "must have a DNS-1123 subdomain as its prefix (before the /)"
    if len(name) > 63 or not _LABEL_NAME.fullmatch(name):
        return (
            "must be a name of at most 63 letters, digits, '-', '_' and '.', starting and "
            "ending with a letter or digit, optionally after a prefix and a /"
        )
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) > 63 or not _LABEL_VALUE.fullmatch(value):
        return (
            "must be at most 63 letters, digits, '-', '_' and '.', starting and ending with a "
            "letter or digit (or empty)"
        )
    return None


def object_name_problems(obj: Item) -> list[Result]:
    """An input object's name and namespace, where Kubernetes' rules for them must hold:
    they go into hosts, URIs and pgpass lines, and an input not yet applied (or written
    to break them) may hold anything."""
    checks = [("metadata.name", obj.name, substituted_subdomain_problem)]
    if obj.namespace:
        checks.append(("metadata.namespace", obj.namespace, substituted_label_problem))
    return [
        error(
            f"{field} {quoted(value)} of {obj.describe()} {problem}; fix the {obj.kind}'s file",
            obj,
            field_path=field,
            current_value=value,
        )
        for field, value, rule in checks
        if (problem := rule(value))
    ]
