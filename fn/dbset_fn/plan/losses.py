"""What applying a render takes away in the cluster: a warning for each, never an info.

The function only writes intent, but the operators act on it: CloudNativePG drops a
database or a role for a Database with `ensure: absent` or a pruned object whose
reclaim policy is `delete`; ESO deletes the Secret an ExternalSecret owns with it, and
a new generating ExternalSecret makes a new password. Each such consequence of a
render is named here with the way to keep what would be lost. kpt does not fail on
warnings, so a pipeline that must stop on them asks for it (docs/usage.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import kinds
from ..config.model import Spec, entry_path
from ..kinds.base import ObjectKey, Pruning
from ..krm import FUNCTION_CONFIG, Item, Result, quoted, warning
from .generated import Generated
from .render import Render


def losses(
    render: Render, generated: list[Generated], previous: dict[ObjectKey, Item]
) -> Iterator[Result]:
    """Entries being dropped, objects pruned, and objects replaced by ones that lose
    something (previous holds the set's objects of the input by render.key_of)."""
    spec = render.spec
    made = {render.key_of(new.obj) for new in generated}
    pruned = [obj for key, obj in previous.items() if key not in made]
    yield from _dropped_entries(spec)
    entries = {entry.name: (position, entry) for position, entry in enumerate(spec.databases)}
    after = [new.obj for new in generated]
    pruning = Pruning(entries, _clusters_namespaces([*previous.values(), *after]))
    compared = {id(new.replaces.obj): new.replaces.compared for new in generated if new.replaces}
    for obj in pruned:
        if kind := kinds.kind_of(obj):
            values = obj.read()  # its one read: the others were read when generated again
            yield from kind.pruned(obj, values, pruning)
            compared[id(obj)] = kind.compared(obj.namespace, obj.name, values)
    for kind in kinds.GENERATED:
        before = [compared.get(id(obj)) for obj in previous.values() if kind.of(obj)]
        now = [new.compared for new in generated if new.kind is kind]
        yield from kind.changed(before, now, pruning)


def _dropped_entries(spec: Spec) -> Iterator[Result]:
    for position, entry in enumerate(spec.databases):
        if entry.present:
            continue
        what = f"role {quoted(entry.name)}"
        if not entry.roleOnly:
            what += f" and database {quoted(entry.name)} with all its data"
        yield warning(
            f"{entry_path(position, entry)} has ensure: absent, so "
            f"CloudNativePG drops {what} once the output is applied; to keep them, set "
            "ensure: present",
            FUNCTION_CONFIG,
            field_path=f"spec.databases[{position}].ensure",
            current_value="absent",
        )


def _clusters_namespaces(objects: list[Item]) -> set[str]:
    """Where the set's Clusters are (those of its objects that name one): a Secret
    elsewhere is an app's."""
    return {
        obj.namespace for obj in objects if (kind := kinds.kind_of(obj)) and kind.names_a_cluster
    }
