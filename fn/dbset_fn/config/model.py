"""The DatabaseSet as pydantic models: every field, its type, its rule and its words.

Entries keep the field names of the TypeScript `DATABASES` array they replace, so an
old entry pastes in as YAML. The models are strict (YAML 1.2 gives real types, so
"50" for a number or `yes` for a boolean is a mistake, not converted) and refuse
unknown fields. One source for everything a user reads about a field: the JSON Schema
(`dbset-fn schema`), `dbset-fn explain` and `--help` are all made from the
descriptions and examples here. A rule JSON Schema can state is given to it as well
(a pattern, a range), next to the check that phrases our message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..krm import ORCHESTRATOR_PREFIXES, quoted
from . import names

API_VERSION = "dbset.krm.dev/v1alpha1"
KIND = "DatabaseSet"
MAX_POSTGRES_INTEGER = 2**31 - 1  # CONNECTION LIMIT is a PostgreSQL integer
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 12, 256
OWNER_PREFIX = "dbset.krm.dev/"
# Annotations that say who owns an object or where it lives: the function and the
# orchestrators set them, a user's must not.
RESERVED_KEY_PREFIXES = (OWNER_PREFIX, *ORCHESTRATOR_PREFIXES)
RELOAD_LABEL = "cnpg.io/reload"
# Kubernetes allows 256 KiB of annotations per object; 4 KiB stay for our own, kpt's
# and ESO's (an object's path, its owner, ESO's data hash).
MAX_ANNOTATIONS_BYTES = 256 * 1024 - 4 * 1024
URI_SAFE_SYMBOLS = "-._~"  # RFC 3986 unreserved: never escaped in a URI or a pgpass line


class Model(BaseModel):
    """Strict, closed, read-only; the field order is the order fields are written in."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def yaml_names(model: type[BaseModel]) -> list[str]:
    """A model's fields as YAML names them, in order."""
    return [field.alias or name for name, field in model.model_fields.items()]


def written(model: BaseModel) -> dict[str, Any]:
    """The fields the YAML held, by their YAML names; None where it held null."""
    set_fields = model.model_fields_set
    values = model.model_dump(by_alias=True, exclude_none=True, include=set_fields)
    fields = type(model).model_fields
    return {
        (fields[name].alias or name): values.get(fields[name].alias or name) for name in set_fields
    }


def rule(problem: Callable[[Any], str | None]) -> AfterValidator:
    """A check that says what must hold, in our words (a ValueError pydantic carries)."""

    def check(value: Any) -> Any:
        message = problem(value)
        if message is not None:
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _in_range(low: int, high: int, message: str) -> Callable[[int], str | None]:
    return lambda value: None if low <= value <= high else message


def _not_blank(meaning: str) -> Callable[[str], str | None]:
    def problem(value: str) -> str | None:
        if not value.strip() or value != value.strip():
            return f"must be {meaning}, not empty, without spaces around it"
        return None

    return problem


def _not_empty(value: str) -> str | None:
    return "must not be empty" if not value else None


def _metadata_keys(what: str) -> Callable[[dict[str, str]], str | None]:
    def problem(values: dict[str, str]) -> str | None:
        size = sum(len(key.encode()) + len(value.encode()) for key, value in values.items())
        if what == "annotation" and size > MAX_ANNOTATIONS_BYTES:
            return (
                f"must leave room under Kubernetes' 256 KiB of annotations for those "
                f"dbset-fn, kpt and ESO add: at most {MAX_ANNOTATIONS_BYTES} bytes, but holds "
                f"{size}; move the large values elsewhere"
            )
        for key in values:
            wrong = names.metadata_key_problem(key)
            if wrong:
                return f"has the {what} key {quoted(key)}, which {wrong}"
            if key.startswith(RESERVED_KEY_PREFIXES):
                return (
                    f"has the {what} key {quoted(key)}, which is set by dbset-fn, kpt or "
                    "kustomize; remove it"
                )
        return None

    return problem


