"""The DatabaseSet: the function's config, its types and its rules.

Entries keep the field names of the TypeScript `DATABASES` array they replace, so an
old entry pastes in as YAML. Every problem is reported at once, each naming its
field and the value found, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime
import difflib
import json
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import names
from .krm import KubeObject, YamlError

API_VERSION = "dbset.krm.dev/v1alpha1"
KIND = "DatabaseSet"
MAX_POSTGRES_INTEGER = 2**31 - 1  # CONNECTION LIMIT is a PostgreSQL integer
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 12, 256
# Annotations that say who owns an object or where it lives: the function and the
# orchestrators set them, a user's commonAnnotations must not.
RESERVED_KEY_PREFIXES = (
    "dbset.krm.dev/",
    "config.kubernetes.io/",
    "internal.config.kubernetes.io/",
)
RELOAD_LABEL = "cnpg.io/reload"
URI_SAFE_SYMBOLS = "-._~"  # RFC 3986 unreserved: never escaped in a URI or a pgpass line


class _Model(BaseModel):
    """Strict: YAML 1.2 gives real types, so "50" for an integer is the user's mistake."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _checked(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


def _connection_limit(value: int | None) -> int | None:
    if value is not None and not -1 <= value <= MAX_POSTGRES_INTEGER:
        raise ValueError(
            f"must be -1 (no limit) or a number of connections from 0 to {MAX_POSTGRES_INTEGER}"
        )
    return value


def _not_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _metadata_keys(values: dict[str, str], what: str) -> dict[str, str]:
    for key in values:
        problem = names.metadata_key_problem(key)
        if problem:
            raise ValueError(f'has the {what} key "{key}", which {problem}')
        if key.startswith(RESERVED_KEY_PREFIXES):
            raise ValueError(
                f'has the {what} key "{key}", which is set by dbset-fn, kpt or kustomize; remove it'
            )
    return values


def _labels(values: dict[str, str]) -> dict[str, str]:
    _metadata_keys(values, "label")
    for key, value in values.items():
        problem = names.label_value_problem(value)
        if problem:
            raise ValueError(f'has the label "{key}" with value "{value}", which {problem}')
    return values


class ClusterRef(_Model):
    name: str | None = None
    namespace: str | None = None


class SecretStoreRef(_Model):
    kind: Literal["ClusterSecretStore", "SecretStore"] = "ClusterSecretStore"
    name: str = "bitwarden"

    @field_validator("name")
    @classmethod
    def _name_is_dns_subdomain(cls, value: str) -> str:
        _checked(names.dns1123_subdomain_problem(value))
        return value


class PasswordRef(_Model):
    """A password in any ESO store: ESO's remoteRef, plus the store to read it from."""

    key: str
    property: str | None = None
    version: str | None = None
    secretStore: SecretStoreRef | None = None

    @field_validator("key")
    @classmethod
    def _key_is_not_blank(cls, value: str) -> str:
        _checked(_blank_problem(value, "the key of the password in the store"))
        return value


class GeneratedPassword(_Model):
    """ESO's Password generator settings; the defaults give 32 characters that any URI,
    JDBC URL or pgpass line carries unescaped."""

    length: int = 32
    digits: int = 8
    symbols: int = 4
    symbolCharacters: str = URI_SAFE_SYMBOLS

    @field_validator("length")
    @classmethod
    def _length_is_strong(cls, value: int) -> int:
        if not MIN_PASSWORD_LENGTH <= value <= MAX_PASSWORD_LENGTH:
            raise ValueError(
                f"must be from {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
            )
        return value

    @field_validator("digits", "symbols")
    @classmethod
    def _count_is_not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value


class PasswordSource(_Model):
    generate: GeneratedPassword


class Connection(_Model):
    """How apps reach the Cluster: the names their connection Secrets carry."""

    pooler: str | None = None
    usePooler: bool = True
    clusterDomain: str = "cluster.local"

    @field_validator("pooler", "clusterDomain")
    @classmethod
    def _is_dns_subdomain(cls, value: str | None) -> str | None:
        if value is not None:
            _checked(names.dns1123_subdomain_problem(value))
        return value


class Extension(_Model):
    name: str
    version: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    ensure: Literal["present", "absent"] | None = None

    _name_not_empty = field_validator("name")(_not_empty)


