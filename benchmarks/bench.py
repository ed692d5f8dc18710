"""Time and memory of the installed dbset-fn, as ratios to baselines measured in the same run.

usage: python benchmarks/bench.py [--runs N] [--sizes seed,middle,large] [--write SIZE FILE]

Sizes: the seed scenario; 100 databases + 1,000 passthrough resources; 1,000
databases + 10,000 passthrough resources. Each input is a ResourceList as kpt sends it
(items with kpt's path annotations, the DatabaseSet among them). dbset-fn runs on it
over stdin; the baseline is a plain PyYAML load and dump of the same ResourceList with
libyaml's C loader and dumper, in a fresh interpreter; start-up is compared with
`python3 -c "import yaml"`. Medians of N runs; peak memory is the child's max RSS.
Machines are shared and noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

SIZES = {"seed": (3, 0), "middle": (100, 1_000), "large": (1_000, 10_000)}
BASELINE = (
    "import sys, yaml; "
    "data = yaml.load(sys.stdin, Loader=yaml.CSafeLoader); "
    "sys.stdout.write(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))"
)
TARGETS = """\
targets (ratios in this run):
  large: dbset-fn time / baseline time        <= 0.15
  large time / middle time                     <= 12
  large peak memory <= 3 x input size + the interpreter (dbset-fn's peak on the seed)
  seed: dbset-fn time / python3 -c "import yaml" <= 1.7
"""


@dataclass
class Measure:
    seconds: float
    peak_bytes: int


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument(
        "--write", nargs=2, metavar=("SIZE", "FILE"), help="only write that input, to profile with"
    )
    args = parser.parse_args()
    if args.write:
        size, path = args.write
        Path(path).write_text(resource_list(*SIZES[size]))
        return 0
    dbset_fn = shutil.which("dbset-fn")
    if dbset_fn is None:
        sys.exit("dbset-fn is not installed: pip install .")
    with tempfile.TemporaryDirectory() as directory:
        report(Path(directory), [dbset_fn], args.runs, args.sizes.split(","))
    return 0


def report(directory: Path, command: list[str], runs: int, sizes: list[str]) -> None:
    python = [sys.executable]
    empty = directory / "empty"
    empty.write_text("")
    import_yaml = median([*python, "-c", "import yaml"], empty, runs)
    print(f"python3 -c 'import yaml': {import_yaml.seconds:.3f} s, {mb(import_yaml.peak_bytes)}")
    measured: dict[str, tuple[Measure, Measure, int]] = {}
    for size in sizes:
        path = directory / f"{size}.yaml"
        path.write_text(resource_list(*SIZES[size]))
        function = median(command, path, runs)
        baseline = median([*python, "-c", BASELINE], path, runs)
        measured[size] = (function, baseline, path.stat().st_size)
        print(
            f"{size:>6}: input {mb(path.stat().st_size)}; dbset-fn {function.seconds:.3f} s, "
            f"{mb(function.peak_bytes)}; PyYAML load+dump {baseline.seconds:.3f} s, "
            f"{mb(baseline.peak_bytes)}; ratio {function.seconds / baseline.seconds:.3f}"
        )
    print()
    print(TARGETS)
    if "seed" in measured:
        ratio = measured["seed"][0].seconds / import_yaml.seconds
        print(f"seed start-up ratio: {ratio:.2f} (target <= 1.7)")
    if "large" in measured:
        function, baseline, size = measured["large"]
        print(f"large vs baseline:   {function.seconds / baseline.seconds:.3f} (target <= 0.15)")
        if "seed" in measured:
            allowed = 3 * size + measured["seed"][0].peak_bytes
            print(f"large peak memory:   {mb(function.peak_bytes)} (target <= {mb(allowed)})")
        if "middle" in measured:
            growth = function.seconds / measured["middle"][0].seconds
            print(f"large / middle time: {growth:.2f} (target <= 12)")


def median(command: list[str], stdin: Path, runs: int) -> Measure:
    measures = [run_once(command, stdin) for _ in range(runs)]
    return Measure(
        statistics.median(m.seconds for m in measures),
        int(statistics.median(m.peak_bytes for m in measures)),
    )


SPAWN = """\
import os, sys, time
null = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
to_null = [(os.POSIX_SPAWN_DUP2, null, 1)]
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=to_null)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
# A child's peak memory (ru_maxrss) starts from the peak of the process it was spawned
# from, so the command is spawned by a bare interpreter, smaller than anything measured,
# which reports the command's time and peak.


