"""The DatabaseSet: the function's config, its types and its rules.

Entries keep the field names of the TypeScript `DATABASES` array they replace, so an
old entry pastes in as YAML. Every problem is reported at once, each naming its
field and the value found, so a user fixes a file in one pass. The types are records
(see records.py): read strictly, and cheap to set up on every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from . import names
from .krm import Item, YamlError, quoted
from .records import Check, Invalid, Problem, Record, field, read, replace, written

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

# Field checks: the problem with a value of the right type, or None --------------------------


def _connection_limit(value: int) -> str | None:
    if not -1 <= value <= MAX_POSTGRES_INTEGER:
        return f"must be -1 (no limit) or a number of connections from 0 to {MAX_POSTGRES_INTEGER}"
    return None


def _not_empty(value: str) -> str | None:
    return "must not be empty" if not value else None


def _not_blank(meaning: str) -> Check:
    def check(value: str) -> str | None:
        if not value.strip() or value != value.strip():
            return f"must be {meaning}, not empty, without spaces around it"
        return None

    return check


def _password_length(value: int) -> str | None:
    if not MIN_PASSWORD_LENGTH <= value <= MAX_PASSWORD_LENGTH:
        return f"must be from {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
    return None


def _count(value: int) -> str | None:
    return "must be 0 or more" if value < 0 else None


def _rfc3339(value: str) -> str | None:
    problem = names.rfc3339_problem(value)
    if problem:
        return problem
    import datetime  # only a validUntil pays for it

    try:
        datetime.datetime.fromisoformat(value.upper())
    except ValueError:
        return "must be a real date and time in RFC 3339 form"
    return None


def _metadata_keys(values: dict[str, str], what: str) -> str | None:
    for key in values:
        problem = names.metadata_key_problem(key)
        if problem:
            return f"has the {what} key {quoted(key)}, which {problem}"
        if key.startswith(RESERVED_KEY_PREFIXES):
            return (
                f"has the {what} key {quoted(key)}, which is set by dbset-fn, kpt or kustomize; "
                "remove it"
            )
    return None


def _annotations(values: dict[str, str]) -> str | None:
    return _metadata_keys(values, "annotation")


def _labels(values: dict[str, str]) -> str | None:
    problem = _metadata_keys(values, "label")
    if problem:
        return problem
    for key, value in values.items():
        problem = names.label_value_problem(value)
        if problem:
            return f"has the label {quoted(key)} with value {quoted(value)}, which {problem}"
    return None


def _secret_labels(values: dict[str, str]) -> str | None:
    if RELOAD_LABEL in values:
        return (
            f'must not set "{RELOAD_LABEL}": the function sets it to "true" so that '
            "CloudNativePG applies a changed password at once; remove it"
        )
    return _labels(values)


def _set_name(value: str) -> str | None:
    return "must not be empty: it marks what this DatabaseSet owns" if not value else None


# The DatabaseSet ----------------------------------------------------------------------------


class ClusterRef(Record):
    name: str | None = None
    namespace: str | None = None


class SecretStoreRef(Record):
    kind: Literal["ClusterSecretStore", "SecretStore"] = "ClusterSecretStore"
    name: str = field("bitwarden", check=names.dns1123_subdomain_problem)


class PasswordRef(Record):
    """A password in any ESO store: ESO's remoteRef, plus the store to read it from."""

    key: str = field(check=_not_blank("the key of the password in the store"))
    property: str | None = None
    version: str | None = None
    secretStore: SecretStoreRef | None = None


class GeneratedPassword(Record):
    """ESO's Password generator settings; the defaults give 32 characters that any URI,
    JDBC URL or pgpass line carries unescaped."""

    length: int = field(32, check=_password_length)
    digits: int = field(8, check=_count)
    symbols: int = field(4, check=_count)
    symbolCharacters: str = URI_SAFE_SYMBOLS


class PasswordSource(Record):
    generate: GeneratedPassword


class Connection(Record):
    """How apps reach the Cluster: the names their connection Secrets carry."""

    pooler: str | None = field(None, check=names.dns1123_subdomain_problem)
    usePooler: bool = True
    clusterDomain: str = field("cluster.local", check=names.dns1123_subdomain_problem)


class Extension(Record):
    name: str = field(check=_not_empty)
    version: str | None = None
    schema_: str | None = field(None, alias="schema")
    ensure: Literal["present", "absent"] | None = None


class Schema(Record):
    name: str = field(check=_not_empty)
    owner: str | None = None
    ensure: Literal["present", "absent"] | None = None


