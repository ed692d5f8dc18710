"""A small SDK for KRM functions: wire format, items and objects, results, YAML fidelity.

It knows nothing about databases; the DatabaseSet function is written on top of it.
"""

from .documents import read_documents, write_documents
from .edits import CannotEdit, Created, Emptied
from .messages import quoted
from .objects import (
    LOCAL_CONFIG,
    ORCHESTRATOR_PREFIXES,
    Item,
    KubeObject,
    Origin,
    is_orchestrator_annotation,
    placement,
)
from .resource_list import ResourceList, parse_resource_list
from .results import FUNCTION_CONFIG, Result, error, has_errors, info, warning
from .run import Outcome, Processor, apply, process, run_function
from .yaml12 import YamlError

__all__ = [
    "FUNCTION_CONFIG",
    "LOCAL_CONFIG",
    "ORCHESTRATOR_PREFIXES",
    "CannotEdit",
    "Created",
    "Emptied",
    "Item",
    "KubeObject",
    "Origin",
    "Outcome",
    "Processor",
    "ResourceList",
    "Result",
    "YamlError",
    "apply",
    "error",
    "has_errors",
    "info",
    "is_orchestrator_annotation",
    "parse_resource_list",
    "placement",
    "process",
    "quoted",
    "read_documents",
    "run_function",
    "warning",
    "write_documents",
]