def _labels(values: dict[str, str]) -> str | None:
    problem = _metadata_keys("label")(values)
    if problem:
        return problem
    for key, value in values.items():
        wrong = names.label_value_problem(value)
        if wrong:
            return f"has the label {quoted(key)} with value {quoted(value)}, which {wrong}"
    return None


def _secret_labels(values: dict[str, str]) -> str | None:
    if RELOAD_LABEL in values:
        return (
            f'must not set "{RELOAD_LABEL}": the function sets it to "true" so that '
            "CloudNativePG applies a changed password at once; remove it"
        )
    return _labels(values)


# The kinds of value, with their rules and what JSON Schema can say of them ------------------


def schema(keywords: dict[str, Any]) -> Any:
    """What JSON Schema can say of a rule, for editors; the rule itself is checked by a
    `rule`, so that its message is ours."""
    return Field(json_schema_extra=keywords)


Subdomain = Annotated[
    str,
    schema({"pattern": names.DNS1123_SUBDOMAIN, "maxLength": 253}),
    rule(names.dns1123_subdomain_problem),
]
Label = Annotated[
    str,
    schema({"pattern": names.DNS1123_LABEL, "maxLength": 63}),
    rule(names.dns1123_label_problem),
]
# A Cluster's name and namespace as the input writes them, Flux's placeholders and all.
ClusterName = Annotated[
    str,
    schema({"pattern": names.SUBSTITUTED_SUBDOMAIN}),
    rule(names.substituted_subdomain_problem),
]
ClusterNamespace = Annotated[
    str, schema({"pattern": names.SUBSTITUTED_LABEL}), rule(names.substituted_label_problem)
]
Identifier = Annotated[
    str,
    schema(
        {
            "pattern": names.IDENTIFIER,
            "maxLength": names.MAX_IDENTIFIER_BYTES,
            "not": {
                "anyOf": [
                    {
                        "enum": sorted(
                            {
                                *names.RESERVED_ROLES,
                                *names.RESERVED_BY_POSTGRES,
                                *names.CURRENT_ROLE_WORDS,
                                *names.RESERVED_DATABASES,
                            }
                        )
                    },
                    {"pattern": "^(" + "|".join(names.RESERVED_ROLE_PREFIXES) + ")"},
                ]
            },
        }
    ),
    rule(names.identifier_problem),
]
Duration = Annotated[str, schema({"pattern": names.GO_DURATION}), rule(names.duration_problem)]
Timestamp = Annotated[str, schema({"pattern": names.RFC3339}), rule(names.timestamp_problem)]
ConnectionLimit = Annotated[
    int,
    schema({"minimum": -1, "maximum": MAX_POSTGRES_INTEGER}),
    rule(
        _in_range(
            -1,
            MAX_POSTGRES_INTEGER,
            f"must be -1 (no limit) or a number of connections from 0 to {MAX_POSTGRES_INTEGER}",
        )
    ),
]
Count = Annotated[
    int, schema({"minimum": 0}), rule(lambda value: "must be 0 or more" if value < 0 else None)
]
NotEmpty = Annotated[str, schema({"minLength": 1}), rule(_not_empty)]
Ensure = Literal["present", "absent"]
Labels = Annotated[dict[str, str], rule(_labels)]
Annotations = Annotated[dict[str, str], rule(_metadata_keys("annotation"))]


# The DatabaseSet ----------------------------------------------------------------------------


class ClusterRef(Model):
    """Which CloudNativePG Cluster in the input the set extends."""

    name: ClusterName | None = Field(
        None,
        description="The Cluster's metadata.name. Default: the only Cluster in the input.",
        examples=["prod-pg17"],
    )
    namespace: ClusterNamespace | None = Field(
        None,
        description=(
            "The Cluster's metadata.namespace, to choose between Clusters of the same name. "
            "Default: any."
        ),
        examples=["postgres"],
    )


