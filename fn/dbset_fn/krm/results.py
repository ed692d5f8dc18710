"""Results as the KRM function spec defines them.

Severity is always written (left out, it means error). References, field paths and
files appear only when they point somewhere: an empty placeholder helps nobody.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from .objects import KubeObject

Severity = Literal["error", "warning", "info"]


class Result(NamedTuple):
    message: str
    severity: Severity = "error"
    resource: KubeObject | None = None
    field_path: str = ""
    current_value: Any = None

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"message": self.message, "severity": self.severity}
        if self.resource is not None:
            result["resourceRef"] = self.resource.resource_ref()
            if self.field_path:
                result["field"] = {"path": self.field_path}
                if self.current_value is not None:
                    result["field"]["currentValue"] = self.current_value
            if self.resource.path:
                index = self.resource.index
                result["file"] = {
                    "path": self.resource.path,
                    "index": int(index) if index.isdigit() else 0,
                }
        return result

    def stderr_line(self) -> str:
        """One line for the stderr that kustomize shows in place of results.

        Messages name their field themselves, so the line is severity and message.
        """
        return f"{self.severity}: {self.message}"


def error(message: str, resource: KubeObject | None = None, **field: Any) -> Result:
    return Result(message, "error", resource, **field)


def warning(message: str, resource: KubeObject | None = None, **field: Any) -> Result:
    return Result(message, "warning", resource, **field)


def has_errors(results: list[Result]) -> bool:
    return any(result.severity == "error" for result in results)
