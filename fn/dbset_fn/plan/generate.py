"""What a DatabaseSet generates: per entry, then per Cluster, the objects of each kind in
the registry (kinds/), marked as the set's and placed in their files."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from .. import kinds
from ..config.model import Spec
from ..kinds.base import GeneratedKind, ObjectKey, Rendered
from ..krm import Item, placement
from .generated import ForCluster, ForEntry, Generated, Owner, Replaced
from .immutable import fixed_changes
from .ownership import OWNER, landed
from .render import Render
from .rotation import rotation_record
from .targets import Target


def generate(
    render: Render, previous: dict[ObjectKey, Item], config_dir: str
) -> Iterator[Generated]:
    """Each entry's objects in the order of the registry, then each Cluster's, each
    marked as the set's and placed in its file: where the object it replaces was
    (previous: an earlier run's objects or adopted ones, by render.key_of), or
    under config_dir."""
    for owner, kind, rendered in _rendered(render.spec, render.targets):
        yield _generated(owner, kind, rendered, render, previous, config_dir)


Made = tuple[Owner, GeneratedKind, Rendered]


def _rendered(spec: Spec, targets: list[Target]) -> Iterator[Made]:
    endpoints = {position: target.endpoint for target in targets for position, _ in target.entries}
    for position, entry in enumerate(spec.databases):
        owner, endpoint = ForEntry(position, entry), endpoints[position]
        for kind in kinds.GENERATED:
            for rendered in kind.for_entry(entry, spec, endpoint):
                yield owner, kind, rendered
    for target in targets:
        entries = [entry for _, entry in target.entries]
        for kind in kinds.GENERATED:
            for rendered in kind.for_cluster(entries, spec, target.endpoint):
                yield ForCluster(target.cluster), kind, rendered


def _generated(
    owner: Owner,
    kind: GeneratedKind,
    rendered: Rendered,
    render: Render,
    previous: dict[ObjectKey, Item],
    config_dir: str,
) -> Generated:
    """The set's labels, annotations and ownership on the document, what it must keep
    from the object it replaces, and its file; the object it replaces is read here."""
    spec, document = render.spec, rendered.document
    metadata = document["metadata"]
    if spec.commonLabels:
        metadata["labels"] = metadata.get("labels", {}) | spec.commonLabels
    namespace, name = metadata.get("namespace", ""), metadata["name"]
    before = previous.get(landed(kind.key(namespace, name), render.applied))
    earlier = before.read() if before is not None else {}  # its one read
    if before is not None:
        kind.keep_from(document, earlier)
    default_file = posixpath.join(config_dir, namespace, f"{kind.name.lower()}_{name}.yaml")
    metadata["annotations"] = (
        metadata.get("annotations", {})
        | spec.commonAnnotations
        | {OWNER: render.set_name}
        | rotation_record(owner)
        | placement(before, default_file)
    )
    replaced = None
    if before is not None:
        compared = kind.compared(before.namespace, before.name, earlier)
        replaced = Replaced(before, fixed_changes(kind, earlier, document), compared)
    return Generated(
        owner,
        kind,
        Item.new(document),
        rendered.claims,
        rendered.reads,
        kind.compared(namespace, name, document),
        replaced,
    )
