"""The one way a function runs: read a ResourceList, process it, always write one back.

kpt judges a run by its exit code alone and kustomize throws results away, so every
error result also becomes a line on stderr and exit code 1. When anything goes
wrong the items go out exactly as they came in.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import NamedTuple

from .objects import KubeObject
from .resource_list import (
    ResourceList,
    parse_resource_list,
    resource_list_parts,
)
from .results import Result, error, has_errors
from .yaml12 import YamlError

Processor = Callable[[list[KubeObject], KubeObject | None], tuple[list[KubeObject], list[Result]]]
"""Maps (items, functionConfig) to (items, results); reports bad input as results."""


class Outcome(NamedTuple):
    stdout: str
    stderr: str
    exit_code: int


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise YamlError(f"input must be UTF-8, but byte {problem.start} is not") from None


def process(data: bytes, processor: Processor, debug_variable: str) -> Outcome:
    """Run processor on a ResourceList given as bytes; never raises."""
    parts, stderr, exit_code = _run(lambda: decode(data), processor, debug_variable)
    return Outcome("".join(parts), stderr, exit_code)


def run_function(processor: Processor, debug_variable: str) -> int:
    """Entry point for kpt and kustomize: stdin to stdout, results also to stderr.

    The cycle collector is off: a run lives for one ResourceList, its objects form no
    cycles worth collecting, and with tens of thousands of live items each collection
    pass would cost a fifth of the run.
    """
    gc.disable()
    read = lambda: decode(sys.stdin.buffer.read())  # noqa: E731 - read in _run, held nowhere else
    parts, stderr, exit_code = _run(read, processor, debug_variable)
    for part in parts:  # one at a time: items' texts are cut from the input as written
        sys.stdout.write(part)
    sys.stderr.write(stderr)
    return exit_code


def _run(
    read: Callable[[], str], processor: Processor, debug_variable: str
) -> tuple[Iterator[str], str, int]:
    """(the output's parts, stderr, exit code). The input is read here and held only by
    the items, once; on an error the items go out as they came in, whatever the
    processor did to them."""
    try:
        text = read()
        resource_list = parse_resource_list(text)
    except YamlError as problem:
        return _finish(ResourceList([], None, [error(str(problem))]))
    received = list(resource_list.items)
    as_text = all(item.text is not None for item in received)
    whole = None if as_text else text  # items parsed whole: kept to parse again
    del text
    items, results = apply(processor, resource_list, debug_variable)
    if has_errors(results):
        if as_text:
            items = [item.as_received() for item in received]
        else:
            items = parse_resource_list(whole).items
    return _finish(ResourceList(items, None, results))


def apply(
    processor: Processor, resource_list: ResourceList, debug_variable: str
) -> tuple[list[KubeObject], list[Result]]:
    """The processor's output, or an error result when it fails unexpectedly.

    The traceback is added only when the environment variable debug_variable is
    set: users need the one line, developers the rest.
    """
    try:
        return processor(resource_list.items, resource_list.function_config)
    except YamlError as problem:  # an item read only when the processor got to it
        return [], [error(str(problem))]
    except Exception as problem:
        message = f"internal error: {type(problem).__name__}: {problem}"
        if os.environ.get(debug_variable):
            import traceback  # only a bug pays for it

            message += "\n" + traceback.format_exc()
        else:
            message += f" (set {debug_variable}=1 for the traceback)"
        return [], [error(message)]


def _finish(resource_list: ResourceList) -> tuple[Iterator[str], str, int]:
    stderr = "".join(result.stderr_line() + "\n" for result in resource_list.results)
    exit_code = 1 if has_errors(resource_list.results) else 0
    return resource_list_parts(resource_list), stderr, exit_code