class Schema(_Model):
    name: str
    owner: str | None = None
    ensure: Literal["present", "absent"] | None = None

    _name_not_empty = field_validator("name")(_not_empty)


class DatabaseOptions(_Model):
    """CloudNativePG's Database spec, less what the function sets (name, owner, cluster,
    ensure). Field order is the order they are written in."""

    databaseReclaimPolicy: Literal["delete", "retain"] | None = None
    template: str | None = None
    encoding: str | None = None
    locale: str | None = None
    localeCollate: str | None = None
    localeCType: str | None = None
    localeProvider: Literal["libc", "icu", "builtin"] | None = None
    collationVersion: str | None = None
    builtinLocale: str | None = None
    icuLocale: str | None = None
    icuRules: str | None = None
    tablespace: str | None = None
    connectionLimit: int | None = None
    isTemplate: bool | None = None
    allowConnections: bool | None = None
    extensions: list[Extension] | None = None
    schemas: list[Schema] | None = None

    _limit = field_validator("connectionLimit")(_connection_limit)

    def written(self) -> dict[str, Any]:
        """The fields the user wrote, by their YAML names; None where they wrote null."""
        values = self.model_dump(by_alias=True, exclude_none=True)
        fields = type(self).model_fields
        aliases = (fields[name].alias or name for name in self.model_fields_set)
        return {alias: values.get(alias) for alias in aliases}

    def over(self, defaults: DatabaseOptions) -> dict[str, Any]:
        """These options over the defaults, field by field; a list replaces a list, and
        null drops a default."""
        merged = defaults.written() | self.written()
        return {field: value for field, value in merged.items() if value is not None}


class RoleConfig(_Model):
    """CloudNativePG's RoleConfiguration, less the fields the function owns.

    Field names are camelCase, as in the CRD and the seed, so YAML pastes in as is.
    """

    ensure: Literal["present", "absent"] | None = None
    login: bool | None = None
    comment: str | None = None
    superuser: bool | None = None
    createdb: bool | None = None
    createrole: bool | None = None
    inherit: bool | None = None
    replication: bool | None = None
    bypassrls: bool | None = None
    connectionLimit: int | None = None
    validUntil: str | None = None
    inRoles: list[str] | None = None
    disablePassword: bool | None = None

    _limit = field_validator("connectionLimit")(_connection_limit)

    @field_validator("validUntil")
    @classmethod
    def _valid_until_is_rfc3339(cls, value: str | None) -> str | None:
        if value is not None:
            _checked(names.rfc3339_problem(value))
            try:
                datetime.datetime.fromisoformat(value.upper())
            except ValueError:
                raise ValueError("must be a real date and time in RFC 3339 form") from None
        return value


class DatabaseEntry(_Model):
    name: str
    ensure: Literal["present", "absent"] = "present"
    comment: str | None = None
    bitwardenPasswordId: str | None = None
    passwordRef: PasswordRef | None = None
    password: PasswordSource | None = None
    appNamespace: str | None = None
    secretName: str | None = None
    roleConfig: RoleConfig = RoleConfig()
    database: DatabaseOptions = DatabaseOptions()

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, value: str) -> str:
        _checked(names.identifier_problem(value))
        return value

    @field_validator("appNamespace")
    @classmethod
    def _namespace_is_label(cls, value: str | None) -> str | None:
        if value is not None:
            _checked(names.dns1123_label_problem(value))
        return value

    @field_validator("secretName")
    @classmethod
    def _secret_name_is_subdomain(cls, value: str | None) -> str | None:
        if value is not None:
            _checked(names.dns1123_subdomain_problem(value))
        return value

    @field_validator("bitwardenPasswordId")
    @classmethod
    def _id_is_not_blank(cls, value: str | None) -> str | None:
        if value is not None:
            _checked(_blank_problem(value, "the Bitwarden item id"))
        return value

    @property
    def kubernetes_name(self) -> str:
        return names.kubernetes_name(self.name)

    @property
    def secret_name(self) -> str:
        """The Secret with the role's password and the app's connection keys."""
        return self.secretName or f"{self.kubernetes_name}-db-credentials"

    @property
    def present(self) -> bool:
        return self.ensure == "present"

    @property
    def password_sources(self) -> list[str]:
        """The password fields set; more than one is an error, none means trust."""
        set_fields = {
            "bitwardenPasswordId": self.bitwardenPasswordId,
            "passwordRef": self.passwordRef,
            "password.generate": self.password,
        }
        return [field for field, value in set_fields.items() if value is not None]

    @property
    def has_password(self) -> bool:
        return bool(self.password_sources)

    def password_ref(self, default_store: SecretStoreRef) -> PasswordRef | None:
        """Where ESO reads the password; None for a generated password or trust.

        bitwardenPasswordId is the short form of a passwordRef to the set's store.
        """
        if self.bitwardenPasswordId is not None:
            return PasswordRef(key=self.bitwardenPasswordId, secretStore=default_store)
        if self.passwordRef is not None and self.passwordRef.secretStore is None:
            return self.passwordRef.model_copy(update={"secretStore": default_store})
        return self.passwordRef