class EntryClusterRef(Model):
    """Another CloudNativePG Cluster in the input, for one entry."""

    name: ClusterName = Field(description="The Cluster's metadata.name.", examples=["vector-pg17"])
    namespace: ClusterNamespace | None = Field(
        None,
        description="The Cluster's metadata.namespace. Default: the set's Cluster's.",
        examples=["postgres"],
    )


def _cluster_name_problem(value: Any) -> str | None:
    """A Cluster named by its name alone; {name, namespace} has its fields' rules."""
    return names.substituted_subdomain_problem(value) if isinstance(value, str) else None


# The rule on the union, not on its string: inside a union, a rule's name would show in
# the path of every error the union reports.
EntryCluster = Annotated[
    Annotated[str, schema({"pattern": names.SUBSTITUTED_SUBDOMAIN})] | EntryClusterRef | None,
    rule(_cluster_name_problem),
]


class SecretStoreRef(Model):
    """An External Secrets Operator store."""

    kind: Literal["ClusterSecretStore", "SecretStore"] = Field(
        "ClusterSecretStore",
        description=(
            "ClusterSecretStore, or SecretStore: a namespaced store, which must then exist in "
            "the Cluster's namespace and in every appNamespace."
        ),
    )
    name: Subdomain = Field(
        "bitwarden",
        description="The store's name (a DNS-1123 subdomain).",
        examples=["vaultwarden"],
    )


class PasswordRef(Model):
    """A password in any ESO store: ESO's remoteRef, plus the store to read it from."""

    key: Annotated[str, rule(_not_blank("the key of the password in the store"))] = Field(
        description="The password's key in the store (ESO's remoteRef.key).",
        examples=["apps/billing/postgres"],
    )
    property: str | None = Field(
        None,
        description="The property of the store's item holding the password (remoteRef.property).",
        examples=["password"],
    )
    version: str | None = Field(
        None, description="The version of the store's item (remoteRef.version).", examples=["3"]
    )
    secretStore: SecretStoreRef | None = Field(
        None,
        description="The store to read it from. Default: spec.secretStore.",
        examples=[{"kind": "ClusterSecretStore", "name": "vault"}],
    )


