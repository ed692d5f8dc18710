"""The function in a locked-down container (read-only root, no network, user nobody)
needs nothing it would not get there: it writes no file and makes no socket.

tests/test_image.py runs the image that way; this traces the same code system call by
system call.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from e2e import needs
from golden_runner import case_input

WRITING = re.compile(r"\b(creat|mkdir|rename|unlink|truncate)\(|O_WRONLY|O_RDWR|O_CREAT")


@needs("strace")
def test_the_function_writes_no_file_and_opens_no_socket(tmp_path: Path) -> None:
    """Python is told not to cache bytecode, as in the image (where it is compiled in)."""
    trace = tmp_path / "trace"
    calls = "socket,connect,bind,open,openat,creat,mkdir,rename,unlink,truncate"
    run = subprocess.run(
        ["strace", "-f", "-qq", "-e", f"trace={calls}", "-o", str(trace),
         sys.executable, "-m", "dbset_fn"],
        input=case_input("seed"), capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    syscalls = trace.read_text().splitlines()
    assert [call for call in syscalls if re.search(r"\b(socket|connect|bind)\(", call)] == []
    assert [call for call in syscalls if WRITING.search(call)] == []
