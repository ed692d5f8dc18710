"""The DatabaseSet's JSON Schema, made from the model so the two cannot drift.

Editors that speak yaml-language-server (VS Code's YAML extension, Neovim, Helix)
validate and complete DatabaseSet files with it; schema/databaseset.schema.json is
the committed copy, tested to equal what this module makes. Its `$id` is the address
of this version's copy, so an editor pointed at it keeps checking against the schema
of the version a package uses.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from .model import API_VERSION, KIND, DatabaseSet

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_URL = (
    "https://raw.githubusercontent.com/dbset-fn/dbset-fn/"
    f"v{__version__}/schema/databaseset.schema.json"
)


def json_schema() -> dict[str, Any]:
    schema = DatabaseSet.model_json_schema(by_alias=True)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_URL,
        **schema,
        "title": f"{KIND} ({API_VERSION})",
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