class DatabaseOptions(Record):
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
    connectionLimit: int | None = field(None, check=_connection_limit)
    isTemplate: bool | None = None
    allowConnections: bool | None = None
    extensions: list[Extension] | None = None
    schemas: list[Schema] | None = None

    def over(self, defaults: DatabaseOptions) -> dict[str, Any]:
        """These options over the defaults, field by field; a list replaces a list, and
        null drops a default."""
        merged = written(defaults) | written(self)
        return {name: value for name, value in merged.items() if value is not None}


class RoleConfig(Record):
    """CloudNativePG's RoleConfiguration, less the fields the function owns.

    Field names are camelCase, as in the CRD and the seed, so YAML pastes in as is.
    """

    explained_fields: ClassVar[dict[str, str]] = {
        "name": "the role is named after the entry: set the entry's name",
        "passwordSecret": "the function points it at the ExternalSecret's Secret: set "
        "bitwardenPasswordId, passwordRef or password.generate instead",
    }

    ensure: Literal["present", "absent"] | None = None
    login: bool | None = None
    comment: str | None = None
    superuser: bool | None = None
    createdb: bool | None = None
    createrole: bool | None = None
    inherit: bool | None = None
    replication: bool | None = None
    bypassrls: bool | None = None
    connectionLimit: int | None = field(None, check=_connection_limit)
    validUntil: str | None = field(None, check=_rfc3339)
    inRoles: list[str] | None = None
    disablePassword: bool | None = None


class DatabaseEntry(Record):
    name: str = field(check=names.identifier_problem)
    ensure: Literal["present", "absent"] = "present"
    comment: str | None = None
    bitwardenPasswordId: str | None = field(None, check=_not_blank("the Bitwarden item id"))
    passwordRef: PasswordRef | None = None
    password: PasswordSource | None = None
    appNamespace: str | None = field(None, check=names.dns1123_label_problem)
    secretName: str | None = field(None, check=names.dns1123_subdomain_problem)
    roleConfig: RoleConfig = RoleConfig()
    database: DatabaseOptions = DatabaseOptions()

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
        return [name for name, value in set_fields.items() if value is not None]

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
            return replace(self.passwordRef, secretStore=default_store)
        return self.passwordRef


class Spec(Record):
    cluster: ClusterRef = ClusterRef()
    roleOutput: Literal["managedRoles", "databaseRole"] = "managedRoles"
    databaseRoleReclaimPolicy: Literal["retain", "delete"] = "retain"
    secretStore: SecretStoreRef = SecretStoreRef()
    clusterNamespaceStore: SecretStoreRef = SecretStoreRef(name="kubernetes")
    refreshInterval: str = field("1h", check=names.duration_problem)
    connection: Connection = Connection()
    commonLabels: dict[str, str] = field({}, check=_labels)
    commonAnnotations: dict[str, str] = field({}, check=_annotations)
    secretLabels: dict[str, str] = field({}, check=_secret_labels)
    secretAnnotations: dict[str, str] = field({}, check=_annotations)
    databaseDefaults: DatabaseOptions = DatabaseOptions()
    databases: list[DatabaseEntry]


class Metadata(Record):
    name: str = field(check=_set_name)
    namespace: str | None = None
    labels: dict[str, str] = {}  # noqa: RUF012 - copied for each record
    annotations: dict[str, str] = {}  # noqa: RUF012


class DatabaseSet(Record):
    apiVersion: Literal["dbset.krm.dev/v1alpha1"]
    kind: Literal["DatabaseSet"]
    metadata: Metadata
    spec: Spec