class GeneratedPassword(Model):
    """ESO's Password generator settings; the defaults give 32 characters that any URI,
    JDBC URL or pgpass line carries unescaped."""

    length: Annotated[
        int,
        schema({"minimum": MIN_PASSWORD_LENGTH, "maximum": MAX_PASSWORD_LENGTH}),
        rule(
            _in_range(
                MIN_PASSWORD_LENGTH,
                MAX_PASSWORD_LENGTH,
                f"must be from {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            )
        ),
    ] = Field(32, description="The password's length, in characters.", examples=[48])
    digits: Count = Field(8, description="How many of them are digits.", examples=[10])
    symbols: Count = Field(
        4,
        description="How many of them are symbols (digits and symbols at most length).",
        examples=[0],
    )
    symbolCharacters: str = Field(
        URI_SAFE_SYMBOLS,
        description=(
            "The symbols to choose from. The default is safe inside URIs, JDBC URLs and "
            "pgpass lines as it is."
        ),
        examples=["-_"],
    )


class PasswordSource(Model):
    """A password the External Secrets Operator makes."""

    generate: GeneratedPassword = Field(
        description="ESO generates the password once, with a Password generator, and keeps it.",
        examples=[{"length": 48, "symbols": 0}],
    )


class Connection(Model):
    """How apps reach the Cluster: the addresses their connection Secrets carry."""

    pooler: Subdomain | None = Field(
        None,
        description=(
            "The CNPG Pooler (in the input, of the set's Cluster) whose address the app Secrets "
            "carry as pooler-host, pooler-uri and pooler-jdbc-uri. Default: the Cluster's only "
            "read-write Pooler, none if there is none; an entry on another Cluster always gets "
            "that Cluster's default."
        ),
        examples=["prod-pg17-pooler-rw"],
    )
    usePooler: bool = Field(
        True, description="false leaves the pooler-* keys out, whatever Poolers exist."
    )
    clusterDomain: Subdomain = Field(
        "cluster.local",
        description="The cluster's DNS domain, for fqdn-uri and fqdn-jdbc-uri.",
        examples=["k8s.example.internal"],
    )


class Extension(Model):
    """A PostgreSQL extension in the database (CNPG's Database extensions)."""

    name: NotEmpty = Field(description="The extension's name.", examples=["postgis"])
    version: str | None = Field(None, description="The version to install.", examples=["3.4"])
    schema_: str | None = Field(
        None, alias="schema", description="The schema to install it in.", examples=["public"]
    )
    ensure: Ensure | None = Field(
        None, description="absent drops the extension. Default: present.", examples=["absent"]
    )


class Schema(Model):
    """A schema in the database (CNPG's Database schemas)."""

    name: NotEmpty = Field(description="The schema's name.", examples=["app"])
    owner: str | None = Field(
        None, description="The role that owns it. Default: the database's owner.", examples=["romm"]
    )
    ensure: Ensure | None = Field(
        None, description="absent drops the schema. Default: present.", examples=["absent"]
    )


class DatabaseOptions(Model):
    """CloudNativePG's Database spec, less what the function sets (name, owner, cluster,
    ensure). Field order is the order they are written in."""

    databaseReclaimPolicy: Literal["delete", "retain"] | None = Field(
        None,
        description=(
            "delete drops the database when its Database object is deleted; retain keeps it. "
            "Default: retain."
        ),
        examples=["delete"],
    )
    template: str | None = Field(
        None,
        description="The template to create the database from (CREATE DATABASE ... TEMPLATE).",
        examples=["template0"],
    )
    encoding: str | None = Field(
        None,
        description="The character encoding; fixed once the database exists.",
        examples=["UTF8"],
    )
    locale: str | None = Field(
        None, description="Sets localeCollate and localeCType at once.", examples=["en_US.UTF-8"]
    )
    localeCollate: str | None = Field(
        None, description="The collation (LC_COLLATE).", examples=["en_US.UTF-8"]
    )
    localeCType: str | None = Field(
        None, description="The character classification (LC_CTYPE).", examples=["en_US.UTF-8"]
    )
    localeProvider: Literal["libc", "icu", "builtin"] | None = Field(
        None,
        description="The locale provider: icuLocale and icuRules need icu, builtinLocale builtin.",
        examples=["icu"],
    )
    collationVersion: str | None = Field(
        None, description="The collation version to record.", examples=["153.120"]
    )
    builtinLocale: str | None = Field(
        None, description="The locale of the builtin provider.", examples=["C.UTF-8"]
    )
    icuLocale: str | None = Field(None, description="The ICU locale.", examples=["de-DE"])
    icuRules: str | None = Field(
        None, description="ICU collation rules.", examples=["&V << w <<< W"]
    )
    tablespace: str | None = Field(None, description="The default tablespace.", examples=["fast"])
    connectionLimit: ConnectionLimit | None = Field(
        None,
        description="How many connections the database allows at once; -1: no limit.",
        examples=[100],
    )
    isTemplate: bool | None = Field(
        None, description="Whether other databases can be created from this one."
    )
    allowConnections: bool | None = Field(
        None, description="false refuses all connections to the database."
    )
    extensions: list[Extension] | None = Field(
        None,
        description="Extensions to install (or drop); each name once.",
        examples=[[{"name": "postgis"}]],
    )
    schemas: list[Schema] | None = Field(
        None,
        description="Schemas to create (or drop); each name once.",
        examples=[[{"name": "app"}]],
    )

    def over(self, defaults: DatabaseOptions) -> dict[str, Any]:
        """These options over the set's defaults, field by field, in the CRD's order: a
        list replaces a list, and null drops a default."""
        merged = written(defaults) | written(self)
        return {
            name: merged[name]
            for name in yaml_names(DatabaseOptions)
            if merged.get(name) is not None
        }


class RoleConfig(Model):
    """CloudNativePG's RoleConfiguration, less the fields the function sets (name,
    passwordSecret). Field names are camelCase, as in the CRD."""

    ensure: Ensure | None = Field(
        None,
        description=(
            "Only present: to drop the role, set the entry's ensure: absent, which drops the "
            "database first."
        ),
    )
    login: bool | None = Field(None, description="Whether the role can log in. Default: true.")
    comment: str | None = Field(
        None, description="The role's comment; usually set with the entry's comment instead."
    )
    superuser: bool | None = Field(None, description="Whether the role is a superuser.")
    createdb: bool | None = Field(None, description="Whether the role can create databases.")
    createrole: bool | None = Field(None, description="Whether the role can create roles.")
    inherit: bool | None = Field(
        None, description="Whether the role inherits the privileges of its roles."
    )
    replication: bool | None = Field(None, description="Whether the role can start replication.")
    bypassrls: bool | None = Field(
        None, description="Whether the role bypasses row-level security."
    )
    connectionLimit: ConnectionLimit | None = Field(
        None,
        description="How many connections the role may hold at once; -1: no limit.",
        examples=[50],
    )
    validUntil: Timestamp | None = Field(
        None,
        description="When the role's password stops working (RFC 3339).",
        examples=["2026-12-31T23:59:59Z"],
    )
    inRoles: list[str] | None = Field(
        None, description="Roles this role is a member of.", examples=[["pg_monitor"]]
    )
    disablePassword: bool | None = Field(
        None, description="Whether the role has no password; not with a password source."
    )


Stage = Literal["prepare", "switch", "retire"]
STAGES: tuple[Stage, ...] = ("prepare", "switch", "retire")
OWNER_SUFFIX, SLOT_SUFFIXES = "_owner", ("_a", "_b")


class Rotation(Model):
    """Zero-downtime password rotation: two login roles, <name>_a and <name>_b, take turns
    (odd generations log in as _a, even ones as _b), members of <name>_owner, which never
    logs in and owns the database. A rotation is three renders, each a commit: prepare,
    switch, retire."""

    generation: Annotated[
        int,
        schema({"minimum": 1}),
        rule(lambda value: "must be 1 or more" if value < 1 else None),
    ] = Field(
        description=(
            "The password's generation. Raise it by one, with stage: prepare, to start a "
            "rotation; each generation has its own generated password."
        ),
        examples=[2],
    )
    stage: Stage = Field(
        "retire",
        description=(
            "Where the rotation to this generation stands: prepare (its login role gets its "
            "new password; the app still uses the previous one), switch (the app's Secret "
            "names it), retire (the previous login role stops logging in and its "
            "ExternalSecret is pruned). Default: retire, a rotation done."
        ),
        examples=["prepare"],
    )

    @property
    def live(self) -> tuple[int, ...]:
        """The generations whose login role logs in: the previous one until retire."""
        return (
            (self.generation,) if self.stage == "retire" else (self.generation - 1, self.generation)
        )

    @property
    def serving(self) -> int:
        """The generation the app's Secret names: the previous one until switch."""
        return self.generation - 1 if self.stage == "prepare" else self.generation

    def state(self) -> str:
        """What the generated objects record of it (dbset.krm.dev/rotation), so the next
        render knows where the package stands."""
        return f"generation={self.generation},stage={self.stage}"


# Fields a user may reach for that the function sets: their own message.
EXPLAINED_FIELDS = {
    RoleConfig: {
        "name": "the role is named after the entry: set the entry's name",
        "passwordSecret": "the function points it at the ExternalSecret's Secret: set "
        "bitwardenPasswordId, passwordRef or password.generate instead",
    }
}


class DatabaseEntry(Model):
    """One database: a PostgreSQL database, its owner role, and its credentials."""

    name: Identifier = Field(
        description=(
            "The PostgreSQL database and its owner role, as PostgreSQL takes a quoted name: "
            "at most 63 bytes, at least one letter or digit, no control characters; not a "
            "role or database PostgreSQL or CloudNativePG reserve. Kubernetes objects get "
            "it lower-cased, with every character other than a-z and 0-9 turned into -."
        ),
        examples=["home_assistant", "book-club"],
    )
    ensure: Ensure = Field(
        "present",
        description="absent drops the database and the role (the entry stays until they are gone).",
        examples=["absent"],
    )
    cluster: EntryCluster = Field(
        None,
        description=(
            "Another Cluster in the input for this entry: its name (in the set's Cluster's "
            "namespace) or {name, namespace}. Its role goes into that Cluster, its objects "
            "into that Cluster's namespace, and its app is told that Cluster's addresses. "
            "Default: the set's Cluster."
        ),
        examples=["vector-pg17", {"name": "vector-pg17", "namespace": "postgres"}],
    )
    roleOnly: bool = Field(
        False,
        description=(
            "A login role and its credentials without a database of its own (a reporting "
            "login, say): no Database object, no database options. Its app Secret has no "
            "dbname and no URIs, and its pgpass line matches any database."
        ),
        examples=[True],
    )
    comment: str | None = Field(
        None, description="The role's comment.", examples=["ROMM database owner"]
    )
    bitwardenPasswordId: Annotated[str, rule(_not_blank("the Bitwarden item id"))] | None = Field(
        None,
        description=(
            "The Bitwarden item that holds the role's password, in spec.secretStore: the "
            "short form of passwordRef: {key: <id>}. At most one password source."
        ),
        examples=["7f3c1a52-0000-4000-8000-000000000001"],
    )
    passwordRef: PasswordRef | None = Field(
        None,
        description="The password in any ESO store. At most one password source.",
        examples=[{"key": "apps/billing/postgres", "property": "password"}],
    )
    password: PasswordSource | None = Field(
        None,
        description=(
            "A password ESO generates once. At most one password source; with none, "
            "spec.entriesWithoutPassword says what the entry gets."
        ),
        examples=[{"generate": {"length": 48}}],
    )
    passwordGeneration: GeneratedPassword | None = Field(
        None,
        description=(
            "The TypeScript generator's spelling of password.generate, pasted as it was: the "
            "same fields, the same meaning. At most one password source."
        ),
        examples=[{"length": 40, "digits": 10, "symbols": 0}],
    )
    appNamespace: Label | Annotated[list[Label], schema({"minItems": 1})] | None = Field(
        None,
        description=(
            "The app's namespace, or a list of them for an app in several: each gets a "
            "connection Secret with the credentials and every address, from the same "
            "password. Needs the Cluster's namespace."
        ),
        examples=["romm", ["shop", "shop-worker"]],
    )
    secretName: Subdomain | None = Field(
        None,
        description=(
            "The credentials Secret's name (and its ExternalSecrets'), in both namespaces. "
            "Default: <name>-db-credentials."
        ),
        examples=["romm-postgres"],
    )
    roleConfig: RoleConfig = Field(
        RoleConfig(),
        description="Any CNPG RoleConfiguration field, as in the CRD.",
        examples=[{"connectionLimit": 50, "inRoles": ["pg_monitor"]}],
    )
    database: DatabaseOptions = Field(
        DatabaseOptions(),
        description=(
            "CNPG Database options, over spec.databaseDefaults field by field (a list "
            "replaces a default list; null drops a default)."
        ),
        examples=[{"localeProvider": "icu", "icuLocale": "de-DE"}],
    )
    extensions: list[NotEmpty] | None = Field(
        None,
        description=(
            "Short for database.extensions, as the TypeScript generator had it: the names of "
            "extensions to install, each with CNPG's defaults. Not with database.extensions."
        ),
        examples=[["uuid-ossp", "vector"]],
    )

    rotation: Rotation | None = Field(
        None,
        description=(
            "Rotate the generated password without downtime: the entry gets an owner role "
            "<name>_owner (NOLOGIN, the database's owner) and two login roles <name>_a and "
            "<name>_b in it, which take turns; the app's Secret names the active one and "
            "carries options=-c role=<name>_owner. Needs a generated password and no Pooler."
        ),
        examples=[{"generation": 2, "stage": "prepare"}],
    )

    @property
    def kubernetes_name(self) -> str:
        return names.kubernetes_name(self.name)

    @property
    def owner_role(self) -> str:
        """The role that owns the database: the entry's own, or with rotation one that
        never logs in, so that objects outlive the login role that created them."""
        return self.name + OWNER_SUFFIX if self.rotation else self.name

    def slot_role(self, generation: int) -> str:
        """The login role of a generation: odd ones _a, even ones _b."""
        return self.name + SLOT_SUFFIXES[(generation + 1) % 2]

    @property
    def role_names(self) -> list[str]:
        """Every role the entry manages."""
        if self.rotation is None:
            return [self.name]
        return [self.owner_role, *(self.name + suffix for suffix in SLOT_SUFFIXES)]

    @property
    def app_role(self) -> str:
        """The role the app's Secret logs in as."""
        return self.slot_role(self.rotation.serving) if self.rotation else self.name

    @property
    def session_role(self) -> str | None:
        """The role an app session acts as (options=-c role=…), where it is not the login
        role."""
        return self.owner_role if self.rotation else None

    def generation_secret(self, generation: int) -> str:
        """The Secret holding a generation's password, in the Cluster's namespace."""
        return f"{self.secret_name}-g{generation}"

    @property
    def app_namespaces(self) -> tuple[str, ...]:
        """Where the app's connection Secret goes: appNamespace, one or several."""
        written = self.appNamespace
        return () if written is None else (written,) if isinstance(written, str) else tuple(written)

    @property
    def secret_name(self) -> str:
        """The Secret with the role's password and the app's connection keys."""
        return self.secretName or f"{self.kubernetes_name}-db-credentials"

    @property
    def present(self) -> bool:
        return self.ensure == "present"

    @property
    def password_sources(self) -> list[str]:
        """The password fields set; more than one is an error, none means trust (once
        spec.entriesWithoutPassword has been applied, see config.py)."""
        set_fields = {
            "bitwardenPasswordId": self.bitwardenPasswordId,
            "passwordRef": self.passwordRef,
            "password.generate": self.password,
            "passwordGeneration": self.passwordGeneration,
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
            return self.passwordRef.model_copy(update={"secretStore": default_store})
        return self.passwordRef


class Spec(Model):
    """What the set gives every app, and the databases."""

    cluster: ClusterRef = Field(ClusterRef(), description="The CloudNativePG Cluster to extend.")
    adopt: bool = Field(
        False,
        description=(
            "Take over what stands where a generated object goes and no DatabaseSet owns, as "
            "an earlier generator or a person wrote it: an object of the same kind, "
            "namespace and name (and the Password generator its ExternalSecret uses, if no "
            "other ExternalSecret does), a role of the entry's name in the Cluster. Each is "
            "replaced in place, with an info result saying what changed; without adopt, each "
            "is an error. A Secret that holds more than the generated one writes, an "
            "ExternalSecret whose Secret does, or a Password generator another ExternalSecret "
            "uses, is never taken over: it stays an error."
        ),
        examples=[True],
    )
    roleOutput: Literal["managedRoles", "databaseRole"] = Field(
        "managedRoles",
        description=(
            "Where the roles go: managedRoles (entries of the Cluster's spec.managed.roles) or "
            "databaseRole (one CNPG DatabaseRole object per entry). Switching is one render."
        ),
        examples=["databaseRole"],
    )
    databaseRoleReclaimPolicy: Literal["retain", "delete"] = Field(
        "retain",
        description=(
            "With databaseRole: retain keeps the role in PostgreSQL when its DatabaseRole is "
            "deleted, delete drops it."
        ),
        examples=["delete"],
    )
    secretStore: SecretStoreRef = Field(
        SecretStoreRef(),
        description=(
            "The ESO store every bitwardenPasswordId is read from, and every passwordRef "
            "without its own."
        ),
        examples=[{"kind": "ClusterSecretStore", "name": "bitwarden"}],
    )
    clusterNamespaceStore: SecretStoreRef = Field(
        SecretStoreRef(name="kubernetes"),
        description=(
            "The ESO store with the kubernetes provider that copies a generated password from "
            "the Cluster's namespace into the app's."
        ),
        examples=[{"kind": "SecretStore", "name": "postgres-secrets"}],
    )
    entriesWithoutPassword: Literal["trust", "generate"] | None = Field(
        None,
        description=(
            "What an entry without a password source gets: trust (no password, as in the "
            "TypeScript generator's first version) or generate (a password ESO generates, as "
            "in its later one). Default: trust; must be set when the set uses a later "
            "field (roleOnly, an entry's cluster, extensions, passwordGeneration) and an "
            "entry has no password source."
        ),
        examples=["generate"],
    )
    refreshInterval: Duration = Field(
        "1h",
        description="How often ESO reads each password again (a Go duration; 0 reads once).",
        examples=["15m"],
    )
    connection: Connection = Field(
        Connection(), description="The addresses apps get: Pooler, cluster domain."
    )
    commonLabels: Labels = Field(
        {},
        description="Labels for every generated object (not the Cluster).",
        examples=[{"app.kubernetes.io/part-of": "platform"}],
    )
    commonAnnotations: Annotations = Field(
        {},
        description=(
            "Annotations for every generated object (not the Cluster); none under "
            "dbset.krm.dev/, config.kubernetes.io/ or the like."
        ),
        examples=[{"argocd.argoproj.io/sync-wave": "-1"}],
    )
    secretLabels: Annotated[dict[str, str], rule(_secret_labels)] = Field(
        {},
        description='Labels for the Secrets themselves; cnpg.io/reload is always "true".',
        examples=[{"reloader.stakater.com/match": "true"}],
    )
    secretAnnotations: Annotations = Field(
        {},
        description="Annotations for the Secrets themselves.",
        examples=[{"reloader.stakater.com/match": "true"}],
    )
    databaseDefaults: DatabaseOptions = Field(
        DatabaseOptions(),
        description="Database options for every entry: the fields of spec.databases[].database.",
        examples=[{"encoding": "UTF8", "template": "template0"}],
    )
    databases: list[DatabaseEntry] = Field(
        description="The databases; an empty list prunes everything the set owns.",
        examples=[
            [
                {
                    "name": "romm",
                    "bitwardenPasswordId": "7f3c1a52-0000-4000-8000-000000000001",
                    "appNamespace": "romm",
                }
            ]
        ],
    )


def entry_path(position: int, entry: DatabaseEntry) -> str:
    """How messages name an entry: by its place and its name."""
    return f"spec.databases[{position}] ({quoted(entry.name)})"


class Metadata(Model):
    """As on any object; other metadata fields are refused."""

    name: Subdomain = Field(
        description=(
            "Names the set. Generated objects carry it in dbset.krm.dev/database-set, and the "
            "Cluster records the set's roles under it: renaming a set orphans what it made."
        ),
        examples=["prod-databases"],
    )
    namespace: str | None = Field(
        None, description="Unused: a DatabaseSet is local config, never applied."
    )
    labels: dict[str, str] = Field({}, description="As on any object.")
    annotations: dict[str, str] = Field(
        {},
        description='As on any object; with kpt, config.kubernetes.io/local-config: "true".',
        examples=[{"config.kubernetes.io/local-config": "true"}],
    )


class DatabaseSet(Model):
    """The config of the dbset-fn KRM function: databases to give apps on a
    CloudNativePG Cluster."""

    apiVersion: Literal["dbset.krm.dev/v1alpha1"] = Field(description="dbset.krm.dev/v1alpha1")
    kind: Literal["DatabaseSet"] = Field(description="DatabaseSet")
    metadata: Metadata = Field(description="The set's name, labels and annotations.")
    spec: Spec = Field(description="The databases, and what the set gives the app of each.")
