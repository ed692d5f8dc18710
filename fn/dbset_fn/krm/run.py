"""The one way a function runs: read a ResourceList, process it, always write one back.

kpt judges a run by its exit code alone and shows the results; kustomize throws
results away and shows only stderr. So an error is exit code 1, and every result is
also a line on stderr, except for kpt, which would show each twice. When anything
goes wrong the items go out exactly as they came in: items are text that nothing
changes, so the list received is the list sent back.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import NamedTuple

from .objects import PACKAGE_PATH, SEQ_INDENT, Item
from .resource_list import ResourceList, parse_resource_list, resource_list_parts
from .results import Result, error, has_errors
from .yaml12 import YamlError

Processor = Callable[[list[Item], Item | None], tuple[list[Item], list[Result]]]
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
    parts, shown, exit_code = _run(lambda: decode(data), processor, debug_variable)
    return Outcome("".join(parts), "".join(_stderr_lines(shown)), exit_code)


def run_function(processor: Processor, debug_variable: str) -> int:
    """Entry point for kpt and kustomize: stdin to stdout, results also to stderr.

    The cycle collector is off: a run lives for one ResourceList, its objects form no
    cycles worth collecting, and with tens of thousands of live items each collection
    pass would cost a fifth of the run.
    """
    gc.disable()
    if sys.stdin is None or sys.stdout is None:
        return _fail("stdin and stdout must be open: kpt and kustomize connect both")
    read = lambda: decode(sys.stdin.buffer.read())  # noqa: E731 - read in _run, held nowhere else
    parts, shown, exit_code = _run(read, processor, debug_variable)
    try:
        for part in parts:  # one at a time: items' texts are cut from the input as written
            sys.stdout.write(part)
        sys.stdout.flush()
    except OSError as problem:  # a closed pipe, a full disk: say so, once, and fail
        _silence_stdout()
        return _fail(f"cannot write the output: {problem.strerror or problem}")
    if sys.stderr is not None:
        sys.stderr.writelines(_stderr_lines(shown))
    return exit_code


def _stderr_lines(results: list[Result]) -> Iterator[str]:
    """Made one at a time: a thousand info results need not stand as one string."""
    return (result.stderr_line() + "\n" for result in results)


def _fail(message: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(f"error: {message}\n")
    return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit finds nothing to
    complain about."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(
    read: Callable[[], str], processor: Processor, debug_variable: str
) -> tuple[Iterator[str], list[Result], int]:
    """(the output's parts, the results for stderr, exit code). The input is read here
    and held only by the items, once; on an error the items go out as they came in."""
    try:
        resource_list = parse_resource_list(read())
    except YamlError as problem:
        return _finish(ResourceList([], None, [error(str(problem))]))
    except Exception as problem:  # a bug: one line, as for the processor's
        return _finish(ResourceList([], None, [_internal_error(problem, debug_variable)]))
    if has_errors(resource_list.results):  # items that are no resources: said, and kept
        return _finish(resource_list)
    received = resource_list.items
    items, results = apply(processor, resource_list, debug_variable)
    results = [result.pointed_at(resource_list.function_config) for result in results]
    if has_errors(results):
        items = received
    return _finish(resource_list._replace(items=items, results=results))


def apply(
    processor: Processor, resource_list: ResourceList, debug_variable: str
) -> tuple[list[Item], list[Result]]:
    """The processor's output, or an error result when it fails unexpectedly.

    The traceback is added only when the environment variable debug_variable is
    set: users need the one line, developers the rest.
    """
    try:
        return processor(list(resource_list.items), resource_list.function_config)
    except YamlError as problem:  # an item read only when the processor got to it
        return [], [error(str(problem))]
    except Exception as problem:
        return [], [_internal_error(problem, debug_variable)]


def sent_by_kpt(items: list[Item]) -> bool:
    """kpt marks every item it read from a file with the file's list indentation (and,
    in `fn render`, with its package); kustomize marks neither."""
    return any(
        item.header.annotation(SEQ_INDENT) or item.header.annotation(PACKAGE_PATH) for item in items
    )


def _internal_error(problem: Exception, debug_variable: str) -> Result:
    """A bug, in one line; the traceback on stderr only when debug_variable is set."""
    message = f"internal error: {type(problem).__name__}: {problem}"
    if os.environ.get(debug_variable):
        import traceback  # only a bug pays for it

        traceback.print_exc()
    else:
        message += f" (set {debug_variable}=1 for the traceback)"
    return error(message)


def _finish(resource_list: ResourceList) -> tuple[Iterator[str], list[Result], int]:
    """The output's parts, the results to show on stderr, the exit code. kpt shows the
    results itself; stderr repeats them for the others, kustomize above all, which
    shows nothing else."""
    shown = [] if sent_by_kpt(resource_list.items) else resource_list.results
    exit_code = 1 if has_errors(resource_list.results) else 0
    return resource_list_parts(resource_list), shown, exit_code
