"""Taking over what an earlier generator or a person wrote (spec.adopt).

An object no DatabaseSet owns that stands where a generated object goes (the same
kind, namespace and name) is replaced by the generated one in place: same file, same
position in it, so kpt rewrites that file and Kubernetes sees an update, never a
delete and a create. An adopted ExternalSecret's Password generator goes with it,
renamed to the set's name for it: with refreshPolicy CreatedOnce, ESO generates a
password only for an ExternalSecret that has never synced, whatever its generatorRef
says (external-secrets v2.9.0, pkg/controllers/externalsecret/
externalsecret_controller.go, shouldRefresh), so no password rotates.

Only what a set would have generated is taken over, each object once: a Secret that
holds more than the generated one writes would lose it, and so would the Secret of an
ExternalSecret that writes more keys (or keys it does not name); a Password generator
that an ExternalSecret which stays still uses is that ExternalSecret's too. Where such
an object stands where a generated one goes, it is an error saying why (collisions.py);
a generator that stays is named in its ExternalSecret's result. Any shape of the
fields read here is read safely: a shape ESO would not read names no generator.

What Kubernetes would refuse is not adopted silently: the generated object keeps the
Secret type the adopted one produced (generate.py), and a changed spec.name or
spec.cluster is an error (immutable.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .collisions import Generated
from .kinds import EXTERNAL_SECRET, PASSWORD, SECRET
from .krm import Item, Result, info, quoted
from .krm.objects import LOCAL_CONFIG, ORCHESTRATOR_PREFIXES
from .model import Spec
from .ownership import GENERATED_SECRET_FIELDS, OWNER, ObjectKey, key_of, owner_of

BASIC_AUTH = "kubernetes.io/basic-auth"
MAX_LISTED = 6  # changed fields named in a result; more are counted


class Adoption(NamedTuple):
    """What spec.adopt takes over, by the key of the generated object that replaces each,
    and why it leaves alone what it cannot take over."""

    replaced: dict[ObjectKey, Item]
    refused: dict[ObjectKey, str]  # an object where a generated one goes: why it stays
    notes: dict[ObjectKey, str]  # an adopted ExternalSecret: why its generator stays


def adoptable(generated: list[Generated], kept: list[Item], applied: str) -> Adoption:
    """Only what a set would have generated, each object once: an object where a
    generated one goes (but not a Secret, or an ExternalSecret's Secret, holding more
    than the generated one writes, nor a Password an ExternalSecret that stays still
    uses), and the Password an adopted ExternalSecret used, renamed, where the
    generated one uses a Password too. Objects without a namespace are in applied (see
    key_of)."""
    wanted = {key_of(new.obj, applied): new.obj for new in generated}
    in_place = {
        key: obj
        for obj in kept
        if (key := key_of(obj, applied)) in wanted and not owner_of(obj) and not obj.is_local_config
    }
    generators = _Generators.of(kept, applied)
    adoption = Adoption({}, {}, {})
    # Passwords last: whether one is still used depends on the ExternalSecrets adopted.
    for key, obj in sorted(in_place.items(), key=lambda pair: PASSWORD.of(pair[1])):
        why_not = _why_not_in_place(obj, wanted[key], generators, adoption.replaced)
        if why_not is None:
            adoption.replaced[key] = obj
        else:
            adoption.refused[key] = why_not
    for key, obj in list(adoption.replaced.items()):
        if EXTERNAL_SECRET.of(obj):
            _take_generator(key, obj, wanted, generators, adoption)
    return adoption


class _Generators(NamedTuple):
    """The input's Password generators, and the ExternalSecrets that use each (one in
    their namespace), by the generator's key."""

    passwords: dict[ObjectKey, Item]
    users: dict[ObjectKey, list[Item]]
    applied: str  # where an object without a namespace is

    @classmethod
    def of(cls, kept: list[Item], applied: str) -> _Generators:
        passwords = {key_of(obj, applied): obj for obj in kept if PASSWORD.of(obj)}
        users: dict[ObjectKey, list[Item]] = {}
        for obj in kept:
            if EXTERNAL_SECRET.of(obj):
                for name in _generators_named(obj):
                    key = _password_key(obj.namespace or applied, name)
                    users.setdefault(key, []).append(obj)
        return cls(passwords, users, applied)

    def keys_of(self, ref: dict[str, Any], namespace: str) -> list[str] | None:
        """The keys a Password gives: its spec.secretKeys, else "password"; None where
        the ref names none or the keys are of another shape."""
        name = ref.get("name")
        if not isinstance(name, str):
            return None
        generator = self.passwords.get(_password_key(namespace or self.applied, name))
        chosen = generator.get("spec", "secretKeys") if generator is not None else None
        if chosen is None:
            return ["password"]
        return [str(key) for key in chosen] if isinstance(chosen, list) else None


