"""dbset-fn as an Argo CD Config Management Plugin: deploy/argocd, run as Argo CD runs it.

argocd-cmp-server (Argo CD's cmpserver/plugin/plugin.go) execs a plugin's command, then
its args, without a shell, in the Application's directory (the repository unpacked
under /tmp/_cmp_server/<random>/), with the sidecar's environment and Argo CD's build
variables (ARGOCD_APP_*). Its discover command matches when it exits 0 and prints
something. These tests run plugin.yaml's commands that way: with the installed dbset-fn
(this interpreter's environment, with dbset-fn-argocd, first on PATH), and in the function's
image with podman as the sidecar runs it (uid 999, read-only root filesystem, the
sidecar's PATH). The sidecar patch is built with the real kubectl kustomize onto a
repo-server Deployment shaped like Argo CD's, and every object it gives is validated.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from dbset_fn import __version__
from e2e import EXAMPLES, IMAGE, ROOT, needs, needs_image

ARGOCD = ROOT / "deploy" / "argocd"
COMPONENT = ARGOCD / "plugin"
PLUGIN_FILE = COMPONENT / "plugin.yaml"
PLUGIN = yaml.safe_load(PLUGIN_FILE.read_text())
GENERATE = [*PLUGIN["spec"]["generate"]["command"], *PLUGIN["spec"]["generate"].get("args", [])]
FIND = PLUGIN["spec"]["discover"]["find"]
DISCOVER = [*FIND["command"], *FIND.get("args", [])]

PATCH = yaml.safe_load((COMPONENT / "repo-server.yaml").read_text())
(SIDECAR,) = PATCH["spec"]["template"]["spec"]["containers"]
SIDECAR_ENV = {variable["name"]: variable["value"] for variable in SIDECAR.get("env", [])}

# Argo CD's build environment (docs/user-guide/build-environment.md), as it would be set
# for an Application "databases" at path databases of a GitOps repository.
BUILD_ENV = {
    "ARGOCD_APP_NAME": "databases",
    "ARGOCD_APP_NAMESPACE": "postgres",
    "ARGOCD_APP_PROJECT_NAME": "default",
    "ARGOCD_APP_REVISION": "f913b6cbf58aa5ae5ca1f8a2b149477aebcbd9d8",
    "ARGOCD_APP_REVISION_SHORT": "f913b6c",
    "ARGOCD_APP_REVISION_SHORT_8": "f913b6cb",
    "ARGOCD_APP_SOURCE_PATH": "databases",
    "ARGOCD_APP_SOURCE_REPO_URL": "https://git.example.com/platform/gitops.git",
    "ARGOCD_APP_SOURCE_TARGET_REVISION": "main",
    "KUBE_VERSION": "1.32.0",
    "KUBE_API_VERSIONS": "v1,apps/v1,postgresql.cnpg.io/v1,external-secrets.io/v1",
}

# Where argocd-cmp-server unpacks an Application's repository: its /tmp (an emptyDir of
# the sidecar's own), _cmp_server, a random directory, then the Application's path.
APP_IN_TMP = Path("_cmp_server", "a1b2c", BUILD_ENV["ARGOCD_APP_SOURCE_PATH"])

KPT = EXAMPLES / "kpt"
KUSTOMIZE = EXAMPLES / "kustomize"

OTHER_FUNCTION = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2"


# The packages ------------------------------------------------------------------------


def kpt_rendered(app: Path) -> None:
    """examples/kpt as committed: rendered by kpt, the Kptfile running the image."""
    shutil.copytree(KPT, app)


def kpt_unrendered(app: Path) -> None:
    """examples/kpt before its first render (the Cluster without the roles)."""
    app.mkdir(parents=True)
    shutil.copy(KPT / "Kptfile", app)
    shutil.copy(KPT / "databaseset.yaml", app)
    shutil.copy(KUSTOMIZE / "cluster.yaml", app)


def kpt_exec(app: Path) -> None:
    """The unrendered package with the Kptfile running the installed command."""
    kpt_unrendered(app)
    kptfile = app / "Kptfile"
    kptfile.write_text(re.sub(r"image: \S+", "exec: dbset-fn", kptfile.read_text()))


def plain(app: Path) -> None:
    """No Kptfile, no kustomization: a DatabaseSet beside the Cluster (examples/kustomize's)."""
    app.mkdir(parents=True)
    shutil.copy(KUSTOMIZE / "databaseset.yaml", app)
    shutil.copy(KUSTOMIZE / "cluster.yaml", app)


def plain_manifests(app: Path) -> None:
    """A directory of plain manifests: no DatabaseSet anywhere."""
    app.mkdir(parents=True)
    shutil.copy(KUSTOMIZE / "cluster.yaml", app)
    (app / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: motd\n  namespace: romm\n"
        "data:\n  motd: welcome\n"
    )


def kustomization(app: Path) -> None:
    """examples/kustomize: Argo CD's own kustomize builds it, not this plugin."""
    shutil.copytree(KUSTOMIZE, app)


def kpt_without_dbset_fn(app: Path) -> None:
    """A kpt package whose pipeline runs another function only, a DatabaseSet or not."""
    kpt_unrendered(app)
    kptfile = app / "Kptfile"
    kptfile.write_text(re.sub(r"image: \S+", f"image: {OTHER_FUNCTION}", kptfile.read_text()))


def kpt_with_another_function(app: Path) -> None:
    """dbset-fn and another function in the pipeline: the plugin can run only dbset-fn."""
    kpt_unrendered(app)
    kptfile = app / "Kptfile"
    kptfile.write_text(
        kptfile.read_text() + f"  - image: {OTHER_FUNCTION}\n    configMap:\n      team: data\n"
    )


# Running plugin.yaml's commands as argocd-cmp-server does ----------------------------


def installed(command: list[str], tmp: Path) -> subprocess.CompletedProcess:
    """The command with this environment's dbset-fn-argocd first on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        command,
        cwd=tmp / APP_IN_TMP,
        env={**os.environ, "PATH": path, **BUILD_ENV},
        capture_output=True,
        text=True,
    )


def in_image(command: list[str], tmp: Path) -> subprocess.CompletedProcess:
    """The command in the function's image as the sidecar runs it: uid 999, the root
    filesystem read-only, no network, the sidecar's environment, tmp as its /tmp."""
    for directory, _, names in os.walk(tmp):
        os.chmod(directory, 0o1777 if directory == str(tmp) else 0o755)
        for name in names:
            os.chmod(os.path.join(directory, name), 0o644)
    environment = [f"--env={name}={value}" for name, value in {**SIDECAR_ENV, **BUILD_ENV}.items()]
    return subprocess.run(
        [
            "podman",
            "run",
            "--rm",
            "--network=none",
            f"--user={SIDECAR['securityContext']['runAsUser']}",
            "--read-only",
            f"--volume={tmp}:/tmp",
            f"--workdir={Path('/tmp', APP_IN_TMP)}",
            *environment,
            f"--entrypoint={command[0]}",
            IMAGE,
            *command[1:],
        ],
        capture_output=True,
        text=True,
    )


RUNTIMES = [
    pytest.param(installed, id="installed", marks=needs("dbset-fn")),
    pytest.param(in_image, id="image", marks=needs_image),
]


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    """The sidecar's /tmp, the Application's directory not made yet."""
    return tmp_path / "tmp"


def manifests(stdout: str) -> list[dict]:
    """generate's output as Argo CD splits it: every document an object to apply."""
    documents = [doc for doc in yaml.safe_load_all(stdout) if doc is not None]
    for doc in documents:
        assert isinstance(doc, dict)
        assert {"apiVersion", "kind", "metadata"} <= doc.keys(), doc
        assert doc["metadata"]["name"]
    return documents


def canonical(documents: list[dict]) -> list[str]:
    return sorted(json.dumps(doc, sort_keys=True) for doc in documents)


def package_objects(package: Path) -> list[dict]:
    """A rendered kpt package's objects as Argo CD should apply them: no local config."""
    found = []
    for path in sorted(package.rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            annotations = doc["metadata"].get("annotations", {})
            if annotations.get("config.kubernetes.io/local-config") != "true":
                found.append(doc)
    return found


# generate ----------------------------------------------------------------------------

EXPECTED = {
    # examples/kpt is committed as kpt fn render leaves it (tests/test_kpt.py).
    "kpt-rendered": (kpt_rendered, lambda: package_objects(KPT)),
    "kpt-unrendered": (kpt_unrendered, lambda: package_objects(KPT)),
    # examples/kustomize/output.yaml is what kubectl kustomize builds (test_kustomize.py).
    "plain": (plain, lambda: list(yaml.safe_load_all((KUSTOMIZE / "output.yaml").read_text()))),
}


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("package", list(EXPECTED))
def test_generate_prints_the_rendered_package(tmp: Path, runtime, package: str) -> None:
    make, expected = EXPECTED[package]
    make(tmp / APP_IN_TMP)

    run = runtime(GENERATE, tmp)

    assert run.returncode == 0, run.stderr
    assert canonical(manifests(run.stdout)) == canonical(expected())
    assert 'info: spec.databases[0] ("romm")' in run.stderr  # dbset-fn's results, for the log


@needs("dbset-fn")
@needs_image
def test_the_image_prints_the_same_bytes_as_the_installed_command(tmp: Path) -> None:
    kpt_unrendered(tmp / APP_IN_TMP)

    image, command = in_image(GENERATE, tmp), installed(GENERATE, tmp)

    assert (image.returncode, command.returncode) == (0, 0), image.stderr + command.stderr
    assert "kind: Database\n" in image.stdout
    assert image.stdout == command.stdout


@needs("kpt", "dbset-fn")
def test_generate_prints_what_kpt_fn_render_writes(tmp: Path, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered"
    kpt_exec(rendered)
    kpt_exec(tmp / APP_IN_TMP)
    render = subprocess.run(
        ["kpt", "fn", "render", str(rendered), "--allow-exec"], capture_output=True, text=True
    )
    assert render.returncode == 0, render.stderr

    run = installed(GENERATE, tmp)

    assert run.returncode == 0, run.stderr
    assert canonical(manifests(run.stdout)) == canonical(package_objects(rendered))


@needs("dbset-fn")
def test_an_invalid_databaseset_fails_with_nothing_to_apply(tmp: Path) -> None:
    """Argo CD prunes what a successful empty render leaves out: a failure must fail."""
    app = tmp / APP_IN_TMP
    kpt_rendered(app)
    config = app / "databaseset.yaml"
    config.write_text(config.read_text().replace("name: trustdb", "name: pg_trust"))

    run = installed(GENERATE, tmp)

    assert run.returncode == 1
    assert run.stdout == ""
    assert 'spec.databases[2].name "pg_trust" must not be a role reserved' in run.stderr
    assert "dbset-fn-argocd: dbset-fn databaseset.yaml failed" in run.stderr


@needs("dbset-fn")
def test_an_application_asking_to_fail_on_warnings_syncs_no_loss(
    tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Application's plugin env DBSET_FN_FAIL_ON reaches the plugin prefixed."""
    app = tmp / APP_IN_TMP
    kpt_rendered(app)
    config = app / "databaseset.yaml"
    config.write_text(
        config.read_text().replace("  - name: romm\n", "  - name: romm\n    ensure: absent\n")
    )
    monkeypatch.setenv("ARGOCD_ENV_DBSET_FN_FAIL_ON", "warning")

    run = installed(GENERATE, tmp)

    assert run.returncode == 1
    assert run.stdout == ""
    assert 'warning: spec.databases[0] ("romm") has ensure: absent' in run.stderr
    assert "error: the render must have no warnings" in run.stderr


@needs("dbset-fn")
def test_a_pipeline_with_another_function_is_refused(tmp: Path) -> None:
    kpt_with_another_function(tmp / APP_IN_TMP)

    run = installed(GENERATE, tmp)

    assert run.returncode == 1
    assert run.stdout == ""
    assert f"the Kptfile's pipeline runs {OTHER_FUNCTION}, which this plugin cannot run" in (
        run.stderr
    )


@needs("dbset-fn")
def test_local_configuration_is_not_applied(tmp: Path) -> None:
    app = tmp / APP_IN_TMP
    kpt_rendered(app)
    (app / "setters.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: setters\n  annotations:\n"
        '    config.kubernetes.io/local-config: "true"\ndata:\n  team: data\n'
    )

    run = installed(GENERATE, tmp)

    assert run.returncode == 0, run.stderr
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in manifests(run.stdout)}
    assert ("ConfigMap", "setters") not in kinds
    assert ("DatabaseSet", "prod-databases") not in kinds
    assert ("Cluster", "prod-pg17") in kinds


# discover ----------------------------------------------------------------------------

DISCOVERED = {
    "kpt-rendered": (kpt_rendered, True),
    "kpt-unrendered": (kpt_unrendered, True),
    "kpt-exec": (kpt_exec, True),
    "plain": (plain, True),
    "plain-manifests": (plain_manifests, False),
    "kustomization": (kustomization, False),
    "kpt-without-dbset-fn": (kpt_without_dbset_fn, False),
}


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("package", list(DISCOVERED))
def test_discover_matches_dbset_fn_packages_only(tmp: Path, runtime, package: str) -> None:
    make, matches = DISCOVERED[package]
    make(tmp / APP_IN_TMP)

    run = runtime(DISCOVER, tmp)

    # argocd-cmp-server: a match exits 0 and prints something; an error is no answer.
    assert run.returncode == 0, run.stderr
    assert bool(run.stdout.strip()) == matches, run.stdout


# plugin.yaml -------------------------------------------------------------------------

# The fields argocd-cmp-server reads (cmpserver/plugin/config.go); it ignores others, so
# a misspelt one would silently do nothing.
KNOWN_FIELDS = {
    "spec": {"version", "init", "generate", "discover", "parameters", "preserveFileMode"}
    | {"provideGitCreds"},
    "generate": {"command", "args"},
    "discover": {"find", "fileName"},
    "find": {"command", "args", "glob"},
}


def test_plugin_yaml_is_a_config_management_plugin_argo_cd_accepts() -> None:
    spec = PLUGIN["spec"]

    assert (PLUGIN["apiVersion"], PLUGIN["kind"]) == (
        "argoproj.io/v1alpha1",
        "ConfigManagementPlugin",
    )
    assert PLUGIN["metadata"]["name"] == "dbset-fn"
    assert spec.keys() <= KNOWN_FIELDS["spec"]
    assert spec["generate"].keys() <= KNOWN_FIELDS["generate"]
    assert spec["discover"].keys() <= KNOWN_FIELDS["discover"]
    assert FIND.keys() <= KNOWN_FIELDS["find"]
    assert GENERATE == ["dbset-fn-argocd", "generate"]
    assert DISCOVER == ["dbset-fn-argocd", "discover"]


@needs("kubectl")
def test_go_yaml_reads_plugin_yaml_as_this_test_does(tmp_path: Path) -> None:
    """Argo CD reads plugin.yaml with sigs.k8s.io/yaml, as kubectl reads a kubeconfig:
    the file as a kubeconfig extension, read back by kubectl, is the same data."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
        "preferences:\n  extensions:\n  - name: plugin\n    extension:\n"
        + textwrap.indent(PLUGIN_FILE.read_text(), "      ")
    )

    view = subprocess.run(
        ["kubectl", "config", "view", f"--kubeconfig={kubeconfig}", "--output=json"],
        capture_output=True,
        text=True,
    )

    assert view.returncode == 0, view.stderr
    assert json.loads(view.stdout)["preferences"]["extensions"][0]["extension"] == PLUGIN


# The repo-server patch and the overlay -------------------------------------------------

# Shaped like Argo CD's manifests/base/repo-server/argocd-repo-server-deployment.yaml: the
# parts the sidecar meets (the copyutil init container that puts argocd-cmp-server into
# var-files, the plugins socket directory, the repo-server's own tmp).
REPO_SERVER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/name: argocd-repo-server
    app.kubernetes.io/part-of: argocd
    app.kubernetes.io/component: repo-server
  name: argocd-repo-server
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: argocd-repo-server
  template:
    metadata:
      labels:
        app.kubernetes.io/name: argocd-repo-server
    spec:
      serviceAccountName: argocd-repo-server
      automountServiceAccountToken: false
      containers:
      - name: argocd-repo-server
        image: quay.io/argoproj/argocd:v3.5.1
        imagePullPolicy: Always
        args:
        - /usr/local/bin/argocd-repo-server
        ports:
        - containerPort: 8081
        - containerPort: 8084
        securityContext:
          runAsNonRoot: true
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
          seccompProfile:
            type: RuntimeDefault
        volumeMounts:
        - name: tmp
          mountPath: /tmp
        - mountPath: /home/argocd/cmp-server/plugins
          name: plugins
      initContainers:
      - args:
        - >-
          /bin/cp /usr/local/bin/argocd /var/run/argocd/argocd &&
          /bin/ln -sf /var/run/argocd/argocd /var/run/argocd/argocd-cmp-server
        command:
        - sh
        - '-c'
        image: quay.io/argoproj/argocd:v3.5.1
        name: copyutil
        volumeMounts:
        - mountPath: /var/run/argocd
          name: var-files
      volumes:
      - name: tmp
        emptyDir: {}
      - emptyDir: {}
        name: var-files
      - emptyDir: {}
        name: plugins
"""

INSTALL_URL = re.compile(r"https://raw\.githubusercontent\.com/argoproj/argo-cd/(\S+)/manifests/")


def kustomize_build(directory: Path) -> list[dict]:
    build = subprocess.run(["kubectl", "kustomize", str(directory)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return list(yaml.safe_load_all(build.stdout))


def validate(objects: list[dict]) -> None:
    version = kubernetes_validate.latest_version()
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


@needs("kubectl")
def test_the_component_adds_the_sidecar_to_argo_cds_repo_server(tmp_path: Path) -> None:
    shutil.copytree(COMPONENT, tmp_path / "plugin")
    (tmp_path / "argocd-repo-server.yaml").write_text(REPO_SERVER)
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n- argocd-repo-server.yaml\ncomponents:\n- plugin\n"
    )

    objects = kustomize_build(tmp_path)

    validate(objects)
    (config_map,) = [obj for obj in objects if obj["kind"] == "ConfigMap"]
    (deployment,) = [obj for obj in objects if obj["kind"] == "Deployment"]
    assert config_map["data"] == {"plugin.yaml": PLUGIN_FILE.read_text()}
    pod = deployment["spec"]["template"]["spec"]
    before = yaml.safe_load(REPO_SERVER)["spec"]["template"]["spec"]
    assert pod["initContainers"] == before["initContainers"]
    containers = {container["name"]: container for container in pod["containers"]}
    assert containers.keys() == {"argocd-repo-server", "dbset-fn"}
    assert containers["argocd-repo-server"] == before["containers"][0]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/default-container"] == "argocd-repo-server"
    sidecar = containers["dbset-fn"]
    assert sidecar["command"] == ["/var/run/argocd/argocd-cmp-server"]
    assert sidecar["securityContext"]["runAsUser"] == 999
    assert sidecar["securityContext"]["runAsNonRoot"] is True
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: mount for mount in sidecar["volumeMounts"]}
    assert mounts["/var/run/argocd"]["name"] == "var-files"
    assert mounts["/home/argocd/cmp-server/plugins"]["name"] == "plugins"
    config = mounts["/home/argocd/cmp-server/config/plugin.yaml"]
    assert config["subPath"] == "plugin.yaml"
    assert volumes[config["name"]]["configMap"]["name"] == config_map["metadata"]["name"]
    assert mounts["/tmp"]["name"] != "tmp"  # its own, not the repo-server's
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]
    assert {mount["name"] for mount in sidecar["volumeMounts"]} <= volumes.keys()
    assert sidecar["env"] == SIDECAR["env"]


def test_the_sidecar_runs_this_versions_image() -> None:
    repository, tag = SIDECAR["image"].rsplit(":", 1)
    assert tag == f"v{__version__}"
    assert repository.rsplit("/", 1)[-1] == IMAGE.rsplit("/", 1)[-1].split(":")[0]
    assert SIDECAR_ENV["PATH"].split(os.pathsep)[0] == "/opt/dbset-fn/bin"


@needs("kubectl")
def test_the_overlay_installs_a_pinned_argo_cd_with_the_plugin(tmp_path: Path) -> None:
    overlay = shutil.copytree(ARGOCD, tmp_path / "argocd")
    kustomization = (overlay / "kustomization.yaml").read_text()
    (url,) = [line.strip("- ") for line in kustomization.splitlines() if INSTALL_URL.search(line)]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", INSTALL_URL.search(url).group(1)), url
    # The test has no network: Argo CD's install.yaml is stood in for by its repo-server.
    (overlay / "install.yaml").write_text(REPO_SERVER)
    (overlay / "kustomization.yaml").write_text(kustomization.replace(url, "install.yaml"))

    objects = kustomize_build(overlay)

    validate(objects)
    assert {(obj["kind"], obj["metadata"]["namespace"]) for obj in objects} == {
        ("ConfigMap", "argocd"),
        ("Deployment", "argocd"),
    }
    (deployment,) = [obj for obj in objects if obj["kind"] == "Deployment"]
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert sorted(container["name"] for container in containers) == [
        "argocd-repo-server",
        "dbset-fn",
    ]


# The documentation ---------------------------------------------------------------------


def yaml_blocks(markdown: Path) -> list[dict]:
    blocks = re.findall(r"```yaml\n(.*?)```", markdown.read_text(), re.DOTALL)
    return [doc for block in blocks for doc in yaml.safe_load_all(block) if doc is not None]


def test_the_documented_application_uses_the_plugin() -> None:
    documents = yaml_blocks(ROOT / "docs" / "argocd.md")
    applications = [doc for doc in documents if doc.get("kind") == "Application"]

    plugins = [app["spec"]["source"].get("plugin") for app in applications]
    assert {"name": PLUGIN["metadata"]["name"]} in plugins


def test_every_yaml_block_in_the_docs_parses() -> None:
    for name in ("argocd.md", "flux.md"):
        assert yaml_blocks(ROOT / "docs" / name), name


@needs("kubectl")
def test_flux_applies_the_rendered_kpt_package_as_it_is(tmp_path: Path) -> None:
    """docs/flux.md: for a path without a kustomization, Flux's kustomize-controller
    writes one listing every .yaml and .yml file under it (fluxcd/pkg, kustomize's
    generateKustomization) and builds it with plugins disabled; kustomize leaves out
    the DatabaseSet, local configuration."""
    package = shutil.copytree(KPT, tmp_path / "databases")
    files = sorted(path for path in package.rglob("*") if path.suffix in (".yaml", ".yml"))
    resources = "".join(f"- ./{path.relative_to(package)}\n" for path in files)
    (package / "kustomization.yaml").write_text(
        f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n{resources}"
    )

    assert canonical(kustomize_build(package)) == canonical(package_objects(KPT))