class Spec(_Model):
    cluster: ClusterRef = ClusterRef()
    roleOutput: Literal["managedRoles", "databaseRole"] = "managedRoles"
    databaseRoleReclaimPolicy: Literal["retain", "delete"] = "retain"
    secretStore: SecretStoreRef = SecretStoreRef()
    clusterNamespaceStore: SecretStoreRef = SecretStoreRef(name="kubernetes")
    refreshInterval: str = "1h"
    connection: Connection = Connection()
    commonLabels: dict[str, str] = {}
    commonAnnotations: dict[str, str] = {}
    secretLabels: dict[str, str] = {}
    secretAnnotations: dict[str, str] = {}
    databaseDefaults: DatabaseOptions = DatabaseOptions()
    databases: list[DatabaseEntry]

    _common_labels = field_validator("commonLabels")(_labels)

    @field_validator("commonAnnotations", "secretAnnotations")
    @classmethod
    def _annotation_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return _metadata_keys(value, "annotation")

    @field_validator("secretLabels")
    @classmethod
    def _secret_labels(cls, value: dict[str, str]) -> dict[str, str]:
        if RELOAD_LABEL in value:
            raise ValueError(
                f'must not set "{RELOAD_LABEL}": the function sets it to "true" so that '
                "CloudNativePG applies a changed password at once; remove it"
            )
        return _labels(value)

    @field_validator("refreshInterval")
    @classmethod
    def _interval_is_duration(cls, value: str) -> str:
        _checked(names.duration_problem(value))
        return value


class Metadata(_Model):
    name: str
    namespace: str | None = None
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}

    @field_validator("name")
    @classmethod
    def _name_not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be empty: it marks what this DatabaseSet owns")
        return value


