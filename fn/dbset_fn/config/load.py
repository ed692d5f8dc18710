"""Reading the DatabaseSet: its model's check, then the rules that span fields and entries.

Every problem is reported at once, each naming its field and the value found, so a
user fixes a file in one pass (see problems.py for how they are worded).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from ..krm import Item, YamlError, quoted
from . import names
from .model import (
    API_VERSION,
    KIND,
    URI_SAFE_SYMBOLS,
    DatabaseEntry,
    DatabaseOptions,
    DatabaseSet,
    Extension,
    GeneratedPassword,
    PasswordSource,
    Spec,
    entry_path,
    written,
)
from .problems import InvalidConfig, Problem, problems_of


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
        database_set = DatabaseSet.model_validate(values)
    except ValidationError as invalid:
        raise InvalidConfig(problems_of(invalid, values)) from None
    problems = list(_spec_problems(database_set.spec))
    if problems:
        raise InvalidConfig(problems)
    return database_set.model_copy(update={"spec": _spelled_out(database_set.spec)})


# kube-openapi's strfmt.IsUUID, which ESO's Bitwarden Secrets Manager provider asks of
# remoteRef.key before it reads the key as an id (external-secrets, providers/v1/bitwarden/
# client.go, GetSecret); any other key is a secret's name, looked up in the store's project.
_UUID = re.compile(r"(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")


def doubtful_fields(spec: Spec) -> Iterator[Problem]:
    """Values that load but that the operators would likely read otherwise than meant:
    warnings, not errors, as a name can be right."""
    for position, entry in enumerate(spec.databases):
        written = entry.bitwardenPasswordId
        if written is None or _UUID.match(written):
            continue
        yield Problem(
            f"spec.databases[{position}].bitwardenPasswordId",
            f"{entry_path(position, entry)}.bitwardenPasswordId should be a Bitwarden secret's "
            f"id (a UUID), got {quoted(written)}: ESO reads any other value as a secret's name, "
            "found only in the store's projectID and only if one secret there has it "
            "(external-secrets, providers/v1/bitwarden/client.go, GetSecret); copy the "
            f"secret's whole id, or, to read it by name, write passwordRef: {{key: {written}}}",
            written,
        )


def _spelled_out(spec: Spec) -> Spec:
    """The set as the rest of the function reads it: the generator's spellings
    (passwordGeneration, extensions) turned into ours, and an entry without a password
    source given what spec.entriesWithoutPassword says."""
    return spec.model_copy(
        update={"databases": [_entry_spelled_out(entry, spec) for entry in spec.databases]}
    )


def _entry_spelled_out(entry: DatabaseEntry, spec: Spec) -> DatabaseEntry:
    update: dict[str, Any] = {}
    if entry.passwordGeneration is not None:
        update |= {
            "password": PasswordSource(generate=entry.passwordGeneration),
            "passwordGeneration": None,
        }
    elif not entry.has_password and spec.entriesWithoutPassword == "generate":
        update["password"] = PasswordSource(generate=GeneratedPassword())
    if entry.extensions is not None:
        extensions = [Extension(name=name) for name in entry.extensions]
        update |= {
            "database": entry.database.model_copy(update={"extensions": extensions}),
            "extensions": None,
        }
    return entry.model_copy(update=update) if update else entry


def _missing_config_message() -> str:
    return (
        f"functionConfig must be a {KIND} ({API_VERSION}), but there is none: "
        "pass it with kpt's configPath, kustomize's transformers entry, "
        "or as the first argument of dbset-fn"
    )


def _wrong_kind_message(api_version: object, kind: object) -> str:
    if isinstance(kind, str) and kind != KIND and _misspelt(kind):
        return f"functionConfig must be a {KIND}, got kind {quoted(kind)}; set kind: {KIND}" + (
            "" if api_version == API_VERSION else f" and apiVersion: {API_VERSION}"
        )
    if kind == KIND:
        return (
            f"functionConfig is a {KIND} of apiVersion {quoted(api_version)}, but this "
            f"dbset-fn reads apiVersion {API_VERSION}; set apiVersion: {API_VERSION}"
        )
    return (
        f"functionConfig must be a {KIND} (apiVersion: {API_VERSION}), got kind "
        f"{quoted(kind)} with apiVersion {quoted(api_version)}; point the Kptfile's "
        "configPath or the kustomization's transformers entry at the DatabaseSet's file"
    )


def _misspelt(kind: str) -> bool:
    """DatabaseSets, databaseset, DataBaseSet: the right file, the kind mistyped."""
    return difflib.SequenceMatcher(None, kind.lower(), KIND.lower()).ratio() >= 0.8


# Rules across fields -------------------------------------------------------------------------


def _spec_problems(spec: Spec) -> Iterator[Problem]:
    if spec.connection.pooler is not None and not spec.connection.usePooler:
        yield Problem(
            "spec.connection.pooler",
            f"spec.connection.pooler {quoted(spec.connection.pooler)} must not be set when "
            "spec.connection.usePooler is false; remove one of the two",
            spec.connection.pooler,
        )
    yield from _entry_problems(spec.databases)
    yield from _without_password_problems(spec)
    yield from _rotation_problems(spec)
    for position, entry in enumerate(spec.databases):
        yield from _database_option_problems(entry, position, spec.databaseDefaults)


def _entry_problems(entries: list[DatabaseEntry]) -> Iterator[Problem]:
    """Rules that span fields or entries; the model checks one field at a time."""
    first_with_name: dict[str, int] = {}
    first_with_kubernetes_name: dict[str, int] = {}
    first_with_secret_name: dict[str, int] = {}
    for position, entry in enumerate(entries):
        where, field = entry_path(position, entry), f"spec.databases[{position}]"
        other = first_with_secret_name.setdefault(entry.secret_name, position)
        if other != position and entry.kubernetes_name != entries[other].kubernetes_name:
            yield Problem(
                f"{field}.secretName",
                f"{where} must have its own Secret, but its Secret {quoted(entry.secret_name)} "
                f"is also the Secret of {entry_path(other, entries[other])}; set another "
                "secretName",
                entry.secret_name,
            )
        if entry.name in first_with_name:
            other = first_with_name[entry.name]
            yield Problem(
                f"{field}.name",
                f"{where}.name must be unique, but spec.databases[{other}] has the same name; "
                "remove or rename one of them",
                entry.name,
            )
        elif entry.kubernetes_name in first_with_kubernetes_name:
            other = first_with_kubernetes_name[entry.kubernetes_name]
            yield Problem(
                f"{field}.name",
                f"{where}.name and {entry_path(other, entries[other])}.name must map to "
                f"different Kubernetes names, but both map to {quoted(entry.kubernetes_name)}; "
                "rename one of them",
                entry.name,
            )
        first_with_name.setdefault(entry.name, position)
        first_with_kubernetes_name.setdefault(entry.kubernetes_name, position)
        yield from _password_problems(entry, where, field)
        yield from _role_problems(entry, where, field)
        if entry.extensions is not None and entry.database.extensions is not None:
            yield Problem(
                f"{field}.extensions",
                f"{where} must list its extensions once, but sets extensions and "
                "database.extensions (extensions is the TypeScript generator's short form); "
                "keep one",
                entry.extensions,
            )
        yield from _twice(
            entry.extensions or [], "extensions", f"{where}.extensions", f"{field}.extensions"
        )
        if isinstance(entry.appNamespace, list):
            if not entry.appNamespace:
                yield Problem(
                    f"{field}.appNamespace",
                    f"{where}.appNamespace must name at least one namespace; remove it for "
                    "no app Secret",
                    [],
                )
            yield from _twice(
                entry.appNamespace,
                "namespaces",
                f"{where}.appNamespace",
                f"{field}.appNamespace",
            )
        yield from _role_only_problems(entry, where, field)


# Fields the TypeScript generator had only in its later version.
LATER_FIELDS = ("roleOnly", "cluster", "passwordGeneration", "extensions")


def _without_password_problems(spec: Spec) -> Iterator[Problem]:
    """An entry without a password source meant trust in the generator's first version
    and a generated password in its later one: a set with later fields must say which."""
    if spec.entriesWithoutPassword is not None:
        return
    without = [
        (position, entry) for position, entry in enumerate(spec.databases) if not entry.has_password
    ]
    later = next(
        (
            (position, field)
            for position, entry in enumerate(spec.databases)
            for field in LATER_FIELDS
            if field in entry.model_fields_set
        ),
        None,
    )
    if not without or later is None:
        return
    position, entry = without[0]
    yield Problem(
        "spec.entriesWithoutPassword",
        "spec.entriesWithoutPassword must say what an entry without a password source "
        f"gets, as {entry_path(position, entry)} has none and "
        f"spec.databases[{later[0]}].{later[1]} is set: generate gives it a password ESO "
        "generates once; trust gives it none, and its app logs in by trust authentication, "
        "which the Cluster's pg_hba must allow; set entriesWithoutPassword: generate or trust",
    )


def _role_only_problems(entry: DatabaseEntry, where: str, field: str) -> Iterator[Problem]:
    """A role-only entry has no database to give options to."""
    if not entry.roleOnly:
        return
    for option in ("extensions", "database"):
        if option in entry.model_fields_set:
            yield Problem(
                f"{field}.{option}",
                f"{where}.{option} must not be set when roleOnly is true, as the entry has no "
                "database; remove it, or roleOnly",
                None,
            )


def _role_problems(entry: DatabaseEntry, where: str, field: str) -> Iterator[Problem]:
    role = entry.roleConfig
    for position, member_of in enumerate(role.inRoles or []):
        if member_of in ("", entry.name):
            what = "itself" if member_of else "an empty name"
            yield Problem(
                f"{field}.roleConfig.inRoles[{position}]",
                f"{where}.roleConfig.inRoles[{position}] {quoted(member_of)} must name another "
                f"role, not {what}; remove it",
                member_of,
            )
    if role.ensure == "absent":
        yield Problem(
            f"{field}.roleConfig.ensure",
            f'{where}.roleConfig.ensure "absent" must not drop the role alone, as its '
            "database depends on it; set the entry's ensure: absent, which drops both",
            "absent",
        )
    if role.disablePassword and entry.has_password:
        yield Problem(
            f"{field}.roleConfig.disablePassword",
            f"{where}.roleConfig.disablePassword must not be true when "
            f"{entry.password_sources[0]} sets a password; remove one of the two",
            True,
        )
    if role.comment is not None and entry.comment is not None:
        yield Problem(
            f"{field}.roleConfig.comment",
            f"{where}.roleConfig.comment must not be set together with {where}.comment; "
            "keep only comment",
            role.comment,
        )


def _twice(names: list[str], what: str, shown: str, field: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            yield Problem(
                field,
                f"{shown} must name each of its {what} once, but {quoted(name)} appears more "
                "than once; merge them",
                name,
            )
        seen.add(name)


_PROVIDER_OF = {"builtinLocale": "builtin", "icuLocale": "icu", "icuRules": "icu"}


def _database_option_problems(
    entry: DatabaseEntry, position: int, defaults: DatabaseOptions
) -> Iterator[Problem]:
    """CloudNativePG's rules for a Database, on the entry's options over the defaults."""
    own = set(written(entry.database))
    options = entry.database.over(defaults)
    entry_where = entry_path(position, entry)

    def where(option: str) -> tuple[str, str]:
        """(the shown path, the field path) of an option, where it was written."""
        if option in own:
            return (
                f"{entry_where}.database.{option}",
                f"spec.databases[{position}].database.{option}",
            )
        return f"spec.databaseDefaults.{option}", f"spec.databaseDefaults.{option}"

    provider = options.get("localeProvider")
    for option, needed in _PROVIDER_OF.items():
        if option in options and provider != needed:
            shown, field = where(option)
            found = f"is {quoted(provider)}" if provider else "is not set"
            fix = f"set localeProvider: {needed}"
            if option not in own:
                fix += f", or {option}: null in {entry_where}.database"
            yield Problem(
                field,
                f'{shown} {quoted(options[option])} needs localeProvider "{needed}", but the '
                f"localeProvider of {entry_where} {found}; {fix}",
                options[option],
            )
    for option in ("extensions", "schemas"):
        names = [item["name"] for item in options.get(option, [])]
        yield from _twice(names, option, *where(option))


def _password_problems(entry: DatabaseEntry, where: str, field: str) -> Iterator[Problem]:
    sources = entry.password_sources
    if sources == ["password.generate", "passwordGeneration"]:
        yield Problem(
            f"{field}.passwordGeneration",
            f"{where} must spell its generated password once, but sets password.generate "
            "and passwordGeneration (the TypeScript generator's spelling of it); keep one",
            None,
        )
    elif len(sources) > 1:
        yield Problem(
            f"{field}.{sources[1]}",
            f"{where} must set at most one password source (bitwardenPasswordId, passwordRef "
            f"or password.generate), but sets {' and '.join(sources)}; keep one",
            None,
        )
    if entry.passwordGeneration is not None:
        generate, spelled = entry.passwordGeneration, "passwordGeneration"
    elif entry.password is not None:
        generate, spelled = entry.password.generate, "password.generate"
    else:
        return
    shown, generated = f"{where}.{spelled}", f"{field}.{spelled}"
    if generate.digits + generate.symbols > generate.length:
        yield Problem(
            f"{generated}.length",
            f"{shown}.length {generate.length} must hold the {generate.digits} digits and "
            f"{generate.symbols} symbols asked for; raise length or lower them",
            generate.length,
        )
    if generate.symbols and not generate.symbolCharacters:
        yield Problem(
            f"{generated}.symbolCharacters",
            f'{shown}.symbolCharacters "" must hold the characters for {generate.symbols} '
            f'symbols; set them (for example "{URI_SAFE_SYMBOLS}") or set symbols to 0',
            "",
        )


# Rotation -------------------------------------------------------------------------------------


def _rotation_problems(spec: Spec) -> Iterator[Problem]:
    """What rotation needs of an entry: a generated password (each generation's is made by
    its own ExternalSecret), role names PostgreSQL keeps whole and no other entry has,
    and a first generation that has nothing to rotate from."""
    taken = {entry.name: position for position, entry in enumerate(spec.databases)}
    taken |= {names.kubernetes_name(name): at for name, at in list(taken.items())}
    for position, entry in enumerate(spec.databases):
        rotation = entry.rotation
        if rotation is None:
            continue
        where, field = entry_path(position, entry), f"spec.databases[{position}].rotation"
        source = _store_source(entry)
        if source is not None:
            yield Problem(
                field,
                f"{where}.rotation must not be set with {source}, as each generation's "
                "password is generated by its own ExternalSecret; use password.generate "
                "(the store's password stays with the old role)",
                rotation.state(),
            )
        elif not entry.has_password and spec.entriesWithoutPassword != "generate":
            yield Problem(
                field,
                f"{where}.rotation must not be set on an entry without a password (trust), "
                "as there is no password to rotate; set password.generate",
                rotation.state(),
            )
        if rotation.generation == 1 and rotation.stage != "retire":
            yield Problem(
                f"{field}.stage",
                f"{where}.rotation.stage {quoted(rotation.stage)} must not be set on "
                "generation 1, which has no earlier generation to rotate from; remove stage "
                "(generation 1 starts settled), and rotate with generation: 2, stage: prepare",
                rotation.stage,
            )
        yield from _rotation_role_problems(entry, position, taken, where)


def _store_source(entry: DatabaseEntry) -> str | None:
    if entry.bitwardenPasswordId is not None:
        return "bitwardenPasswordId"
    return "passwordRef" if entry.passwordRef is not None else None


def _rotation_role_problems(
    entry: DatabaseEntry, position: int, taken: dict[str, int], where: str
) -> Iterator[Problem]:
    field = f"spec.databases[{position}]"
    longest = entry.owner_role
    if len(longest.encode()) > names.MAX_IDENTIFIER_BYTES:
        yield Problem(
            f"{field}.name",
            f"{where}.name must be at most {names.MAX_IDENTIFIER_BYTES - 6} bytes long with "
            f"rotation, as its owner role {quoted(longest)} must fit PostgreSQL's "
            f"{names.MAX_IDENTIFIER_BYTES} bytes; shorten the name",
            entry.name,
        )
    for role in entry.role_names:
        other = taken.get(role, taken.get(names.kubernetes_name(role)))
        if other is not None and other != position:
            yield Problem(
                f"{field}.rotation",
                f"{where}.rotation makes role {quoted(role)}, which must not be the name of "
                f"spec.databases[{other}] (nor map to its Kubernetes name); rename one of them",
                role,
            )
    for option in ("login", "disablePassword"):
        if getattr(entry.roleConfig, option) is not None:
            yield Problem(
                f"{field}.roleConfig.{option}",
                f"{where}.roleConfig.{option} must not be set with rotation, as each "
                "generation's login role gets login and its password from the rotation's "
                "stage; remove it",
                getattr(entry.roleConfig, option),
            )
    secret = entry.generation_secret(entry.rotation.generation if entry.rotation else 1)
    if names.dns1123_subdomain_problem(secret):
        yield Problem(
            f"{field}.secretName",
            f"{where} must leave room in its Secret's name for the generation: "
            f"{quoted(secret)} is no Kubernetes name; set a shorter secretName",
            entry.secret_name,
        )
