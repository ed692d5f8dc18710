"""The DatabaseSet's JSON Schema, made from the config records so the two cannot drift.

Editors that speak yaml-language-server (VS Code's YAML extension, Neovim, Helix)
validate and complete DatabaseSet files with it; schema/databaseset.schema.json is
the committed copy, tested to equal what this module makes.
"""

from __future__ import annotations

import json
from typing import Any

from .config import API_VERSION, KIND, DatabaseSet
from .records import json_schema as record_schema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    schema = record_schema(DatabaseSet)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": KIND,
        "description": f"{KIND} ({API_VERSION}): the config of the dbset-fn KRM function",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
