"""A small SDK for KRM functions: wire format, objects, results, YAML fidelity.

It knows nothing about databases; the DatabaseSet function is written on top of it.
"""

from .objects import KubeObject
from .resource_list import ResourceList, format_resource_list, parse_resource_list
from .results import Result, error, has_errors, warning
from .run import Outcome, Processor, apply, process, run_function
from .yaml12 import YamlError

__all__ = [
    "KubeObject",
    "Outcome",
    "Processor",
    "ResourceList",
    "Result",
    "YamlError",
    "apply",
    "error",
    "format_resource_list",
    "has_errors",
    "parse_resource_list",
    "process",
    "run_function",
    "warning",
]
