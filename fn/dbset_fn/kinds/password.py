"""The ESO Password generator behind a `password.generate` entry."""

from __future__ import annotations

from collections.abc import Iterator

from ..config.model import DatabaseEntry, Spec
from ..krm import Item
from .base import Adoption, GeneratedKind, Rendered, metadata
from .connection import Endpoint
from .eso import PASSWORD, used_by_others


class Password(GeneratedKind):
    kind = PASSWORD
    adopted_last = True  # whether one is still used depends on the ExternalSecrets adopted

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        """Repeats allowed: without them ESO refuses more symbols than symbolCharacters has."""
        if not entry.present or entry.password is None:
            return []
        settings = entry.password.generate
        name = password_generator_name(entry)
        document = {
            **metadata(PASSWORD, name, endpoint.written_namespace),
            "spec": {
                "length": settings.length,
                "digits": settings.digits,
                "symbols": settings.symbols,
                "symbolCharacters": settings.symbolCharacters,
                "noUpper": False,
                "allowRepeat": True,
            },
        }
        return [Rendered(document)]

    def adoption_refusal(self, obj: Item, new: Item, adoption: Adoption) -> str | None:
        return used_by_others(obj, adoption)

    def adoption_notes(self, old: Item, new: Item, renamed: bool) -> Iterator[str]:
        if renamed:
            yield (
                "; ESO does not generate a password again for the new name, as the "
                "ExternalSecret using it has synced with refreshPolicy CreatedOnce"
            )


def password_generator_name(entry: DatabaseEntry) -> str:
    return f"{entry.kubernetes_name}-db-password"