class DatabaseSet(_Model):
    apiVersion: Literal["dbset.krm.dev/v1alpha1"]
    kind: Literal["DatabaseSet"]
    metadata: Metadata
    spec: Spec


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the DatabaseSet: the field, the value found, what must hold."""

    field: str
    message: str
    value: Any = None


class InvalidConfig(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def load_database_set(function_config: KubeObject | None) -> DatabaseSet:
    """The validated DatabaseSet, or InvalidConfig listing every problem in it."""
    if function_config is None:
        raise InvalidConfig([ConfigProblem("", _missing_config_message())])
    found = (function_config.api_version, function_config.kind)
    if found != (API_VERSION, KIND):
        raise InvalidConfig([ConfigProblem("", _wrong_kind_message(*found))])
    try:
        raw = function_config.get()
        database_set = DatabaseSet.model_validate(raw)
    except YamlError as problem:
        raise InvalidConfig(
            [ConfigProblem("", f"the DatabaseSet is not valid: {problem}")]
        ) from None
    except ValidationError as invalid:
        raise InvalidConfig([_problem_from(error) for error in invalid.errors()]) from None
    problems = list(_spec_problems(database_set.spec))
    if problems:
        raise InvalidConfig(problems)
    return database_set


def _missing_config_message() -> str:
    return (
        f"functionConfig must be a {KIND} ({API_VERSION}), but there is none: "
        "pass it with kpt's configPath, kustomize's transformers entry, "
        "or as the first argument of dbset-fn"
    )


def _wrong_kind_message(api_version: str, kind: str) -> str:
    return (
        f'functionConfig must be a {KIND} ({API_VERSION}), got kind "{kind}" '
        f'with apiVersion "{api_version}"; expect `{KIND}.v1alpha1.dbset.krm.dev`'
    )


def _blank_problem(value: str, meaning: str) -> str | None:
    if not value.strip() or value != value.strip():
        return f"must be {meaning}, not empty, without spaces around it"
    return None


def _spec_problems(spec: Spec) -> Iterator[ConfigProblem]:
    if spec.connection.pooler is not None and not spec.connection.usePooler:
        yield ConfigProblem(
            "spec.connection.pooler",
            f'spec.connection.pooler "{spec.connection.pooler}" must not be set when '
            "spec.connection.usePooler is false; remove one of the two",
            spec.connection.pooler,
        )
    yield from _entry_problems(spec.databases)
    for position, entry in enumerate(spec.databases):
        yield from _database_option_problems(entry, position, spec.databaseDefaults)


def _entry_problems(entries: list[DatabaseEntry]) -> Iterator[ConfigProblem]:
    """Rules that span fields or entries, which pydantic checks one field at a time."""
    first_with_name: dict[str, int] = {}
    first_with_kubernetes_name: dict[str, int] = {}
    first_with_secret_name: dict[str, int] = {}
    for position, entry in enumerate(entries):
        where = f"spec.databases[{position}]"
        other = first_with_secret_name.setdefault(entry.secret_name, position)
        if other != position and entry.kubernetes_name != entries[other].kubernetes_name:
            yield ConfigProblem(
                f"{where}.secretName",
                f'{where} must have its own Secret, but its Secret "{entry.secret_name}" is '
                f"also the Secret of spec.databases[{other}]; set another secretName",
                entry.secret_name,
            )
        if entry.name in first_with_name:
            other = first_with_name[entry.name]
            yield ConfigProblem(
                f"{where}.name",
                f'{where}.name "{entry.name}" must be unique, but spec.databases[{other}] '
                "has the same name; remove or rename one of them",
                entry.name,
            )
        elif entry.kubernetes_name in first_with_kubernetes_name:
            other = first_with_kubernetes_name[entry.kubernetes_name]
            yield ConfigProblem(
                f"{where}.name",
                f'{where}.name "{entry.name}" and spec.databases[{other}].name '
                f'"{entries[other].name}" must map to different Kubernetes names, but both map '
                f'to "{entry.kubernetes_name}"; rename one of them',
                entry.name,
            )
        first_with_name.setdefault(entry.name, position)
        first_with_kubernetes_name.setdefault(entry.kubernetes_name, position)
        yield from _password_problems(entry, where)
        role = entry.roleConfig
        if role.ensure == "absent":
            yield ConfigProblem(
                f"{where}.roleConfig.ensure",
                f'{where}.roleConfig.ensure "absent" must not drop the role alone, as its '
                "database depends on it; set the entry's ensure: absent, which drops both",
                "absent",
            )
        if role.disablePassword and entry.has_password:
            yield ConfigProblem(
                f"{where}.roleConfig.disablePassword",
                f"{where}.roleConfig.disablePassword must not be true when "
                f"{entry.password_sources[0]} sets a password; remove one of the two",
                True,
            )
        if role.comment is not None and entry.comment is not None:
            yield ConfigProblem(
                f"{where}.roleConfig.comment",
                f"{where}.roleConfig.comment must not be set together with {where}.comment; "
                "keep only comment",
                role.comment,
            )


_PROVIDER_OF = {"builtinLocale": "builtin", "icuLocale": "icu", "icuRules": "icu"}


def _database_option_problems(
    entry: DatabaseEntry, position: int, defaults: DatabaseOptions
) -> Iterator[ConfigProblem]:
    """CloudNativePG's rules for a Database, on the entry's options over the defaults."""
    own = entry.database.written()
    options = entry.database.over(defaults)

    def where(field: str) -> str:
        block = f"spec.databases[{position}].database" if field in own else "spec.databaseDefaults"
        return f"{block}.{field}"

    provider = options.get("localeProvider")
    for field, needed in _PROVIDER_OF.items():
        if field in options and provider != needed:
            found = f'is "{provider}"' if provider else "is not set"
            fix = f"set localeProvider: {needed}"
            if field not in own:
                fix += f", or {field}: null in spec.databases[{position}].database"
            yield ConfigProblem(
                where(field),
                f'{where(field)} "{options[field]}" needs localeProvider "{needed}", but '
                f"the localeProvider of spec.databases[{position}] {found}; {fix}",
                options[field],
            )
    for field in ("extensions", "schemas"):
        seen: set[str] = set()
        for item in options.get(field, []):
            if item["name"] in seen:
                yield ConfigProblem(
                    where(field),
                    f'{where(field)} must name each of its {field} once, but "{item["name"]}" '
                    "appears more than once; merge them",
                    item["name"],
                )
            seen.add(item["name"])


def _password_problems(entry: DatabaseEntry, where: str) -> Iterator[ConfigProblem]:
    sources = entry.password_sources
    if len(sources) > 1:
        yield ConfigProblem(
            f"{where}.{sources[1]}",
            f"{where} must set at most one password source (bitwardenPasswordId, passwordRef "
            f"or password.generate), but sets {' and '.join(sources)}; keep one",
            None,
        )
    if entry.password is None:
        return
    generate = entry.password.generate
    field = f"{where}.password.generate"
    if generate.digits + generate.symbols > generate.length:
        yield ConfigProblem(
            f"{field}.length",
            f"{field}.length {generate.length} must hold the {generate.digits} digits and "
            f"{generate.symbols} symbols asked for; raise length or lower them",
            generate.length,
        )
    if generate.symbols and not generate.symbolCharacters:
        yield ConfigProblem(
            f"{field}.symbolCharacters",
            f'{field}.symbolCharacters "" must hold the characters for {generate.symbols} '
            f'symbols; set them (for example "{URI_SAFE_SYMBOLS}") or set symbols to 0',
            "",
        )


_TYPE_WORDS = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "list_type": "a list",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _problem_from(error: Any) -> ConfigProblem:
    """A pydantic error in the catalog's words: what must hold, the value, what to do."""
    location = error["loc"]
    field = _field_path(location)
    value = error.get("input")
    kind = error["type"]
    if kind == "extra_forbidden":
        return ConfigProblem(field, _unknown_field_message(location), _abbreviated(value))
    if kind == "missing":
        return ConfigProblem(field, f"{field} is required", None)
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", '"')
        message = f"{field} must be {expected}, got {_shown(value)}"
    elif kind in _TYPE_WORDS:
        message = f"{field} must be {_TYPE_WORDS[kind]}, got {_shown(value)} ({_type_of(value)})"
    elif kind == "value_error":
        message = f"{field} {_shown(value)} {error['ctx']['error']}"
    else:
        message = f"{field} {_shown(value)}: {error['msg']}"
    return ConfigProblem(field, message, _abbreviated(value))


