"""User values inside messages: one line, nothing a terminal acts on, never too long.

Every message is one line on stderr (kustomize shows nothing else) and one result.
A value taken from the input may hold line breaks, escape sequences or megabytes, so
it is always shown through `quoted`.
"""

from __future__ import annotations

import json
from typing import Any

MAX_SHOWN = 100  # characters of a value shown before it is cut short


def quoted(value: Any) -> str:
    """value in double quotes (strings) or in JSON's spelling (anything else), with
    control and invisible characters escaped, cut short after MAX_SHOWN characters."""
    if isinstance(value, str):
        shown = _escaped(value[:MAX_SHOWN])
        cut = f"… ({len(value)} characters)" if len(value) > MAX_SHOWN else ""
        return f'"{shown}"{cut}'
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):  # a cycle cannot come from YAML; be safe anyway
        text = type(value).__name__
    if len(text) > MAX_SHOWN:
        return f"{one_line(text[:MAX_SHOWN])}… ({len(text)} characters)"
    return one_line(text)


def unquoted(text: str) -> str:
    """A string from the input shown as is (a file path, say), escaped and cut short."""
    return quoted(text)[1:].replace('"', "", 1) if len(text) > MAX_SHOWN else quoted(text)[1:-1]


def one_line(text: str) -> str:
    """text with its control and invisible characters escaped: one line, inert."""
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else _escape(character) for character in text
    )


def _escaped(text: str) -> str:
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return "".join(_escape(character) for character in text)


def _escape(character: str) -> str:
    if character in '"\\':
        return "\\" + character
    if character.isprintable():
        return character
    code = ord(character)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(character)
    return named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
