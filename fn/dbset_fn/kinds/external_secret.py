"""The ExternalSecrets that bring an entry's password to CloudNativePG and to the app.

CloudNativePG reads a role's password from a `kubernetes.io/basic-auth` Secret whose
`username` is the role; the `cnpg.io/reload` label makes it apply a changed password
at once. The app's copy, in its own namespace, carries the full connection keys.

A password from a store (Bitwarden or any other) is read by both ExternalSecrets from
that store. A generated password is generated once, into the Cluster's namespace; the
app's copy reads that Secret back through a `kubernetes`-provider store, because a
generator gives a new value to every reader.

An adopted ExternalSecret's Password generator is adopted with it, renamed to the
set's name for it: with refreshPolicy CreatedOnce, ESO generates a password only for
an ExternalSecret that has never synced, whatever its generatorRef says
(external-secrets v2.9.0, pkg/controllers/externalsecret/externalsecret_controller.go,
shouldRefresh), so no password rotates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..config.model import DatabaseEntry, PasswordRef, SecretStoreRef, Spec, entry_path
from ..krm import FUNCTION_CONFIG, LOCAL_CONFIG, Item, Result, quoted, warning
from .base import (
    APP_SECRET,
    FAILED,
    MISSING,
    OK,
    PASSWORD_SECRET,
    PENDING,
    Adoption,
    Claim,
    GeneratedKind,
    Live,
    ObjectKey,
    Pruning,
    Rendered,
    RotationRecord,
    Verdict,
    field,
    lost,
    metadata,
    rotation_record_of,
)
from .connection import PASSWORD_VALUE, Endpoint, connection_keys, go_literal
from .eso import (
    EXTERNAL_SECRET,
    PASSWORD,
    Generators,
    generator_of,
    password_key,
    password_ref,
    used_by_others,
)
from .password import password_generator_name
from .secret import (
    SECRET,
    SECRET_CLAIM,
    deleted_secret,
    secret_claim,
    secret_metadata,
    secret_type,
    secret_version,
    type_kept,
)

_GO_BRACES = go_literal("{{")


class ExternalSecret(GeneratedKind):
    kind = EXTERNAL_SECRET
    claim_types = (SECRET_CLAIM,)

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        """One in the Cluster's namespace, which also serves an app there; another in
        each of the app's namespaces elsewhere, all with the same password."""
        if not entry.present or not entry.has_password:
            return []
        if entry.rotation is not None:
            return rotation_credentials_for(entry, spec, endpoint)
        shared = endpoint.namespace in entry.app_namespaces
        namespace = endpoint.written_namespace
        made = [role_credentials_for(entry, spec, namespace, endpoint if shared else None)]
        for app_namespace in entry.app_namespaces:
            if app_namespace != endpoint.namespace:
                made.append(app_credentials_for(entry, spec, app_namespace, endpoint))
        return made

    def claims(self, values: dict[str, Any], namespace: str) -> list[Claim]:
        """ESO writes target.name, or the ExternalSecret's own name."""
        name = field(values, "spec", "target").get("name") or field(values, "metadata").get("name")
        return [secret_claim(namespace, name)] if isinstance(name, str) else []

    def answers(
        self, document: dict[str, Any], entry: DatabaseEntry, endpoint: Endpoint
    ) -> tuple[str, ...]:
        """The Cluster namespace's one writes the role's password Secret, and the app's
        too when the app runs there; one elsewhere writes the app's."""
        namespace = field(document, "metadata").get("namespace") or endpoint.namespace
        if namespace != endpoint.namespace:
            return (APP_SECRET,)
        shared = endpoint.namespace in entry.app_namespaces
        return (PASSWORD_SECRET, APP_SECRET) if shared else (PASSWORD_SECRET,)

    def verdict(self, values: dict[str, Any], live: Live) -> Verdict:
        """The `Ready` condition (external-secrets v2.9.0
        apis/externalsecrets/v1/externalsecret_types.go:662-671; `SecretSynced` and
        `SecretSyncedError` are reasons, :688-692), and `status.syncedResourceVersion`,
        which ESO sets to `<generation>-<hash of labels and annotations>`
        (pkg/controllers/util/util.go:30, set at externalsecret_controller.go:771)."""
        status = field(values, "status")
        ready = _ready(status)
        if ready is None:
            return Verdict(PENDING, "ESO has not reported a Ready condition yet")
        said = ": ".join(str(part) for part in (ready.get("reason"), ready.get("message")) if part)
        if ready.get("status") == "False":
            return Verdict(FAILED, said or "Ready is False")
        if ready.get("status") != "True":
            return Verdict(PENDING, said or "Ready is Unknown")
        synced = str(status.get("syncedResourceVersion") or "").split("-")[0]
        generation = str(field(values, "metadata").get("generation") or "")
        if generation and synced != generation:
            return Verdict(
                PENDING,
                f"ESO synced generation {synced or 'none'}; the object is at {generation}",
            )
        return self._written(values, live)

    def _written(self, values: dict[str, Any], live: Live) -> Verdict:
        """Ready, and the Secret it writes is there (where Secrets were read)."""
        metadata = field(values, "metadata")
        namespace = str(metadata.get("namespace") or "")
        name = str(field(values, "spec", "target").get("name") or metadata.get("name"))
        if not live.covers(SECRET, namespace):
            return Verdict(OK, f"Secret {quoted(f'{namespace}/{name}')} not read")
        if secret_version(live, namespace, name) is None:
            return Verdict(
                MISSING, f"Ready, but Secret {quoted(f'{namespace}/{name}')} is not there"
            )
        return Verdict(OK)

    def keep_from(self, document: dict[str, Any], before: dict[str, Any]) -> None:
        """The Secret it writes keeps the type before's did: a Secret's type cannot change."""
        written = field(before, "spec", "target", "template").get("type")
        document["spec"]["target"]["template"]["type"] = secret_type(written)

    def adoption_refusal(self, obj: Item, new: Item, adoption: Adoption) -> str | None:
        """The Secret an adopted ExternalSecret wrote keeps only the keys the generated one
        writes: one that writes other keys, or keys its fields do not tell, stays."""
        fetched = _Fetched(obj.namespace, adoption.index(Generators.of))
        keys = _written_keys(obj.get("spec"), fetched)
        if keys is None:
            return (
                "the keys of the Secret it writes are not all named in it (an extract, a find, "
                "a templateFrom or a generator's secretKeys), and adopting could lose some"
            )
        written = new.get("spec", "target", "template", "data") or {}
        lost = [key for key in keys if key not in written]
        if not lost:
            return None
        return (
            f"its Secret holds {quoted(', '.join(lost))}, which the generated ExternalSecret "
            "does not write and adopting would lose"
        )

    def adopt_with(
        self, key: ObjectKey, old: Item, adoption: Adoption, wanted: dict[ObjectKey, Item]
    ) -> None:
        """The Password the adopted old used goes with it, renamed to the set's Password
        in its namespace, unless it must stay; then a note says why."""
        namespace = old.namespace or adoption.applied
        generator = adoption.index(Generators.of).named(namespace, generator_of(old))
        new_name = generator_of(wanted[key])
        new_key = password_key(namespace, new_name)
        if generator is None or adoption.owner_of(generator) or new_name is None:
            return
        if new_key not in wanted or new_key in adoption.replaced or new_key in adoption.refused:
            return
        stays = _why_generator_stays(generator, adoption)
        if stays is None:
            adoption.replaced[new_key] = generator
        else:
            adoption.notes[key] = (
                f"; {generator.describe()}, which it used, is not adopted with it, as {stays}"
            )

    def adoption_notes(self, old: Item, new: Item, renamed: bool) -> Iterator[str]:
        """The Secret type kept, and an owner reference that would let a deletion take a
        generated password with it."""
        yield from type_kept(new.get("spec", "target", "template", "type"))
        owner_policy = old.get("spec", "target", "creationPolicy") in (None, "Owner")
        generated_once = generator_of(old) is not None and generator_of(new) is not None
        if generated_once and owner_policy:
            namespace, name = new.namespace, new.get("spec", "target", "name")
            yield (
                "; its Secret still has an owner reference to this ExternalSecret "
                "(creationPolicy Owner), so deleting the ExternalSecret would delete the "
                f"password: remove it with kubectl -n {namespace} patch secret {name} "
                """--type=json -p '[{"op":"remove","path":"/metadata/ownerReferences"}]'"""
            )

    def pruned(self, obj: Item, values: Any, pruning: Pruning) -> Iterator[Result]:
        """ESO deletes the Secret it owns with its ExternalSecret (creationPolicy Owner,
        its default); a generated password's Secret is Orphan and stays."""
        target = field(values, "spec", "target")
        record = rotation_record_of(field(values, "metadata", "annotations"))
        listed = pruning.entries.get(record.entry) if record is not None else None
        if record is not None and listed is not None and listed[1].rotation is not None:
            yield _login_ends(obj, record, _role_in(field(target, "template", "data")), pruning)
        if target.get("creationPolicy", "Owner") != "Owner":
            return
        keys = field(target, "template", "data")
        name = target.get("name") if isinstance(target.get("name"), str) else obj.name
        for_app = "host" in keys or obj.namespace not in pruning.clusters
        yield from deleted_secret(obj, name, _role_in(keys), for_app, pruning)

    def compared(self, namespace: str, name: str, values: dict[str, Any]) -> Any:
        """Where the role of its Secret takes its password from: (namespace, role, source),
        or None where it writes no role or takes a rotation's password (a rotation changes
        sources by design, step by step: plan/rotation.py)."""
        if rotation_record_of(field(values, "metadata", "annotations")) is not None:
            return None
        role = _role_in(field(values, "spec", "target", "template", "data"))
        source = _password_source(field(values, "spec"), namespace, name)
        return None if role is None or source is None else (namespace, role, source)

    def changed(self, before: list[Any], after: list[Any], pruning: Pruning) -> Iterator[Result]:
        """A role whose password comes from elsewhere than before gets a new one: a store's
        other entry, or a new generating ExternalSecret (each one generates anew)."""
        old = _password_sources(before)
        new = _password_sources(after) if old else {}  # a first render replaces no password
        warned: set[str] = set()
        for (namespace, role), source in new.items():
            if old.get((namespace, role), source) == source or role in warned:
                continue
            warned.add(role)
            if role not in pruning.entries:
                continue
            position, entry = pruning.entries[role]
            yield warning(
                f"{entry_path(position, entry)} now takes its password from "
                f"{source} instead of {old[namespace, role]}, so role "
                f"{quoted(role)} gets a new password once the output is applied, and its apps "
                "fail to connect until they read the new Secret; to keep the password, undo "
                "the change to the entry's password source or secretName",
                FUNCTION_CONFIG,
                field_path=f"spec.databases[{position}]",
            )


