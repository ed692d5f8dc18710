"""The dbset-fn command: a KRM function on stdin, or a standalone renderer.

Without arguments it is the function kpt and kustomize run. With a DatabaseSet file
it renders resources for people without kpt or kustomize.
"""

from __future__ import annotations

import functools
import os
import sys
import textwrap

from . import __version__
from .config.schema import json_schema_text
from .function import FAIL_ON_VARIABLE, process_database_set
from .krm import (
    Item,
    ResourceList,
    Result,
    YamlError,
    apply,
    has_errors,
    read_documents,
    run_function,
    write_documents,
)
from .krm.run import decode
from .plan.ownership import owner_of

DEBUG_VARIABLE = "DBSET_FN_DEBUG"

USAGE = """\
dbset-fn                                  a KRM function: a ResourceList on stdin, one on stdout
dbset-fn [--fail-on warning] DATABASESET.yaml [RESOURCES.yaml ...]
                                          render on its own: resources from the files (or
                                          stdin), every resource out as multi-document YAML;
                                          --fail-on warning: fail on what the cluster would
                                          lose (DBSET_FN_FAIL_ON=warning, in every mode)
dbset-fn status DATABASESET.yaml [RESOURCES.yaml ...] [-o table|json|yaml] < LIVE.yaml
                                          what the cluster did with each entry (a file
                                          named status: ./status); status --help for more
dbset-fn explain [FIELD]                  a DatabaseSet field, like kubectl explain
dbset-fn schema                           the DatabaseSet's JSON Schema, for editors
dbset-fn help | --help | --version        this help, with every field; the version
"""


def _help() -> str:
    """The --help text (and `kpt fn doc`'s): usage, the fields, an example. Made from
    the model only when asked for: the KRM function never needs it."""
    from .config.explain import MINIMAL_EXAMPLE, fields_at_a_glance

    return (
        "Give every app its own CloudNativePG database, owner role and credentials.\n\n"
        f"usage:\n{textwrap.indent(USAGE, '  ')}\n"
        "The DatabaseSet's fields (dbset-fn explain FIELD for more):\n"
        f"{fields_at_a_glance()}\n"
        f"A minimal DatabaseSet:\n\n{textwrap.indent(MINIMAL_EXAMPLE, '  ')}\n"
        "exit status: 0 on success, 1 when the input or the DatabaseSet is invalid (every\n"
        f"problem on stderr), 2 on a usage error. {DEBUG_VARIABLE}=1 adds the traceback of\n"
        "an internal error.\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Without arguments, at once the KRM function: kpt waits for its start-up."""
    arguments = sys.argv[1:] if argv is None else argv
    try:
        if not arguments and sys.stdin is not None and sys.stdin.isatty():
            print(f"dbset-fn reads a ResourceList on stdin; usage:\n{USAGE}", file=sys.stderr)
            return 2
        fail_on_warnings, arguments = _fail_on_warnings(arguments)
        if not arguments:
            processor = functools.partial(process_database_set, fail_on_warnings=fail_on_warnings)
            return run_function(processor, DEBUG_VARIABLE)
        return _command(arguments, fail_on_warnings)
    except UsageError as problem:
        print(f"error: {problem}\n\nusage:\n{USAGE}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`| head`): no traceback, no more output
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130


class UsageError(Exception):
    """The command line asks for something the command does not do."""


def _fail_on_warnings(arguments: list[str]) -> tuple[bool, list[str]]:
    """Whether to fail on warnings (--fail-on warning first, or DBSET_FN_FAIL_ON), and
    the other arguments."""
    wanted = os.environ.get(FAIL_ON_VARIABLE, "")
    if arguments[:1] == ["--fail-on"]:
        wanted, arguments = (arguments[1] if len(arguments) > 1 else ""), arguments[2:]
        if wanted != "warning":
            raise UsageError(f"--fail-on must be warning, got {wanted!r}")
    elif wanted not in ("", "warning"):
        raise UsageError(f"{FAIL_ON_VARIABLE} must be warning or unset, got {wanted!r}")
    return wanted == "warning", arguments


def _command(arguments: list[str], fail_on_warnings: bool = False) -> int:
    """The command's words: --help, --version, status, explain, schema, or files to
    render. `status` is always the word: a DatabaseSet file of that name is ./status."""
    first, rest = arguments[0], arguments[1:]
    if first in ("-h", "--help", "help") and not rest:
        sys.stdout.write(_help())
        return 0
    if first == "--version":
        sys.stdout.write(f"dbset-fn {__version__}\n")
        return 0
    if first == "explain" and len(rest) <= 1:
        from .config.explain import explain

        try:
            sys.stdout.write(explain(rest[0] if rest else ""))
        except KeyError as unknown:
            print(f"error: {unknown.args[0]}", file=sys.stderr)
            return 2
        return 0
    if first == "status":
        from .status.command import main as status

        return status(rest)
    if first == "schema" and not rest:
        sys.stdout.write(json_schema_text())
        return 0
    if first.startswith("-"):
        print(f"error: unknown option {first!r}\n\nusage:\n{USAGE}", file=sys.stderr)
        return 2
    return render_files(first, rest, fail_on_warnings)


def render_files(
    config_file: str, resource_files: list[str], fail_on_warnings: bool = False
) -> int:
    """Standalone mode: files in, multi-document YAML out, problems on stderr."""
    try:
        configs = _documents(config_file)
        if len(configs) != 1:
            raise YamlError(
                f"{config_file} must hold exactly one document, the DatabaseSet; got {len(configs)}"
            )
        items = [item for name in resource_files or ["-"] for item in _documents(name)]
    except OSError as problem:
        print(f"error: cannot read {problem.filename}: {problem.strerror}", file=sys.stderr)
        return 1
    except YamlError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    rendered, results = render(configs[0], items, fail_on_warnings)
    for result in results:
        print(result.stderr_line(), file=sys.stderr)
    if rendered is None:
        return 1
    sys.stdout.write(write_documents(rendered))
    return 0


def render(
    config: Item, items: list[Item], fail_on_warnings: bool = False
) -> tuple[list[Item] | None, list[Result]]:
    """The items with what the DatabaseSet makes of them, or None when it fails. The
    objects it generated lose the file annotations meant for kpt: nothing writes them to
    files. Every other object, another set's too, goes out as it came."""
    processor = functools.partial(process_database_set, fail_on_warnings=fail_on_warnings)
    items, results = apply(processor, ResourceList(items, config), DEBUG_VARIABLE)
    if has_errors(results):
        return None, results
    return [item.unplaced() if owner_of(item) == config.name else item for item in items], results


def _documents(name: str) -> list[Item]:
    where = "stdin" if name == "-" else name
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(name, "rb") as file:
            data = file.read()
    return read_documents(decode(data), where)
