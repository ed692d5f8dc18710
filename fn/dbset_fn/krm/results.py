"""Results as the KRM function spec defines them.

Severity is always written (left out, it means error). References, field paths and
files appear only when they point somewhere: an empty placeholder helps nobody.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from .messages import MAX_SHOWN, one_line, quoted
from .objects import Item

Severity = Literal["error", "warning", "info"]


class FunctionConfig:
    """Stands for the functionConfig in a result about one of its fields: the run points
    the result at it, wherever the function found the problem."""

    def __repr__(self) -> str:
        return "FUNCTION_CONFIG"


FUNCTION_CONFIG = FunctionConfig()


class Result(NamedTuple):
    message: str
    severity: Severity = "error"
    resource: Item | FunctionConfig | None = None
    field_path: str = ""
    current_value: Any = None

    def pointed_at(self, function_config: Item | None) -> Result:
        """The result with FUNCTION_CONFIG made the functionConfig it stands for."""
        return self._replace(resource=function_config) if self.resource is FUNCTION_CONFIG else self

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"message": self.message, "severity": self.severity}
        if isinstance(self.resource, Item) and self.resource.kind:
            result["message"] = self._after_the_field()
            result["resourceRef"] = self.resource.resource_ref()
            if self.field_path:
                result["field"] = {"path": self.field_path}
                if self.current_value is not None:
                    result["field"]["currentValue"] = _shown(self.current_value)
            if self.resource.path:
                index = self.resource.index
                result["file"] = {"path": self.resource.path, "index": _number(index)}
        return result

    def _after_the_field(self) -> str:
        """kpt prints a result's field path before its message: a message that begins
        with it (as one on stderr, which shows no field, must) drops it there."""
        path = self.field_path
        if path and self.message.startswith(f"{path} "):
            return self.message[len(path) + 1 :]
        return self.message

    def stderr_line(self) -> str:
        """One line for the stderr that kustomize shows in place of results.

        Messages name their field themselves, so the line is severity and message.
        """
        return one_line(f"{self.severity}: {self.message}")


def _shown(value: Any) -> Any:
    """A value for a result as it is, or as a string cut short when it is long."""
    shown = quoted(value)
    return value if len(shown) <= MAX_SHOWN + 2 else shown


def _number(index: str) -> int:
    """kpt's index annotation as a number (it is a string in YAML; 0 if it is no number)."""
    return int(index) if index.isascii() and index.isdigit() and len(index) < 10 else 0


def error(message: str, resource: Item | FunctionConfig | None = None, **field: Any) -> Result:
    return Result(message, "error", resource, **field)


def warning(message: str, resource: Item | FunctionConfig | None = None, **field: Any) -> Result:
    return Result(message, "warning", resource, **field)


def info(message: str, resource: Item | FunctionConfig | None = None, **field: Any) -> Result:
    return Result(message, "info", resource, **field)


def has_errors(results: list[Result]) -> bool:
    return any(result.severity == "error" for result in results)