class InvalidConfig(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def load_database_set(function_config: Item | None) -> DatabaseSet:
    """The validated DatabaseSet, or InvalidConfig listing every problem in it."""
    if function_config is None:
        raise InvalidConfig([Problem("", _missing_config_message())])
    try:
        values = function_config.read()
    except YamlError as problem:
        raise InvalidConfig([Problem("", f"the DatabaseSet is not valid: {problem}")]) from None
    found = (values.get("apiVersion"), values.get("kind"))
    if found != (API_VERSION, KIND):
        raise InvalidConfig([Problem("", _wrong_kind_message(*found))])
    try:
        database_set = read(DatabaseSet, values)
    except Invalid as invalid:
        raise InvalidConfig(invalid.problems) from None
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


def _wrong_kind_message(api_version: object, kind: object) -> str:
    return (
        f"functionConfig must be a {KIND} ({API_VERSION}), got kind {quoted(kind)} "
        f"with apiVersion {quoted(api_version)}; expect `{KIND}.v1alpha1.dbset.krm.dev`"
    )


def _spec_problems(spec: Spec) -> Iterator[Problem]:
    if spec.connection.pooler is not None and not spec.connection.usePooler:
        yield Problem(
            "spec.connection.pooler",
            f"spec.connection.pooler {quoted(spec.connection.pooler)} must not be set when "
            "spec.connection.usePooler is false; remove one of the two",
            spec.connection.pooler,
        )
    yield from _entry_problems(spec.databases)
    for position, entry in enumerate(spec.databases):
        yield from _database_option_problems(entry, position, spec.databaseDefaults)


def _entry_problems(entries: list[DatabaseEntry]) -> Iterator[Problem]:
    """Rules that span fields or entries; the records check one field at a time."""
    first_with_name: dict[str, int] = {}
    first_with_kubernetes_name: dict[str, int] = {}
    first_with_secret_name: dict[str, int] = {}
    for position, entry in enumerate(entries):
        where = f"spec.databases[{position}]"
        other = first_with_secret_name.setdefault(entry.secret_name, position)
        if other != position and entry.kubernetes_name != entries[other].kubernetes_name:
            yield Problem(
                f"{where}.secretName",
                f'{where} must have its own Secret, but its Secret "{entry.secret_name}" is '
                f"also the Secret of spec.databases[{other}]; set another secretName",
                entry.secret_name,
            )
        if entry.name in first_with_name:
            other = first_with_name[entry.name]
            yield Problem(
                f"{where}.name",
                f'{where}.name "{entry.name}" must be unique, but spec.databases[{other}] '
                "has the same name; remove or rename one of them",
                entry.name,
            )
        elif entry.kubernetes_name in first_with_kubernetes_name:
            other = first_with_kubernetes_name[entry.kubernetes_name]
            yield Problem(
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
            yield Problem(
                f"{where}.roleConfig.ensure",
                f'{where}.roleConfig.ensure "absent" must not drop the role alone, as its '
                "database depends on it; set the entry's ensure: absent, which drops both",
                "absent",
            )
        if role.disablePassword and entry.has_password:
            yield Problem(
                f"{where}.roleConfig.disablePassword",
                f"{where}.roleConfig.disablePassword must not be true when "
                f"{entry.password_sources[0]} sets a password; remove one of the two",
                True,
            )
        if role.comment is not None and entry.comment is not None:
            yield Problem(
                f"{where}.roleConfig.comment",
                f"{where}.roleConfig.comment must not be set together with {where}.comment; "
                "keep only comment",
                role.comment,
            )


_PROVIDER_OF = {"builtinLocale": "builtin", "icuLocale": "icu", "icuRules": "icu"}


def _database_option_problems(
    entry: DatabaseEntry, position: int, defaults: DatabaseOptions
) -> Iterator[Problem]:
    """CloudNativePG's rules for a Database, on the entry's options over the defaults."""
    own = written(entry.database)
    options = entry.database.over(defaults)

    def where(option: str) -> str:
        block = f"spec.databases[{position}].database" if option in own else "spec.databaseDefaults"
        return f"{block}.{option}"

    provider = options.get("localeProvider")
    for option, needed in _PROVIDER_OF.items():
        if option in options and provider != needed:
            found = f'is "{provider}"' if provider else "is not set"
            fix = f"set localeProvider: {needed}"
            if option not in own:
                fix += f", or {option}: null in spec.databases[{position}].database"
            yield Problem(
                where(option),
                f'{where(option)} "{options[option]}" needs localeProvider "{needed}", but '
                f"the localeProvider of spec.databases[{position}] {found}; {fix}",
                options[option],
            )
    for option in ("extensions", "schemas"):
        seen: set[str] = set()
        for item in options.get(option, []):
            if item["name"] in seen:
                yield Problem(
                    where(option),
                    f'{where(option)} must name each of its {option} once, but "{item["name"]}" '
                    "appears more than once; merge them",
                    item["name"],
                )
            seen.add(item["name"])


def _password_problems(entry: DatabaseEntry, where: str) -> Iterator[Problem]:
    sources = entry.password_sources
    if len(sources) > 1:
        yield Problem(
            f"{where}.{sources[1]}",
            f"{where} must set at most one password source (bitwardenPasswordId, passwordRef "
            f"or password.generate), but sets {' and '.join(sources)}; keep one",
            None,
        )
    if entry.password is None:
        return
    generate = entry.password.generate
    generated = f"{where}.password.generate"
    if generate.digits + generate.symbols > generate.length:
        yield Problem(
            f"{generated}.length",
            f"{generated}.length {generate.length} must hold the {generate.digits} digits and "
            f"{generate.symbols} symbols asked for; raise length or lower them",
            generate.length,
        )
    if generate.symbols and not generate.symbolCharacters:
        yield Problem(
            f"{generated}.symbolCharacters",
            f'{generated}.symbolCharacters "" must hold the characters for {generate.symbols} '
            f'symbols; set them (for example "{URI_SAFE_SYMBOLS}") or set symbols to 0',
            "",
        )
