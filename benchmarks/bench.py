"""Time and memory of the installed dbset-fn, as ratios to baselines measured in the same run.

usage: python benchmarks/bench.py [--runs N] [--sizes seed,middle,...] [--compare DBSET_FN]
                                  [--write SIZE FILE]

Sizes: the seed scenario; 100 databases + 1,000 passthrough resources; 1,000
databases + 10,000 passthrough resources, as a ResourceList written by this script
(items with kpt's path annotations, the DatabaseSet among them) and, as kpt-large, as
the ResourceList a real `kpt fn render` sends for a package of the same resources,
one file each (kpt's layout, annotations and quoting: a multi-line string comes as a
single-quoted scalar whose closing quote is at column 0); small and kpt-small, the same
with many small items (Deployments and ConfigMaps of at most 500 bytes, the header most
of each); rerender, what every render after the first sends: the items the large
package's render gave back, and its functionConfig. dbset-fn runs on it over
stdin; the baseline is a plain PyYAML load and dump of the same ResourceList with
libyaml's C loader and dumper, in a fresh interpreter; start-up is compared with
`python3 -c "import yaml"`. For kpt-large, the whole `kpt fn render` of the package
(with `exec: dbset-fn`) is timed too, to give the function's share of it. Medians of
N runs, interleaved with the baseline's (and --compare's: another dbset-fn, an older
version's, measured beside it); peak memory is the child's max RSS. Machines are
shared and noisy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

SIZES = {  # databases, passthrough resources, and what each resource is
    "seed": (3, 0, "mixed"),
    "middle": (100, 1_000, "mixed"),
    "large": (1_000, 10_000, "mixed"),
    "kpt-large": (1_000, 10_000, "mixed"),
    "small": (1_000, 10_000, "small"),
    "kpt-small": (1_000, 10_000, "small"),
    "rerender": (1_000, 10_000, "mixed"),  # large's output, rendered again
}
BASELINE = (
    "import sys, yaml; "
    "data = yaml.load(sys.stdin, Loader=yaml.CSafeLoader); "
    "sys.stdout.write(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False))"
)
TARGETS = """\
targets (ratios in this run):
  every size but the seed: dbset-fn time / baseline time  <= 0.10 (moonshot 0.07)
  large time / middle time                                <= 12
  every size but the seed: peak memory <= 3 x input size + the interpreter (its peak on
    the seed)
  rerender time / large time: about 1 (a re-render costs what a first render costs)
  kpt-large: the function's share of a whole `kpt fn render` (reported)
  seed: dbset-fn time / python3 -c "import yaml" <= 6 (median of interleaved pairs)
"""


@dataclass
class Measure:
    seconds: float
    peak_bytes: int


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=21, help="start-up: pairs measured")
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument(
        "--write", nargs=2, metavar=("SIZE", "FILE"), help="only write that input, to profile with"
    )
    parser.add_argument(
        "--compare",
        metavar="DBSET_FN",
        help="another dbset-fn (an older version's, say), run beside it on the same inputs",
    )
    args = parser.parse_args()
    dbset_fn = shutil.which("dbset-fn")
    if dbset_fn is None:
        sys.exit("dbset-fn is not installed: pip install .")
    if args.write:
        size, path = args.write
        with tempfile.TemporaryDirectory() as directory:
            Path(path).write_text(input_of(size, Path(directory), [dbset_fn]))
        return 0
    with tempfile.TemporaryDirectory() as directory:
        commands = {"dbset-fn": [dbset_fn]}
        if args.compare:
            commands["compared"] = [args.compare]
        report(Path(directory), commands, args.runs, args.sizes.split(","), args.pairs)
    return 0


def input_of(size: str, directory: Path, command: list[str]) -> str:
    if size.startswith("kpt-"):
        return captured_from_kpt(package(directory / size, *SIZES[size]), directory)
    if size == "rerender":
        return rerendered(resource_list(*SIZES[size]), command)
    return resource_list(*SIZES[size])


def rerendered(first: str, command: list[str]) -> str:
    """What every render after the first sends: the items the first render gave back
    (the generated objects and the extended Cluster among them) and the functionConfig,
    as kpt reads them back from the package's files."""
    output = subprocess.run(command, input=first, capture_output=True, text=True, check=True)
    items, _, _ = output.stdout.partition("\nresults:\n")
    _, _, function_config = first.partition("\nfunctionConfig:\n")
    return f"{items}\nfunctionConfig:\n{function_config}"


