"""What the end-to-end tests share: the image, the real tools, and skips that say why.

The tests run the real kpt, kubectl and podman. Where one is missing they skip with
the reason; .ci/run sets DBSET_FN_NO_SKIP=1, which turns every such skip into a failure.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from dbset_fn import __version__

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
# .ci/build-image tags it v + the version, and v + major.minor, which the tests leave alone.
IMAGE = f"localhost/dbset-fn:v{__version__}"


def image_is_built() -> bool:
    if shutil.which("podman") is None:
        return False
    return subprocess.run(["podman", "image", "exists", IMAGE]).returncode == 0


needs_image = pytest.mark.skipif(
    not image_is_built(),
    reason=f"needs podman and the image {IMAGE} (podman build -t {IMAGE} .)",
)


def needs(*commands: str) -> pytest.MarkDecorator:
    missing = [command for command in commands if shutil.which(command) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} on PATH")
