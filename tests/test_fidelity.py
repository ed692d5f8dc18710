"""The function gives back what it does not own exactly as it came, byte for byte.

tests/golden/fidelity-corpus/input.yaml is a package of resources full of YAML 1.1
traps, quoting styles, flow collections, block scalars and kpt annotations; its
last document is the Cluster the DatabaseSet extends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dbset_fn.cli import main
from dbset_fn.krm import yaml12

CASE = Path(__file__).parent / "golden" / "fidelity-corpus"


def passthrough_documents() -> list[str]:
    """The corpus documents, each with its `---` line, all but the final Cluster."""
    documents = ["---\n" + part for part in (CASE / "input.yaml").read_text().split("---\n")[1:]]
    assert "kind: Cluster\n" in documents[-1]
    return documents[:-1]


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both PyYAML back ends must agree: libyaml where present, pure Python elsewhere."""
    if request.param == "pure-python":
        monkeypatch.setattr(yaml12, "_Parser", yaml12._PythonParser)
        monkeypatch.setattr(yaml12, "_Dumper", yaml12._PythonDumper)
    return request.param


def test_passthrough_documents_come_back_byte_identical(
    yaml_backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main([str(CASE / "config.yaml"), str(CASE / "input.yaml")])
    output = capsys.readouterr().out

    assert exit_code == 0
    assert output.startswith("".join(passthrough_documents()))


def test_the_extended_cluster_keeps_its_own_fields(
    yaml_backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main([str(CASE / "config.yaml"), str(CASE / "input.yaml")])
    cluster = capsys.readouterr().out.split("---\n")[len(passthrough_documents()) + 1]

    for line in [
        "  labels: {app.kubernetes.io/part-of: platform}\n",
        '    cnpg.io/skipEmptyWalArchiveCheck: "enabled"\n',
        "    note: 'on'\n",
        '      max_connections: "200"\n',
        "      log_line_prefix: '%m [%p] %q%u@%d '\n",
        "    - {name: backup_checker, ensure: present, login: true, connectionLimit: 2}\n",
    ]:
        assert line in cluster