def _login_ends(obj: Item, record: RotationRecord, role: str | None, pruning: Pruning) -> Result:
    """A generation's ExternalSecret goes when its generation is retired (or a prepare
    undone) while the entry rotates: its login role stops logging in."""
    name = field(obj.read(), "spec", "target").get("name") or obj.name
    where = f"{obj.namespace}/{name}" if obj.namespace else name
    listed = pruning.entries.get(record.entry)
    keep = f"set rotation back to generation: {record.generation}, stage: {record.stage}"
    return lost(
        f"{obj.describe()} is pruned, so role {quoted(role)} can no longer log in and "
        "CloudNativePG removes its password (sessions already open keep working until they "
        f"close); its Secret {quoted(where)} stays (creationPolicy Orphan: kubectl -n "
        f"{obj.namespace or 'NAMESPACE'} delete secret {name} once no app reads it)",
        listed,
        f"{keep} before applying (once applied, rotate forward instead)",
        record.entry,
    )


def _ready(status: dict[str, Any]) -> dict[str, Any] | None:
    conditions = status.get("conditions")
    return next(
        (
            condition
            for condition in (conditions if isinstance(conditions, list) else [])
            if isinstance(condition, dict) and condition.get("type") == "Ready"
        ),
        None,
    )


def role_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint | None
) -> Rendered:
    """The Cluster namespace's ExternalSecret, read by CloudNativePG; with an endpoint
    it also serves an app in that namespace and carries the connection keys."""
    data = connection_keys(entry, endpoint) if endpoint else _basic_auth(entry)
    ref = entry.password_ref(spec.secretStore)
    if ref is None:
        return _generate_once(entry, spec, namespace, data)
    return _external_secret(entry, spec, namespace, ref, data)


