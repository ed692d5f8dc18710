"""External Secrets Operator's two kinds, and how ESO reads a generatorRef.

Both the ExternalSecret and the Password generator modules need them: an adopted
ExternalSecret's Password generator goes with it, and a generator an ExternalSecret
that stays uses stays too, so adoption must know which generators the input holds and
which ExternalSecrets use each. Any shape of the fields read here is read safely: a
shape ESO would not read names no generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..krm import Item
from .base import Adoption, Kind, ObjectKey

EXTERNAL_SECRET = Kind("external-secrets.io", "v1", "ExternalSecret")
PASSWORD = Kind("generators.external-secrets.io", "v1alpha1", "Password")


def password_key(namespace: str, name: str | None) -> ObjectKey:
    return PASSWORD.key(namespace, name or "")


class Generators(NamedTuple):
    """The input's Password generators, and the ExternalSecrets that use each (one in
    their namespace), by the generator's key."""

    passwords: dict[ObjectKey, Item]
    users: dict[ObjectKey, list[Item]]
    applied: str  # where an object without a namespace is

    @classmethod
    def of(cls, kept: list[Item], applied: str) -> Generators:
        passwords = {
            password_key(obj.namespace or applied, obj.name): obj
            for obj in kept
            if PASSWORD.of(obj)
        }
        users: dict[ObjectKey, list[Item]] = {}
        for obj in kept:
            if EXTERNAL_SECRET.of(obj):
                for name in generators_named(obj):
                    users.setdefault(password_key(obj.namespace or applied, name), []).append(obj)
        return cls(passwords, users, applied)

    def named(self, namespace: str, name: str | None) -> Item | None:
        return self.passwords.get(password_key(namespace or self.applied, name))

    def keys_of(self, ref: dict[str, Any], namespace: str) -> list[str] | None:
        """The keys a Password gives: its spec.secretKeys, else "password"; None where
        the ref names none or the keys are of another shape."""
        name = ref.get("name")
        if not isinstance(name, str):
            return None
        generator = self.named(namespace, name)
        chosen = generator.get("spec", "secretKeys") if generator is not None else None
        if chosen is None:
            return ["password"]
        return [str(key) for key in chosen] if isinstance(chosen, list) else None


def used_by_others(password: Item, adoption: Adoption) -> str | None:
    """A Password that an ExternalSecret which stays uses is that ExternalSecret's too."""
    generators = adoption.index(Generators.of)
    adopted = {id(obj) for obj in adoption.replaced.values()}
    key = password_key(password.namespace or adoption.applied, password.name)
    staying = [obj for obj in generators.users.get(key, []) if id(obj) not in adopted]
    if not staying:
        return None
    return f"{staying[0].describe()} uses it too and is not taken over"


def generator_of(external_secret: Item) -> str | None:
    """The first Password generator an ExternalSecret uses, or None."""
    return next(generators_named(external_secret), None)


def generators_named(external_secret: Item) -> Iterator[str]:
    """The Password generators named in dataFrom[].sourceRef.generatorRef, the one place
    ESO reads one from; any other shape of those fields names none."""
    sources = external_secret.get("spec", "dataFrom")
    for source in sources if isinstance(sources, list) else []:
        ref = password_ref(source)
        if ref is not None and isinstance(ref.get("name"), str):
            yield ref["name"]


def password_ref(source: Any) -> dict[str, Any] | None:
    """A dataFrom entry's generatorRef to a Password, or None."""
    source_ref = source.get("sourceRef") if isinstance(source, dict) else None
    ref = source_ref.get("generatorRef") if isinstance(source_ref, dict) else None
    return ref if isinstance(ref, dict) and _is_password(ref) else None


def _is_password(ref: dict[str, Any]) -> bool:
    """A generatorRef to a Password: its apiVersion defaults to the Password's."""
    api_version = ref.get("apiVersion", PASSWORD.api_version)
    group = api_version.rpartition("/")[0] if isinstance(api_version, str) else None
    return ref.get("kind") == PASSWORD.kind and group == PASSWORD.group