def start_up_ratio(command: list[str], seed: Path, empty: Path, pairs: int) -> float:
    """The median, over pairs run one right after the other, of dbset-fn's time on the
    seed over `python3 -c "import yaml"`'s: the two see the same moment of a noisy
    machine."""
    baseline = [sys.executable, "-c", "import yaml"]
    return statistics.median(
        run_once(command, seed).seconds / run_once(baseline, empty).seconds for _ in range(pairs)
    )


def report(
    directory: Path, commands: dict[str, list[str]], runs: int, sizes: list[str], pairs: int = 21
) -> None:
    """Each command and the baseline on each size, their runs interleaved (the same
    moments of a noisy machine for all), then the targets for each command."""
    python = [sys.executable]
    empty = directory / "empty"
    empty.write_text("")
    import_yaml = median([*python, "-c", "import yaml"], empty, runs)
    print(f"python3 -c 'import yaml': {import_yaml.seconds:.3f} s, {mb(import_yaml.peak_bytes)}")
    measured: dict[str, dict[str, Measure]] = {}
    inputs: dict[str, int] = {}
    for size in sizes:
        path = directory / f"{size}.yaml"
        path.write_text(input_of(size, directory, commands["dbset-fn"]))
        inputs[size] = path.stat().st_size
        measured[size] = medians({**commands, "baseline": [*python, "-c", BASELINE]}, path, runs)
        baseline = measured[size]["baseline"]
        for name in commands:
            function = measured[size][name]
            print(
                f"{size:>9} {name}: input {mb(inputs[size])}; {function.seconds:.3f} s, "
                f"{mb(function.peak_bytes)}; PyYAML load+dump {baseline.seconds:.3f} s, "
                f"{mb(baseline.peak_bytes)}; ratio {function.seconds / baseline.seconds:.3f}"
            )
    print()
    print(TARGETS)
    for name, command in commands.items():
        print(f"{name}:")
        targets(name, measured, inputs)
        if "seed" in measured:
            ratio = start_up_ratio(command, directory / "seed.yaml", empty, pairs)
            print(f"  seed start-up / import yaml: {ratio:.2f} (median of {pairs} pairs)")
    if "kpt-large" in measured:
        render = median_render(directory / "kpt-large", runs)
        share = measured["kpt-large"]["dbset-fn"].seconds / render
        print(f"kpt-large: kpt fn render {render:.2f} s, dbset-fn's share {share:.1%}")


def targets(name: str, measured: dict[str, dict[str, Measure]], inputs: dict[str, int]) -> None:
    """One command's figures against the targets, size by size."""
    for size, figures in measured.items():
        if size == "seed":
            continue
        ratio = figures[name].seconds / figures["baseline"].seconds
        line = f"  {size}: time ratio {ratio:.3f}"
        if "seed" in measured:
            allowed = 3 * inputs[size] + measured["seed"][name].peak_bytes
            line += f", peak {mb(figures[name].peak_bytes)} (allowed {mb(allowed)})"
        print(line)
    if "large" in measured and "middle" in measured:
        growth = measured["large"][name].seconds / measured["middle"][name].seconds
        print(f"  large / middle time: {growth:.2f}")
    if "large" in measured and "rerender" in measured:
        again = measured["rerender"][name].seconds / measured["large"][name].seconds
        print(f"  rerender / large time: {again:.2f}")


def medians(commands: dict[str, list[str]], stdin: Path, runs: int) -> dict[str, Measure]:
    """The median time and peak of each command, run in turn, runs times."""
    measures: dict[str, list[Measure]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            measures[name].append(run_once(command, stdin))
    return {
        name: Measure(
            statistics.median(m.seconds for m in found),
            int(statistics.median(m.peak_bytes for m in found)),
        )
        for name, found in measures.items()
    }


def median(command: list[str], stdin: Path, runs: int) -> Measure:
    return medians({"command": command}, stdin, runs)["command"]


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


CAPTURE = """\
#!/bin/sh
# Keeps what kpt sends, and sends it back unchanged.
tee "$(dirname "$0")/captured.yaml"
"""


def package(root: Path, databases: int, passthrough: int, resources: str) -> Path:
    """A kpt package of the same resources as resource_list's, one file each, written
    with PyYAML (multi-line strings single-quoted, as yaml.dump writes them)."""
    for path, documents in files(databases, passthrough, resources).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False))
    return root


