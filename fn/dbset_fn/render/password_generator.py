"""The ESO Password generator behind a `password.generate` entry."""

from __future__ import annotations

from ..kinds import PASSWORD
from ..model import DatabaseEntry
from .rendered import Rendered, metadata


def password_generator_name(entry: DatabaseEntry) -> str:
    return f"{entry.kubernetes_name}-db-password"


def password_generator_for(entry: DatabaseEntry, namespace: str) -> Rendered:
    """Repeats allowed: without them ESO refuses more symbols than symbolCharacters has."""
    assert entry.password is not None
    settings = entry.password.generate
    document = {
        **metadata(PASSWORD, password_generator_name(entry), namespace),
        "spec": {
            "length": settings.length,
            "digits": settings.digits,
            "symbols": settings.symbols,
            "symbolCharacters": settings.symbolCharacters,
            "noUpper": False,
            "allowRepeat": True,
        },
    }
    return Rendered(document)
