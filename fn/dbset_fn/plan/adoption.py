"""Taking over what an earlier generator or a person wrote (spec.adopt).

An object no DatabaseSet owns that stands where a generated object goes (the same
kind, namespace and name) is replaced by the generated one in place: same file, same
position in it, so kpt rewrites that file and Kubernetes sees an update, never a
delete and a create.

Only what a set would have generated is taken over, each object once; each kind says
what it will not take over (its adoption_refusal: a Secret holding more than the
generated one writes, say) and what goes with an adopted object (adopt_with: an
ExternalSecret's Password generator). Where an object stays, collisions.py says why.

What Kubernetes would refuse is not adopted silently: the generated object keeps
what the adopted one dictates (each kind's keep_from), and a changed spec.name or
spec.cluster is an error (immutable.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..kinds.base import Adoption
from ..krm import Item, Result, info, is_orchestrator_annotation
from .generated import Generated
from .ownership import OWNER, owner_of
from .render import Render

MAX_LISTED = 6  # changed fields named in a result; more are counted


def adoptable(render: Render, generated: list[Generated], kept: list[Item]) -> Adoption:
    """Only what a set would have generated, each object once: an object where a
    generated one goes that its kind takes over, and what goes with it; nothing
    without spec.adopt."""
    adoption = Adoption(kept, render.applied, owner_of)
    if not render.spec.adopt:
        return adoption
    key_of = render.key_of
    wanted = {key_of(new.obj): new for new in generated}
    in_place = {
        key: obj
        for obj in kept
        if (key := key_of(obj)) in wanted and not owner_of(obj) and not obj.is_local_config
    }
    for key, obj in sorted(in_place.items(), key=lambda pair: wanted[pair[0]].kind.adopted_last):
        new = wanted[key]
        why_not = new.kind.adoption_refusal(obj, new.obj, adoption)
        if why_not is None:
            adoption.replaced[key] = obj
        else:
            adoption.refused[key] = why_not
    objects = {key: new.obj for key, new in wanted.items()}
    for key, obj in list(adoption.replaced.items()):
        wanted[key].kind.adopt_with(key, obj, adoption, objects)
    return adoption


def adoption_results(
    render: Render, generated: list[Generated], adoption: Adoption
) -> Iterator[Result]:
    """One info result per adopted object: what it became, and what changed in it."""
    for owner, kind, obj, *_ in generated:
        key = render.key_of(obj)
        old = adoption.replaced.get(key)
        if old is None:
            continue
        renamed = render.key_of(old) != key
        became = f" as {obj.describe()}" if renamed else ""
        message = (
            f"adopted {old.describe()}{became} for {owner.describe()}: "
            f"{describe_changes(old.read(), obj.read())}"
        )
        message += "".join(kind.adoption_notes(old, obj, renamed)) + adoption.notes.get(key, "")
        yield info(message, obj)


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    """`adds spec.x, changes spec.y, removes spec.z`: paths only, never values (a
    Secret's data is no message's business)."""
    added, changed, removed = [], [], []
    for path, (before, after) in _leaves(_without_tracking(old), _without_tracking(new)):
        (added if before is _NONE else removed if after is _NONE else changed).append(path)
    parts = [
        f"{verb} {_listed(paths)}"
        for verb, paths in (("adds", added), ("changes", changed), ("removes", removed))
        if paths
    ]
    return ", ".join(parts) if parts else "nothing changes"


_NONE = object()


def _leaves(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, tuple[Any, Any]]]:
    """Dotted paths where old and new differ; mappings compared key by key, anything
    else as a whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            below = f"{path}.{key}" if path else str(key)
            yield from _leaves(old.get(key, _NONE), new.get(key, _NONE), below)
    elif old != new:
        yield path, (old, new)


def _without_tracking(values: dict[str, Any]) -> dict[str, Any]:
    """Without the annotations that only say who made an object and where it is filed;
    metadata or annotations of another shape are compared as they are."""
    metadata = values.get("metadata")
    annotations = (metadata.get("annotations") or {}) if isinstance(metadata, dict) else None
    if not isinstance(metadata, dict) or not isinstance(annotations, dict):
        return values
    kept = {
        key: value
        for key, value in annotations.items()
        if not is_orchestrator_annotation(str(key)) and key != OWNER
    }
    metadata = {key: value for key, value in metadata.items() if key != "annotations"}
    return {**values, "metadata": metadata | ({"annotations": kept} if kept else {})}


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:MAX_LISTED])
    return shown + (f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else "")
