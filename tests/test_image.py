"""The container image: the same function as the installed command, locked down as kpt runs it."""

from __future__ import annotations

import json
import subprocess

import pytest
from dbset_fn import __version__
from e2e import IMAGE, needs, needs_image
from golden_runner import case_input

pytestmark = [needs_image, needs("dbset-fn")]

LOCKED_DOWN = ["--network", "none", "--user", "nobody", "--read-only"]


@pytest.mark.parametrize("case", ["seed", "error-invalid-names"])
def test_the_image_gives_the_same_bytes_as_the_installed_command(case: str) -> None:
    stdin = case_input(case)

    in_image = subprocess.run(
        ["podman", "run", "--rm", "-i", *LOCKED_DOWN, IMAGE], input=stdin, capture_output=True
    )
    installed = subprocess.run(["dbset-fn"], input=stdin, capture_output=True)

    assert (in_image.returncode, in_image.stdout, in_image.stderr) == (
        installed.returncode,
        installed.stdout,
        installed.stderr,
    )


def test_the_image_says_what_it_is() -> None:
    inspect = subprocess.run(
        ["podman", "image", "inspect", IMAGE], capture_output=True, text=True, check=True
    )
    config = json.loads(inspect.stdout)[0]["Config"]

    assert config["Labels"]["org.opencontainers.image.version"] == __version__
    assert config["Labels"]["org.opencontainers.image.source"].startswith("https://")
    assert config["User"] not in ("", "0", "root")


def test_the_image_is_tagged_by_its_version_and_minor_version_never_latest() -> None:
    """.ci/build-image tags vX.Y.Z and the floating vX.Y, as a release does."""
    minor = IMAGE.rsplit(".", 1)[0]
    inspect = subprocess.run(
        ["podman", "image", "inspect", IMAGE, minor], capture_output=True, text=True
    )
    assert inspect.returncode == 0, f"{minor} is missing: build the image with .ci/build-image"
    images = json.loads(inspect.stdout)

    assert images[0]["Id"] == images[1]["Id"]
    assert not [tag for tag in images[0]["RepoTags"] if tag.endswith(":latest")]


def in_image(script: str, *podman_args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Runs a Python script with the image's Python: exit status, stdout, stderr."""
    run = subprocess.run(
        ["podman", "run", "--rm", "-i", *podman_args,
         "--entrypoint", "/opt/dbset-fn/bin/python", IMAGE, "-c", script],
        input=stdin, capture_output=True,
    )  # fmt: skip
    return run.returncode, run.stdout.decode(), run.stderr.decode()


def test_the_image_holds_no_build_tools() -> None:
    """The runtime stage gets the virtual environment alone: no pip, setuptools or wheel."""
    script = """
import importlib.util
print([name for name in ("pip", "setuptools", "wheel") if importlib.util.find_spec(name)])
"""
    assert in_image(script, *LOCKED_DOWN) == (0, "[]\n", "")


def test_everything_a_run_imports_is_byte_compiled() -> None:
    """kpt gives the container a read-only root: a module not compiled in is compiled again
    on every run. With a writable root and bytecode caching on, a run adds no .pyc file."""
    script = """
import os, subprocess, sys, time
start = time.time()
env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
subprocess.run(["/opt/dbset-fn/bin/dbset-fn"], input=sys.stdin.buffer.read(), env=env,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
written = []
for top, _, names in [*os.walk("/opt"), *os.walk("/usr")]:
    paths = [os.path.join(top, name) for name in names if name.endswith(".pyc")]
    written += [path for path in paths if os.path.getmtime(path) >= start]
print(written)
"""
    writable = ["--network", "none", "--user", "0"]
    assert in_image(script, *writable, stdin=case_input("seed")) == (0, "[]\n", "")


def test_what_the_dockerfile_adds_to_its_base_stays_under_20_mb() -> None:
    history = subprocess.run(
        ["podman", "history", "--format", "json", IMAGE], capture_output=True, check=True
    )
    layers = json.loads(history.stdout)
    # Newest first; ours end at the runtime stage's first instruction, its LABEL.
    ours = []
    for layer in layers:
        ours.append(layer)
        if "LABEL org.opencontainers.image.title" in layer["CreatedBy"]:
            break

    assert len(ours) < len(layers)
    assert sum(layer["size"] for layer in ours) < 20 * 1000 * 1000