def run_once(command: list[str], stdin: Path) -> Measure:
    with stdin.open("rb") as source:
        report = subprocess.run(
            [sys.executable, "-S", "-c", SPAWN, *command],
            stdin=source,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    seconds, peak_kib, exit_code = report.split()
    if int(exit_code):
        sys.exit(f"{command[0]} failed on {stdin.name} with exit code {exit_code}")
    return Measure(float(seconds), int(peak_kib) * 1024)


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def resource_list(databases: int, passthrough: int) -> str:
    """A kpt package's ResourceList: a Cluster, its Pooler, the DatabaseSet, and many
    resources the function passes through."""
    database_set = {
        "apiVersion": "dbset.krm.dev/v1alpha1",
        "kind": "DatabaseSet",
        "metadata": {
            "name": "bench",
            "annotations": {"config.kubernetes.io/local-config": "true", **kpt("databaseset.yaml")},
        },
        "spec": {
            "cluster": {"name": "prod-pg17", "namespace": "postgres"},
            "databases": [database(number) for number in range(databases)],
        },
    }
    items = [cluster(), pooler(), database_set]
    items += [passthrough_resource(number) for number in range(passthrough)]
    document = {
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": items,
        "functionConfig": copy.deepcopy(database_set),  # no YAML alias to the item
    }
    return yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, width=1_000_000)


def kpt(path: str, index: int = 0) -> dict[str, str]:
    return {
        "config.kubernetes.io/path": path,
        "config.kubernetes.io/index": str(index),
        "internal.config.kubernetes.io/path": path,
        "internal.config.kubernetes.io/index": str(index),
    }


def database(number: int) -> dict:
    entry = {"name": f"app_{number}", "comment": f"App {number}"}
    if number % 3 == 0:
        entry["bitwardenPasswordId"] = f"7f3c1a52-0000-4000-8000-{number:012d}"
        entry["appNamespace"] = f"app-{number}"
    elif number % 3 == 1:
        entry["password"] = {"generate": {"length": 32}}
        entry["appNamespace"] = f"app-{number}"
    return entry


def cluster() -> dict:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {
            "name": "prod-pg17",
            "namespace": "postgres",
            "annotations": kpt("cluster.yaml"),
        },
        "spec": {"instances": 3, "storage": {"size": "20Gi"}},
    }


def pooler() -> dict:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Pooler",
        "metadata": {
            "name": "prod-pg17-pooler-rw",
            "namespace": "postgres",
            "annotations": kpt("cluster.yaml", 1),
        },
        "spec": {
            "cluster": {"name": "prod-pg17"},
            "type": "rw",
            "pgbouncer": {"poolMode": "session"},
        },
    }


def passthrough_resource(number: int) -> dict:
    """Deployments, ConfigMaps and Services of many apps, as found in a monorepo."""
    app, namespace = f"svc-{number}", f"team-{number % 50}"
    metadata = {
        "name": app,
        "namespace": namespace,
        "labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "monorepo"},
        "annotations": kpt(f"apps/{namespace}/{app}.yaml"),
    }
    if number % 3 == 0:
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata,
            "data": {"LOG_LEVEL": "info", "FEATURE_FLAG": "on", "config.yaml": "a: 1\nb: [2, 3]\n"},
        }
    if number % 3 == 1:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata,
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}]},
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": app}},
            "template": {
                "metadata": {"labels": {"app": app}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": f"registry.example.com/{app}:1.{number}.0",
                            "ports": [{"containerPort": 8080}],
                            "env": [
                                {"name": "PORT", "value": "8080"},
                                {"name": "DEBUG", "value": "false"},
                            ],
                            "resources": {"limits": {"memory": "256Mi", "cpu": "500m"}},
                        }
                    ]
                },
            },
        },
    }


if __name__ == "__main__":
    sys.exit(main())