def _why_not_in_place(
    obj: Item, new: Item, generators: _Generators, replaced: dict[ObjectKey, Item]
) -> str | None:
    """Why an object where a generated one goes cannot be taken over, or None."""
    if SECRET.of(obj):
        return _held_beyond(obj, new)
    if EXTERNAL_SECRET.of(obj):
        return _keys_beyond(obj, new, generators)
    if PASSWORD.of(obj):
        return _used_by_others(obj, generators, replaced)
    return None


def _held_beyond(secret: Item, new: Item) -> str | None:
    """A Secret's data is never replaced: only the fields and stringData keys the
    generated Secret writes may hold anything."""
    values = secret.read()
    written = new.get("stringData") or {}
    held = [
        path
        for field, value in values.items()
        if field not in GENERATED_SECRET_FIELDS or field == "stringData"
        for path in _held_paths(str(field), value, written if field == "stringData" else {})
    ]
    if not held:
        return None
    return (
        f"it holds {quoted(', '.join(held))}, which the generated Secret does not write "
        "and adopting would lose"
    )


def _held_paths(field: str, value: Any, written: dict[str, Any]) -> list[str]:
    """Where a field holds something: each key of a mapping (but those written anew),
    or the field itself."""
    if isinstance(value, dict):
        return [f"{field}.{key}" for key in value if key not in written]
    return [] if value in (None, "", []) else [field]


def _keys_beyond(external_secret: Item, new: Item, generators: _Generators) -> str | None:
    """The Secret an adopted ExternalSecret wrote keeps only the keys the generated one
    writes: one that writes other keys, or keys its fields do not tell, stays."""
    fetched = _Fetched(external_secret.namespace, generators)
    keys = _written_keys(external_secret.get("spec"), fetched)
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
    generators: _Generators

    def keys(self, spec: dict[str, Any]) -> list[str] | None:
        """data[].secretKey and a Password generator's keys; None for an extract or a
        find, which bring every key of a remote secret."""
        data, sources = spec.get("data") or [], spec.get("dataFrom") or []
        if not isinstance(data, list) or not isinstance(sources, list):
            return None
        keys = [str(entry.get("secretKey")) for entry in data if isinstance(entry, dict)]
        for source in sources:
            ref = _password_ref(source)
            generated = self.generators.keys_of(ref, self.namespace) if ref else None
            if generated is None:
                return None
            keys += generated
        return keys


def _used_by_others(
    password: Item, generators: _Generators, replaced: dict[ObjectKey, Item]
) -> str | None:
    """A Password that an ExternalSecret which stays uses is that ExternalSecret's too."""
    adopted = {id(obj) for obj in replaced.values()}
    users = generators.users.get(key_of(password, generators.applied), [])
    staying = [obj for obj in users if id(obj) not in adopted]
    if not staying:
        return None
    return f"{staying[0].describe()} uses it too and is not taken over"


def _take_generator(
    key: ObjectKey,
    old: Item,
    wanted: dict[ObjectKey, Item],
    generators: _Generators,
    adoption: Adoption,
) -> None:
    """The Password an adopted ExternalSecret used goes with it, renamed to the set's
    Password in its namespace, unless it must stay; then a note says why."""
    namespace = old.namespace or generators.applied
    generator = generators.passwords.get(_password_key(namespace, _generator_of(old)))
    new_name = _generator_of(wanted[key])
    new_key = _password_key(namespace, new_name)
    if generator is None or owner_of(generator) or new_name is None or new_key not in wanted:
        return
    if new_key in adoption.replaced or new_key in adoption.refused:
        return
    stays = _why_generator_stays(generator, generators, adoption)
    if stays is None:
        adoption.replaced[new_key] = generator
    else:
        adoption.notes[key] = (
            f"; {generator.describe()}, which it used, is not adopted with it, as {stays}"
        )


def _why_generator_stays(
    generator: Item, generators: _Generators, adoption: Adoption
) -> str | None:
    """A generator is taken over once, never from local configuration, and not while an
    ExternalSecret that stays uses it."""
    taken_as = next((at for at, obj in adoption.replaced.items() if obj is generator), None)
    if taken_as is not None:
        return f"it becomes Password {quoted(_named(taken_as))} (an object is adopted once)"
    if generator.is_local_config:
        return f"it is local configuration ({LOCAL_CONFIG})"
    return _used_by_others(generator, generators, adoption.replaced)


def _named(key: ObjectKey) -> str:
    _, _, namespace, name = key
    return f"{namespace}/{name}" if namespace else name


def _password_key(namespace: str, name: str | None) -> ObjectKey:
    return (PASSWORD.group, PASSWORD.kind, namespace, name or "")


def adoption_results(
    generated: list[Generated], adoption: Adoption, spec: Spec, applied: str
) -> Iterator[Result]:
    """One info result per adopted object: what it became, and what changed in it."""
    for position, obj, *_ in generated:
        key = key_of(obj, applied)
        old = adoption.replaced.get(key)
        if old is None:
            continue
        entry = spec.databases[position]
        same = key_of(old, applied) == key
        became = "" if same else f" as {obj.describe()}"
        message = (
            f"adopted {old.describe()}{became} for spec.databases[{position}] "
            f"({quoted(entry.name)}): {describe_changes(old.read(), obj.read())}"
        )
        message += "".join(_notes(old, obj, same)) + adoption.notes.get(key, "")
        yield info(message, obj)


