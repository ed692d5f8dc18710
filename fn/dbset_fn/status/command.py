"""`dbset-fn status` (the live objects from files or stdin) and `kubectl-dbset status`
(the kubectl plugin, which runs kubectl get itself); one report, the same verdicts."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable

from ..krm import Item, YamlError, read_documents
from ..krm.run import decode
from .live import SECRET_COLUMNS, LiveObjects, live_objects
from .output import as_json, as_table, as_yaml
from .report import PackageError, report

LIVE_RESOURCES = ",".join(
    (
        "clusters.postgresql.cnpg.io",
        "databases.postgresql.cnpg.io",
        "databaseroles.postgresql.cnpg.io",
        "externalsecrets.external-secrets.io",
    )
)
"""What kubectl get reads for a report (Secrets apart: their metadata only)."""

FORMATS: dict[str, Callable] = {"table": as_table, "json": as_json, "yaml": as_yaml}

EXIT_CODES = """\
exit status: 0 every entry OK; 1 an entry FAILED or MISSING, or the input is invalid;
2 a usage error; 3 none failed or missing, but some PENDING, STALE or UNKNOWN.
"""

OFFLINE_LIVE = f"""\
The live objects are what these print, on stdin or in --live files:
  kubectl get {LIVE_RESOURCES} -A -o yaml
  kubectl get secrets -A -o custom-columns={SECRET_COLUMNS}
(Secrets in the YAML are read for their name, namespace and resourceVersion only.)
"""


class CommandError(Exception):
    """A problem with the command's input, one line."""


def main(arguments: list[str]) -> int:
    """dbset-fn status ..."""
    parser = _parser("dbset-fn status", OFFLINE_LIVE)
    parser.add_argument(
        "--live",
        action="append",
        default=[],
        metavar="FILE",
        help="live objects (kubectl get -o yaml), - for stdin; stdin when none",
    )
    parser.add_argument(
        "--secrets",
        action="append",
        default=[],
        metavar="FILE",
        help="kubectl get secrets -o custom-columns output",
    )
    options = parser.parse_args(arguments)
    return _run(options, lambda: _offline(options))


def plugin_main(argv: list[str] | None = None) -> int:
    """kubectl-dbset: kubectl runs it for `kubectl dbset ...`, with the words after it."""
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or arguments[0] != "status":
        print(
            "usage: kubectl dbset status DATABASESET.yaml [RESOURCES.yaml ...] [flags]\n"
            "(kubectl dbset status --help says more)",
            file=sys.stderr,
        )
        return 0 if arguments[:1] in (["-h"], ["--help"]) else 2
    parser = _parser(
        "kubectl dbset status",
        "It reads the cluster with kubectl get, as the flags say; every namespace unless -n.\n",
    )
    parser.add_argument("--context", help="the kubeconfig context to use")
    parser.add_argument("--kubeconfig", help="the kubeconfig file to use")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "-n", "--namespace", help="read only this namespace; objects elsewhere are UNKNOWN"
    )
    scope.add_argument(
        "-A", "--all-namespaces", action="store_true", help="read every namespace (the default)"
    )
    options = parser.parse_args(arguments[1:])
    return _run(options, lambda: _from_kubectl(options))


def _parser(program: str, epilog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program,
        description=(
            "What the cluster did with each entry of a DatabaseSet: its role, Database, "
            "password Secret and app Secret, each OK, PENDING, STALE, UNKNOWN, MISSING or FAILED."
        ),
        epilog=epilog + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", metavar="DATABASESET.yaml", help="the DatabaseSet")
    parser.add_argument(
        "resources",
        metavar="RESOURCES.yaml",
        nargs="*",
        help="the package's other files: its Cluster, at least",
    )
    parser.add_argument("-o", "--output", choices=sorted(FORMATS), default="table")
    return parser


def _run(options: argparse.Namespace, read_live: Callable[[], LiveObjects]) -> int:
    try:
        configs = _documents(options.config)
        if len(configs) != 1:
            raise CommandError(
                f"{options.config} must hold exactly one document, the DatabaseSet; "
                f"got {len(configs)}"
            )
        package = [item for name in options.resources for item in _documents(name)]
        result = report(configs[0], package, read_live())
    except PackageError as problems:
        for line in problems.args[0]:
            print(line, file=sys.stderr)
        return 1
    except OSError as problem:
        print(f"error: cannot read {problem.filename}: {problem.strerror}", file=sys.stderr)
        return 1
    except (CommandError, YamlError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    sys.stdout.write(FORMATS[options.output](result))
    return result.exit_code


def _offline(options: argparse.Namespace) -> LiveObjects:
    sources = options.live or ["-"]
    if sources == ["-"] and sys.stdin.isatty():
        raise CommandError(
            "the live objects come on stdin or with --live FILE:\n" + OFFLINE_LIVE.rstrip()
        )
    items = [item for name in sources for item in _documents(name)]
    tables = [_text(name) for name in options.secrets]
    return live_objects(items, tables)


def _from_kubectl(options: argparse.Namespace) -> LiveObjects:
    """Two kubectl gets: the objects as YAML, and Secrets' metadata as columns."""
    kubectl = [shutil.which("kubectl") or "kubectl"]
    kubectl += [f"--context={options.context}"] if options.context else []
    kubectl += [f"--kubeconfig={options.kubeconfig}"] if options.kubeconfig else []
    scope = [f"--namespace={options.namespace}"] if options.namespace else ["--all-namespaces"]
    objects = _kubectl([*kubectl, "get", LIVE_RESOURCES, *scope, "-o", "yaml"])
    secrets = _kubectl(
        [*kubectl, "get", "secrets", *scope, "-o", f"custom-columns={SECRET_COLUMNS}"]
    )
    namespaces = {options.namespace} if options.namespace else None
    return live_objects(read_documents(objects, "kubectl get"), [secrets], namespaces)


def _kubectl(command: list[str]) -> str:
    try:
        run = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise CommandError("kubectl is not on PATH") from None
    if run.returncode != 0:
        said = run.stderr.strip().splitlines()[-1:] or [f"exit status {run.returncode}"]
        raise CommandError(f"kubectl {' '.join(command[1:])} failed: {said[0]}")
    return run.stdout


def _text(name: str) -> str:
    if name == "-":
        return decode(sys.stdin.buffer.read())
    with open(name, "rb") as file:
        return decode(file.read())


def _documents(name: str) -> list[Item]:
    return read_documents(_text(name), "stdin" if name == "-" else name)
