"""metadata.yaml, the function's entry in the kpt functions catalog's format, stays true,
and so does every image reference the repository shows: tagged v + the version.

The catalog's format: image, description, tags (from its list), sourceURL,
examplePackageURLs, license and hidden, nothing else. Ours name the release they describe,
v + __version__, in the image tag and in the URLs.
"""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml
from dbset_fn import __version__
from e2e import EXAMPLES, ROOT

METADATA = yaml.safe_load((ROOT / "metadata.yaml").read_text())
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REPOSITORY = PROJECT["urls"]["Homepage"]  # https://github.com/OWNER/NAME
RELEASE = f"{REPOSITORY}/tree/v{__version__}"

CATALOG_TAGS = {"mutator", "validator", "generator", "viewer", "test", "testing", "timing"}


def test_it_has_the_catalog_fields_and_no_other() -> None:
    assert set(METADATA) == {
        "image", "description", "tags", "sourceURL", "examplePackageURLs", "license", "hidden",
    }  # fmt: skip
    assert METADATA["tags"] and set(METADATA["tags"]) <= CATALOG_TAGS
    assert METADATA["hidden"] is False


def test_the_image_is_the_release_of_this_version_in_the_repository_registry() -> None:
    owner_and_name = REPOSITORY.removeprefix("https://github.com/")
    assert METADATA["image"] == f"ghcr.io/{owner_and_name}:v{__version__}"


def test_description_and_license_are_pyprojects() -> None:
    assert METADATA["description"] == PROJECT["description"]
    assert METADATA["license"] == PROJECT["license"]


def test_the_urls_name_the_release_and_the_examples_are_every_kpt_package() -> None:
    assert METADATA["sourceURL"] == RELEASE
    listed = []
    for url in METADATA["examplePackageURLs"]:
        assert url.startswith(f"{RELEASE}/examples/"), url
        listed.append(url.removeprefix(f"{RELEASE}/examples/"))

    packages = sorted(kptfile.parent.name for kptfile in EXAMPLES.glob("*/Kptfile"))
    assert sorted(listed) == packages


# A reference to the image by a version (with or without its v) or by latest; not the
# placeholders vX.Y.Z, TAG or v$VERSION, which name no version.
VERSIONED = re.compile(r"dbset-fn:(latest|v?[0-9][\w.-]*)")


def test_every_image_reference_is_tagged_v_and_the_version_or_its_minor_never_latest() -> None:
    """The golden cases and the corpus are input data; the changelog is history."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    allowed = {f"v{__version__}", f"v{__version__.rsplit('.', 1)[0]}"}
    wrong = []
    for name in files:
        if name.startswith(("tests/golden/", "tests/corpus/")) or name == "CHANGELOG.md":
            continue
        path = ROOT / name
        try:
            text = path.read_text()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        wrong += [
            f"{name}: {match.group(0)}"
            for match in VERSIONED.finditer(text)
            if match.group(1) not in allowed
        ]
    assert wrong == []