def _generator_of(external_secret: Item) -> str | None:
    """The first Password generator an ExternalSecret uses, or None."""
    return next(_generators_named(external_secret), None)


def _generators_named(external_secret: Item) -> Iterator[str]:
    """The Password generators named in dataFrom[].sourceRef.generatorRef, the one place
    ESO reads one from; any other shape of those fields names none."""
    sources = external_secret.get("spec", "dataFrom")
    for source in sources if isinstance(sources, list) else []:
        ref = _password_ref(source)
        if ref is not None and isinstance(ref.get("name"), str):
            yield ref["name"]


def _password_ref(source: Any) -> dict[str, Any] | None:
    """A dataFrom entry's generatorRef to a Password, or None."""
    source_ref = source.get("sourceRef") if isinstance(source, dict) else None
    ref = source_ref.get("generatorRef") if isinstance(source_ref, dict) else None
    return ref if isinstance(ref, dict) and _is_password(ref) else None


def _is_password(ref: dict[str, Any]) -> bool:
    """A generatorRef to a Password: its apiVersion defaults to the Password's."""
    api_version = ref.get("apiVersion", PASSWORD.api_version)
    group = api_version.rpartition("/")[0] if isinstance(api_version, str) else None
    return ref.get("kind") == PASSWORD.kind and group == PASSWORD.group


def _notes(old: Item, new: Item, same: bool) -> Iterator[str]:
    """What the user should know beyond the fields: a Secret type kept, a password
    generator renamed (same: new is old under its own name), an owner reference that
    would let a deletion take a generated password with it."""
    kept_type = (
        new.get("spec", "target", "template", "type")
        if EXTERNAL_SECRET.of(new)
        else new.get("type")
        if SECRET.of(new)
        else None
    )
    if kept_type not in (None, BASIC_AUTH):
        yield (
            f"; its Secret stays of type {quoted(kept_type)}, as Kubernetes cannot change a "
            f"Secret's type: to switch to {BASIC_AUTH} on purpose, delete this object's file "
            "and render, then delete the Secret and this ExternalSecret in the cluster before "
            "applying, so that ESO writes the Secret anew (a generated password changes then)"
        )
    if PASSWORD.of(new) and not same:
        yield (
            "; ESO does not generate a password again for the new name, as the "
            "ExternalSecret using it has synced with refreshPolicy CreatedOnce"
        )
    owner_policy = old.get("spec", "target", "creationPolicy") in (None, "Owner")
    generated_once = _generator_of(old) is not None and _generator_of(new) is not None
    if EXTERNAL_SECRET.of(new) and generated_once and owner_policy:
        namespace, name = new.namespace, new.get("spec", "target", "name")
        yield (
            "; its Secret still has an owner reference to this ExternalSecret (creationPolicy "
            "Owner), so deleting the ExternalSecret would delete the password: remove it with "
            f"kubectl -n {namespace} patch secret {name} --type=json "
            """-p '[{"op":"remove","path":"/metadata/ownerReferences"}]'"""
        )


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    """`adds spec.x, changes spec.y, removes spec.z`: paths only, never values (a
    Secret's data is no message's business)."""
    added, changed, removed = [], [], []
    for path, (before, after) in _leaves(_without_tracking(old), _without_tracking(new)):
        (added if before is _NONE else removed if after is _NONE else changed).append(path)
    parts = [
        f"{verb} {_listed(paths)}"
        for verb, paths in (("adds", added), ("changes", changed), ("removes", removed))
        if paths
    ]
    return ", ".join(parts) if parts else "nothing changes"


_NONE = object()


def _leaves(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, tuple[Any, Any]]]:
    """Dotted paths where old and new differ; mappings compared key by key, anything
    else as a whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            below = f"{path}.{key}" if path else str(key)
            yield from _leaves(old.get(key, _NONE), new.get(key, _NONE), below)
    elif old != new:
        yield path, (old, new)


def _without_tracking(values: dict[str, Any]) -> dict[str, Any]:
    """Without the annotations that only say who made an object and where it is filed;
    metadata or annotations of another shape are compared as they are."""
    metadata = values.get("metadata")
    annotations = (metadata.get("annotations") or {}) if isinstance(metadata, dict) else None
    if not isinstance(metadata, dict) or not isinstance(annotations, dict):
        return values
    kept = {
        key: value
        for key, value in annotations.items()
        if not str(key).startswith(ORCHESTRATOR_PREFIXES) and key != OWNER
    }
    metadata = {key: value for key, value in metadata.items() if key != "annotations"}
    return {**values, "metadata": metadata | ({"annotations": kept} if kept else {})}


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:MAX_LISTED])
    return shown + (f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else "")
