"""The ESO Password generator behind a `password.generate` entry."""

from __future__ import annotations

from typing import Any

from ..model import DatabaseEntry

GENERATOR_API_VERSION = "generators.external-secrets.io/v1alpha1"


def password_generator_name(entry: DatabaseEntry) -> str:
    return f"{entry.kubernetes_name}-db-password"


def password_generator_for(entry: DatabaseEntry, namespace: str) -> dict[str, Any]:
    """Repeats allowed: without them ESO refuses more symbols than symbolCharacters has."""
    assert entry.password is not None
    settings = entry.password.generate
    name = password_generator_name(entry)
    return {
        "apiVersion": GENERATOR_API_VERSION,
        "kind": "Password",
        "metadata": {"name": name, "namespace": namespace} if namespace else {"name": name},
        "spec": {
            "length": settings.length,
            "digits": settings.digits,
            "symbols": settings.symbols,
            "symbolCharacters": settings.symbolCharacters,
            "noUpper": False,
            "allowRepeat": True,
        },
    }
