"""The pre-commit hook: a commit may not leave a kpt package that runs dbset-fn unrendered.

pre-commit passes the files a commit touches. Each kpt package above them whose
Kptfile runs dbset-fn is rendered with `kpt fn render`; pre-commit then fails the
commit if that changed a file, and the rendered files are there to review and add.
The hook's own environment holds dbset-fn, so a Kptfile's `exec: dbset-fn` finds it.
With `args: [--fail-on, warning]` a render with warnings fails the commit: kpt passes
warnings, and what the cluster would lose must not be committed unseen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .function import FAIL_ON_VARIABLE

KPTFILE = "Kptfile"


def main(argv: list[str] | None = None) -> int:
    files = sys.argv[1:] if argv is None else argv
    environment = {**os.environ, "PATH": _with_this_environment(os.environ.get("PATH", ""))}
    if files[:2] == ["--fail-on", "warning"]:
        files, environment[FAIL_ON_VARIABLE] = files[2:], "warning"
    packages = sorted({package for name in files if (package := _package_of(Path(name)))})
    failed = 0
    for package in packages:
        run = subprocess.run(
            ["kpt", "fn", "render", str(package), "--allow-exec"],
            env=environment,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            failed = 1
            sys.stderr.write(f"kpt fn render {package} failed:\n{run.stdout}{run.stderr}")
    return failed


def _package_of(path: Path) -> Path | None:
    """The nearest directory at or above path with a Kptfile that runs dbset-fn."""
    for directory in [path.parent, *path.parent.parents]:
        kptfile = directory / KPTFILE
        if kptfile.is_file():
            return directory if "dbset-fn" in kptfile.read_text(errors="replace") else None
    return None


def _with_this_environment(path: str) -> str:
    """The directory of this interpreter's scripts first: where dbset-fn is installed."""
    return os.pathsep.join([str(Path(sys.executable).parent), path])
