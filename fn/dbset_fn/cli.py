"""The dbset-fn command: a KRM function on stdin, or a standalone renderer.

Without arguments it is the function kpt and kustomize run. With a DatabaseSet file
it renders resources for people without kpt or kustomize.
"""

from __future__ import annotations

import os
import sys

from . import __version__
from .function import process_database_set
from .krm import (
    Item,
    ResourceList,
    YamlError,
    apply,
    has_errors,
    read_documents,
    run_function,
    write_documents,
)
from .krm.objects import INDEX, INTERNAL_INDEX, INTERNAL_PATH, PATH
from .krm.run import decode
from .ownership import owner_of
from .schema import json_schema_text

DEBUG_VARIABLE = "DBSET_FN_DEBUG"

DESCRIPTION = """\
Give every app its own CloudNativePG database, owner role and credentials.

Run without arguments, dbset-fn is a KRM function: it reads a ResourceList whose
functionConfig is a DatabaseSet on stdin and writes the resulting ResourceList to
stdout (kpt fn render / kpt fn eval / kustomize build --enable-alpha-plugins).

Run with a DatabaseSet file, it renders on its own: it reads the resources from
the files given (stdin when none), adds the managed roles to the Cluster and
prints every resource, with the generated objects appended, as multi-document YAML.

`dbset-fn schema` prints the DatabaseSet's JSON Schema, for editors.
"""

EPILOG = f"""\
exit status: 0 on success, 1 when the input or the DatabaseSet is invalid
(every problem is printed on stderr), 2 on a usage error.
Set {DEBUG_VARIABLE}=1 to see the traceback of an internal error.
"""


def main(argv: list[str] | None = None) -> int:
    """Without arguments, at once the KRM function: kpt waits for its start-up."""
    arguments = sys.argv[1:] if argv is None else argv
    try:
        if not arguments:
            return run_function(process_database_set, DEBUG_VARIABLE)
        return _command(arguments)
    except BrokenPipeError:  # the reader went away (`| head`): no traceback, no more output
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130


def _command(arguments: list[str]) -> int:
    import argparse  # the KRM function never needs it

    parser = argparse.ArgumentParser(
        prog="dbset-fn",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dbset-fn {__version__}")
    parser.add_argument(
        "database_set",
        nargs="?",
        metavar="DATABASESET.yaml",
        help="the DatabaseSet to render (omit to run as a KRM function)",
    )
    parser.add_argument(
        "resources",
        nargs="*",
        metavar="RESOURCES.yaml",
        help="files with the Cluster and other resources (default: stdin)",
    )
    args = parser.parse_args(arguments)
    if args.database_set == "schema" and not args.resources:
        sys.stdout.write(json_schema_text())
        return 0
    if args.database_set is None:
        return run_function(process_database_set, DEBUG_VARIABLE)
    return render_files(args.database_set, args.resources)


def render_files(config_file: str, resource_files: list[str]) -> int:
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
    items, results = apply(process_database_set, ResourceList(items, configs[0]), DEBUG_VARIABLE)
    for result in results:
        print(result.stderr_line(), file=sys.stderr)
    if has_errors(results):
        return 1
    sys.stdout.write(write_documents(_unplaced(item) if owner_of(item) else item for item in items))
    return 0


def _unplaced(item: Item) -> Item:
    """A generated object without the file annotations meant for kpt."""
    obj = item.parse()
    for key in (PATH, INDEX, INTERNAL_PATH, INTERNAL_INDEX):
        obj.delete("metadata", "annotations", key)
    return obj.to_item()


def _documents(name: str) -> list[Item]:
    where = "stdin" if name == "-" else name
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(name, "rb") as file:
            data = file.read()
    return read_documents(decode(data), where)