def app_credentials_for(
    entry: DatabaseEntry, spec: Spec, namespace: str, endpoint: Endpoint
) -> Rendered:
    """The app namespace's copy: the same password, every connection key."""
    ref = entry.password_ref(spec.secretStore) or _generated_secret(entry, spec)
    return _external_secret(entry, spec, namespace, ref, connection_keys(entry, endpoint))


def rotation_credentials_for(
    entry: DatabaseEntry, spec: Spec, endpoint: Endpoint
) -> list[Rendered]:
    """With rotation, one ExternalSecret per live generation in the Cluster's namespace,
    each generating its password once into `<secretName>-g<generation>` for its login
    role; and the app's Secret under its own name, in its namespace (the Cluster's
    too), reading the generation it is served through spec.clusterNamespaceStore, so
    that a switch is a change of what it reads, not a new password."""
    assert entry.rotation is not None
    namespace = endpoint.written_namespace
    made = []
    for generation in entry.rotation.live:
        data = {"username": go_literal(entry.slot_role(generation)), "password": PASSWORD_VALUE}
        made.append(
            _generate_once(entry, spec, namespace, data, entry.generation_secret(generation))
        )
    ref = _generated_secret(entry, spec, entry.generation_secret(entry.rotation.serving))
    keys = connection_keys(entry, endpoint) if entry.app_namespaces else {}
    for app_namespace in entry.app_namespaces:
        written = namespace if app_namespace == endpoint.namespace else app_namespace
        made.append(_external_secret(entry, spec, written, ref, keys))
    return made