def captured_from_kpt(root: Path, directory: Path) -> str:
    """The ResourceList `kpt fn render` sends a function for the package."""
    capture = directory / "capture.sh"
    capture.write_text(CAPTURE)
    capture.chmod(0o755)
    with_function(root, str(capture))
    subprocess.run(
        ["kpt", "fn", "render", str(root), "--allow-exec"], check=True, capture_output=True
    )
    return (directory / "captured.yaml").read_text()


def with_function(root: Path, function: str) -> None:
    kptfile = {
        "apiVersion": "kpt.dev/v1",
        "kind": "Kptfile",
        "metadata": {
            "name": root.name,
            "annotations": {"config.kubernetes.io/local-config": "true"},
        },
        "pipeline": {"mutators": [{"exec": function, "configPath": "databaseset.yaml"}]},
    }
    (root / "Kptfile").write_text(yaml.dump(kptfile, Dumper=yaml.CSafeDumper, sort_keys=False))


def median_render(root: Path, runs: int) -> float:
    """The median time of `kpt fn render` of a fresh copy of the package with dbset-fn."""
    times = []
    for _ in range(runs):
        copy_ = root.with_name(root.name + "-render")
        shutil.rmtree(copy_, ignore_errors=True)
        shutil.copytree(root, copy_)
        with_function(copy_, "dbset-fn")
        start = time.perf_counter()
        subprocess.run(
            ["kpt", "fn", "render", str(copy_), "--allow-exec"], check=True, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def files(databases: int, passthrough: int, resources: str) -> dict[str, list[dict]]:
    """A package's resources by file: the Cluster and its Pooler, the DatabaseSet, and
    many resources the function passes through."""
    database_set = {
        "apiVersion": "dbset.krm.dev/v1alpha1",
        "kind": "DatabaseSet",
        "metadata": {"name": "bench", "annotations": {"config.kubernetes.io/local-config": "true"}},
        "spec": {
            "cluster": {"name": "prod-pg17", "namespace": "postgres"},
            "databases": [database(number) for number in range(databases)],
        },
    }
    found = {"cluster.yaml": [cluster(), pooler()], "databaseset.yaml": [database_set]}
    for number in range(passthrough):
        resource = RESOURCES[resources](number)
        metadata = resource["metadata"]
        folder = "apps/" if resources == "mixed" else ""
        found[f"{folder}{metadata['namespace']}/{metadata['name']}.yaml"] = [resource]
    return found


def resource_list(databases: int, passthrough: int, resources: str) -> str:
    """The ResourceList of the package, written by this script as kpt would annotate it."""
    items = []
    for path, documents in files(databases, passthrough, resources).items():
        for index, document in enumerate(documents):
            annotations = document["metadata"].setdefault("annotations", {})
            annotations.update(kpt(path, index))
            items.append(document)
    database_set = next(item for item in items if item["kind"] == "DatabaseSet")
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


def small_resource(number: int) -> dict:
    """Deployments and ConfigMaps of at most 500 bytes with kpt's annotations, as a
    package of many small apps has them: the header is most of each."""
    app, namespace = f"a{number}", f"ns{number % 50}"
    metadata = {"name": app, "namespace": namespace}
    if number % 2:
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {**metadata, "labels": {"app": app}},
            "data": {"LOG_LEVEL": "info", "FEATURE": "on", "PORT": "8080", "REGION": "eu-west-1"},
        }
    container = {"name": "app", "image": app}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "selector": {"matchLabels": {"app": app}},
            "template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [container]}},
        },
    }


RESOURCES = {"mixed": passthrough_resource, "small": small_resource}


if __name__ == "__main__":
    sys.exit(main())
