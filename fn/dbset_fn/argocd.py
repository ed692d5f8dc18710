"""The Argo CD Config Management Plugin's commands (deploy/argocd/plugin/plugin.yaml).

argocd-cmp-server runs them without a shell in the Application's directory, in a
repo-server sidecar made of the dbset-fn image. `discover` prints why the directory is
a package to render, or nothing. `generate` renders it as `kpt fn render` would and
prints what Argo CD applies: every object but the Kptfile, the DatabaseSets and what
is marked local-config, which `kpt live apply` leaves out too. On any problem it
prints nothing on stdout and exits 1, so a pruning Application never sees an empty
render. A kustomization is left to Argo CD's own kustomize. An Application's plugin
env `DBSET_FN_FAIL_ON: warning` (Argo CD passes it as ARGOCD_ENV_DBSET_FN_FAIL_ON)
fails a render with warnings, so nothing the cluster would lose is synced unseen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .cli import render
from .function import FAIL_ON_VARIABLE
from .krm import Item, YamlError, read_documents, write_documents
from .krm.run import decode

USAGE = "usage: dbset-fn-argocd discover|generate (in the Application's directory)"
KPTFILE = "Kptfile"
KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


class Refused(Exception):
    """The directory is not a package this plugin renders; the message says why."""


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    commands = {"discover": discover, "generate": generate}
    if len(arguments) != 1 or arguments[0] not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        return commands[arguments[0]](Path())
    except (Refused, YamlError) as problem:
        print(f"dbset-fn-argocd: {problem}", file=sys.stderr)
        return 1
    except OSError as problem:
        message = f"cannot read {problem.filename}: {problem.strerror}"
        print(f"dbset-fn-argocd: {message}", file=sys.stderr)
        return 1


def discover(app: Path) -> int:
    """Argo CD asks plugins before its own tools, so a kustomization never matches."""
    if (app / KPTFILE).is_file():
        if any(_runs_dbset_fn(step) for step in _pipeline(_read(app, KPTFILE))[0]):
            print("Kptfile: its pipeline runs dbset-fn")
    elif not _is_kustomization(app):
        database_set = next((path for path, item in _items(app) if _is_database_set(item)), None)
        if database_set is not None:
            print(f"{database_set}: a DatabaseSet")
    return 0


def generate(app: Path) -> int:
    files = _items(app)
    if (app / KPTFILE).is_file():
        config_paths = _kptfile_configs(app, files)
    elif _is_kustomization(app):
        raise Refused("a kustomization: Argo CD builds it with its own kustomize (docs/argocd.md)")
    else:
        config_paths = sorted({path for path, item in files if _is_database_set(item)})
        if not config_paths:
            raise Refused("no DatabaseSet in this directory")
    items = [item for path, item in files if path not in config_paths]
    fail_on_warnings = _fails_on_warnings()
    for path in config_paths:
        items, results = render(_only_document(path, files), items, fail_on_warnings)
        for result in results:
            print(result.stderr_line(), file=sys.stderr)
        if items is None:
            raise Refused(f"dbset-fn {path} failed; nothing rendered")
    sys.stdout.write(write_documents(item for item in items if _applied(item)))
    return 0


def _items(app: Path) -> list[tuple[str, Item]]:
    """(file, item) for every resource of the package: YAML files and Kptfiles, hidden
    ones left out, in a stable order."""
    found = []
    for top, directories, names in os.walk(app):
        directories[:] = sorted(name for name in directories if not name.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and (name.endswith((".yaml", ".yml")) or name == KPTFILE):
                path = os.path.relpath(os.path.join(top, name), app)
                found += [(path, item) for item in _read(app, path)]
    return found


def _read(app: Path, path: str) -> list[Item]:
    return read_documents(decode((app / path).read_bytes()), path)


def _fails_on_warnings() -> bool:
    """Argo CD prefixes an Application's plugin env with ARGOCD_ENV_."""
    wanted = os.environ.get(f"ARGOCD_ENV_{FAIL_ON_VARIABLE}") or os.environ.get(FAIL_ON_VARIABLE)
    if wanted not in (None, "", "warning"):
        raise Refused(f"{FAIL_ON_VARIABLE} must be warning or unset, got {wanted!r}")
    return wanted == "warning"


def _pipeline(kptfile: list[Item]) -> tuple[list[dict], list[dict]]:
    """A Kptfile's mutators and validators."""
    kpt_values = kptfile[0].read() if kptfile else None
    pipeline = kpt_values.get("pipeline") if isinstance(kpt_values, dict) else None
    if not isinstance(pipeline, dict):
        return [], []
    steps = [pipeline.get("mutators") or [], pipeline.get("validators") or []]
    mutators, validators = ([step if isinstance(step, dict) else {} for step in s] for s in steps)
    return mutators, validators


def _kptfile_configs(app: Path, files: list[tuple[str, Item]]) -> list[str]:
    """The DatabaseSet files the Kptfile's pipeline runs dbset-fn with, in order."""
    kptfiles = {path: item for path, item in files if item.kind == KPTFILE}
    mutators, validators = _pipeline([kptfiles[KPTFILE]] if KPTFILE in kptfiles else [])
    for step in mutators + validators:
        if not _runs_dbset_fn(step):
            name = step.get("image") or step.get("exec") or step
            raise Refused(
                f"the Kptfile's pipeline runs {name}, which this plugin cannot run: render the "
                "package in the repository (kpt fn render) and sync it as a directory "
                "(docs/argocd.md)"
            )
    if validators or not mutators:
        raise Refused("the Kptfile's pipeline must run dbset-fn as a mutator, and nothing else")
    for path, kptfile in kptfiles.items():
        if path != KPTFILE and any(_pipeline([kptfile])):
            raise Refused(f"{path}: a subpackage with its own pipeline; render in the repository")
    configs = []
    for step in mutators:
        config = os.path.normpath(str(step.get("configPath") or ""))
        if config == "." or os.path.isabs(config) or config.startswith(".."):
            raise Refused("each dbset-fn mutator needs a configPath inside the package")
        if not (app / config).is_file():
            raise Refused(f"{config}: no such file (the Kptfile's configPath)")
        configs.append(config)
    return configs


def _only_document(path: str, files: list[tuple[str, Item]]) -> Item:
    items = [item for where, item in files if where == path]
    if len(items) != 1:
        raise Refused(f"{path} must hold exactly one document, the DatabaseSet; got {len(items)}")
    return items[0]


def _runs_dbset_fn(step: dict) -> bool:
    """An image .../dbset-fn:TAG (or @digest), or exec: dbset-fn."""
    reference = str(step.get("image") or step.get("exec") or "").strip()
    name = reference.split(" ")[0].rsplit("/", 1)[-1]
    return name.split("@")[0].split(":")[0] == "dbset-fn"


def _is_kustomization(app: Path) -> bool:
    return any((app / name).exists() for name in KUSTOMIZATIONS)


def _is_database_set(item: Item) -> bool:
    return item.kind == "DatabaseSet" and item.api_version.startswith("dbset.krm.dev/")


def _applied(item: Item) -> bool:
    """What Argo CD applies: not the Kptfile, a DatabaseSet or local configuration."""
    return not (item.kind == KPTFILE or _is_database_set(item) or item.is_local_config)