def _generated_secret(entry: DatabaseEntry, spec: Spec, name: str | None = None) -> PasswordRef:
    return PasswordRef(
        key=name or entry.secret_name,
        property="password",
        secretStore=spec.clusterNamespaceStore,
    )


def _basic_auth(entry: DatabaseEntry) -> dict[str, str]:
    return {"username": go_literal(entry.name), "password": PASSWORD_VALUE}


def _external_secret(
    entry: DatabaseEntry, spec: Spec, namespace: str, ref: PasswordRef, data: dict[str, str]
) -> Rendered:
    store = ref.secretStore
    assert isinstance(store, SecretStoreRef)
    remote = ref.model_dump(by_alias=True, exclude_none=True, exclude={"secretStore"})
    return _shell(
        entry,
        namespace,
        {
            "secretStoreRef": {"kind": store.kind, "name": store.name},
            "refreshInterval": spec.refreshInterval,
            "data": [{"secretKey": "password", "remoteRef": remote}],
            "target": _target(entry, spec, data),
        },
        store,
    )


def _generate_once(
    entry: DatabaseEntry, spec: Spec, namespace: str, data: dict[str, str], name: str = ""
) -> Rendered:
    """Generated once and kept: an immutable Secret that outlives its ExternalSecret, so
    neither a refresh nor a re-created ExternalSecret changes the password."""
    generator = {
        "apiVersion": PASSWORD.api_version,
        "kind": PASSWORD.kind,
        "name": password_generator_name(entry),
    }
    name = name or entry.secret_name
    target = _target(entry, spec, data, {"creationPolicy": "Orphan", "immutable": True}, name)
    return _shell(
        entry,
        namespace,
        {
            "refreshPolicy": "CreatedOnce",
            "dataFrom": [{"sourceRef": {"generatorRef": generator}}],
            "target": target,
        },
        name=name,
    )


def _shell(
    entry: DatabaseEntry,
    namespace: str,
    spec: dict[str, Any],
    reads: SecretStoreRef | None = None,
    name: str = "",
) -> Rendered:
    """The ExternalSecret around a spec; it claims the Secret it writes."""
    name = name or entry.secret_name
    document = {**metadata(EXTERNAL_SECRET, name, namespace), "spec": spec}
    return Rendered(document, (secret_claim(namespace, name),), reads)