def _field_path(location: tuple[str | int, ...]) -> str:
    path = ""
    for step in location:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path


_OWNED_ROLE_FIELDS = {
    "name": "the role is named after the entry: set the entry's name",
    "passwordSecret": "the function points it at the ExternalSecret's Secret: set "
    "bitwardenPasswordId, passwordRef or password.generate instead",
}


def _unknown_field_message(location: tuple[str | int, ...]) -> str:
    name = str(location[-1])
    parent = _field_path(location[:-1]) or "the DatabaseSet"
    if location[-2:-1] == ("roleConfig",) and name in _OWNED_ROLE_FIELDS:
        return f'{parent} must not set "{name}": {_OWNED_ROLE_FIELDS[name]}'
    known = _known_fields(location[:-1])
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6) or [
        field for field in known if field.lower() == name.lower()
    ]
    hint = f'did you mean "{close[0]}"?' if close else f"known fields: {', '.join(known)}"
    return f'{parent} has an unknown field "{name}"; {hint}'


def _known_fields(location: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] = DatabaseSet
    for step in location:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            return []
        model = nested
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return _abbreviated(text)


MAX_SHOWN = 100


def _abbreviated(value: Any) -> Any:
    """A long string cut short, so that a message stays one readable line."""
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        return f"{value[:MAX_SHOWN]}… ({len(value)} characters)"
    return value


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