def _target(
    entry: DatabaseEntry,
    spec: Spec,
    data: dict[str, str],
    policies: dict[str, Any] | None = None,
    name: str = "",
) -> dict[str, Any]:
    return {
        "name": name or entry.secret_name,
        **(policies or {}),
        "template": {
            "type": "kubernetes.io/basic-auth",
            "metadata": _in_template(secret_metadata(spec)),
            "data": data,
        },
    }


def _in_template(metadata: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """ESO renders the values of the template's labels and annotations as Go templates
    too (v2.9.0 runtime/template/v2/template.go, valueScopeApply)."""
    return {
        part: {key: go_literal(value) for key, value in values.items()}
        for part, values in metadata.items()
    }


def _why_generator_stays(generator: Item, adoption: Adoption) -> str | None:
    """A generator is taken over once, never from local configuration or another set,
    and not while an ExternalSecret that stays uses it."""
    taken_as = next((at for at, obj in adoption.replaced.items() if obj is generator), None)
    if taken_as is not None:
        _, _, namespace, name = taken_as
        became = f"{namespace}/{name}" if namespace else name
        return f"it becomes Password {quoted(became)} (an object is adopted once)"
    if generator.is_local_config:
        return f"it is local configuration ({LOCAL_CONFIG})"
    return used_by_others(generator, adoption)


def _written_keys(spec: Any, fetched: _Fetched) -> list[str] | None:
    """The keys of the Secret an ExternalSecret writes, where its fields name them: its
    template's (with what it fetches, when merged), or what it fetches."""
    spec = spec if isinstance(spec, dict) else {}
    target = spec.get("target") if isinstance(spec.get("target"), dict) else {}
    template = target.get("template")
    if not isinstance(template, dict):
        return fetched.keys(spec)
    data = template.get("data") or {}
    if template.get("templateFrom") or not isinstance(data, dict):
        return None
    if template.get("mergePolicy") != "Merge":
        return [str(key) for key in data]
    brought = fetched.keys(spec)
    return None if brought is None else [*map(str, data), *brought]


class _Fetched(NamedTuple):
    """What an ExternalSecret in a namespace fetches, read with the generators there."""

    namespace: str
    generators: Generators

    def keys(self, spec: dict[str, Any]) -> list[str] | None:
        """data[].secretKey and a Password generator's keys; None for an extract or a
        find, which bring every key of a remote secret."""
        data, sources = spec.get("data") or [], spec.get("dataFrom") or []
        if not isinstance(data, list) or not isinstance(sources, list):
            return None
        keys = [str(entry.get("secretKey")) for entry in data if isinstance(entry, dict)]
        for source in sources:
            ref = password_ref(source)
            generated = self.generators.keys_of(ref, self.namespace) if ref else None
            if generated is None:
                return None
            keys += generated
        return keys


def _password_sources(compared: list[Any]) -> dict[tuple[str, str], str]:
    """Per namespace and role, where its ExternalSecret reads the password."""
    return {(namespace, role): source for namespace, role, source in filter(None, compared)}


def _password_source(spec: dict[str, Any], namespace: str, name: str) -> str | None:
    data, generators = spec.get("data"), spec.get("dataFrom")
    if isinstance(generators, list) and generators:
        where = f"{namespace}/{name}" if namespace else name
        return f"the generator of ExternalSecret {quoted(where)}"  # each generates anew
    if isinstance(data, list) and data and isinstance(data[0], dict):
        store, remote = field(spec, "secretStoreRef"), field(data[0], "remoteRef")
        where = "/".join(str(part) for part in (remote.get("key"), remote.get("property")) if part)
        return (
            f"{store.get('kind', 'SecretStore')} {quoted(str(store.get('name')))} {quoted(where)}"
        )
    return None


def _role_in(keys: dict[str, Any]) -> str | None:
    username = keys.get("username")
    return username.replace(_GO_BRACES, "{{") if isinstance(username, str) else None
