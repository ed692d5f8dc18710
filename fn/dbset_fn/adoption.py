"""Taking over what an earlier generator or a person wrote (spec.adopt).

An object no DatabaseSet owns that stands where a generated object goes (the same
kind, namespace and name) is replaced by the generated one in place: same file, same
position in it, so kpt rewrites that file and Kubernetes sees an update, never a
delete and a create. An adopted ExternalSecret's Password generator goes with it,
renamed to the set's name for it: with refreshPolicy CreatedOnce, ESO generates a
password only for an ExternalSecret that has never synced, whatever its generatorRef
says (external-secrets v2.9.0, pkg/controllers/externalsecret/
externalsecret_controller.go, shouldRefresh), so no password rotates.

What Kubernetes would refuse is not adopted silently: the generated object keeps the
Secret type the adopted one produced (generate.py), and a changed spec.name or
spec.cluster is an error (immutable.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .collisions import Generated
from .kinds import EXTERNAL_SECRET, PASSWORD, SECRET
from .krm import Item, Result, info, quoted
from .krm.objects import ORCHESTRATOR_PREFIXES
from .model import Spec
from .ownership import OWNER, ObjectKey, key_of, owner_of

BASIC_AUTH = "kubernetes.io/basic-auth"
MAX_LISTED = 6  # changed fields named in a result; more are counted


def adoptable(generated: list[Generated], kept: list[Item], applied: str) -> dict[ObjectKey, Item]:
    """What each generated object replaces, by the generated object's key (objects
    without a namespace are in applied, see key_of)."""
    wanted = {key_of(new.obj, applied): new for new in generated}
    found = {
        key: obj
        for obj in kept
        if (key := key_of(obj, applied)) in wanted and not owner_of(obj) and not obj.is_local_config
    }
    by_key = {key_of(obj, applied): obj for obj in kept if PASSWORD.of(obj) and not owner_of(obj)}
    for key, obj in list(found.items()):
        generator = _generator_of(obj) if EXTERNAL_SECRET.of(obj) else None
        generator_key = (PASSWORD.group, PASSWORD.kind, key[2], generator or "")
        old = by_key.get(generator_key)
        new = next(
            (
                made
                for made in generated
                if made.position == wanted[key].position and PASSWORD.of(made.obj)
            ),
            None,
        )
        if old is not None and new is not None:
            found.setdefault(key_of(new.obj, applied), old)
    return found


def adoption_results(
    generated: list[Generated], replaced: dict[ObjectKey, Item], spec: Spec, applied: str
) -> Iterator[Result]:
    """One info result per adopted object: what it became, and what changed in it."""
    for position, obj, *_ in generated:
        old = replaced.get(key_of(obj, applied))
        if old is None:
            continue
        entry = spec.databases[position]
        same = key_of(old, applied) == key_of(obj, applied)
        became = "" if same else f" as {obj.describe()}"
        message = (
            f"adopted {old.describe()}{became} for spec.databases[{position}] "
            f"({quoted(entry.name)}): {describe_changes(old.read(), obj.read())}"
        )
        message += "".join(_notes(old, obj, same))
        yield info(message, obj)


def _generator_of(external_secret: Item) -> str | None:
    for source in external_secret.get("spec", "dataFrom") or []:
        ref = source.get("sourceRef", {}).get("generatorRef") if isinstance(source, dict) else None
        if isinstance(ref, dict) and ref.get("kind") == PASSWORD.kind:
            name = ref.get("name")
            return name if isinstance(name, str) else None
    return None


def _notes(old: Item, new: Item, same: bool) -> Iterator[str]:
    """What the user should know beyond the fields: a Secret type kept, a password
    generator renamed (same: new is old under its own name), an owner reference that
    would let a deletion take a generated password with it."""
    kept_type = (
        new.get("spec", "target", "template", "type")
        if EXTERNAL_SECRET.of(new)
        else new.get("type")
        if SECRET.of(new)
        else None
    )
    if kept_type not in (None, BASIC_AUTH):
        yield (
            f"; its Secret stays of type {quoted(kept_type)}, as Kubernetes cannot change a "
            f"Secret's type: to switch to {BASIC_AUTH} on purpose, delete this object's file "
            "and render, then delete the Secret and this ExternalSecret in the cluster before "
            "applying, so that ESO writes the Secret anew (a generated password changes then)"
        )
    if PASSWORD.of(new) and not same:
        yield (
            "; ESO does not generate a password again for the new name, as the "
            "ExternalSecret using it has synced with refreshPolicy CreatedOnce"
        )
    owner_policy = old.get("spec", "target", "creationPolicy") in (None, "Owner")
    if EXTERNAL_SECRET.of(new) and _generator_of(old) is not None and owner_policy:
        namespace, name = new.namespace, new.get("spec", "target", "name")
        yield (
            "; its Secret still has an owner reference to this ExternalSecret (creationPolicy "
            "Owner), so deleting the ExternalSecret would delete the password: remove it with "
            f"kubectl -n {namespace} patch secret {name} --type=json "
            """-p '[{"op":"remove","path":"/metadata/ownerReferences"}]'"""
        )


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
    """Without the annotations that only say who made an object and where it is filed."""
    metadata = dict(values.get("metadata") or {})
    annotations = {
        key: value
        for key, value in (metadata.get("annotations") or {}).items()
        if not str(key).startswith(ORCHESTRATOR_PREFIXES) and key != OWNER
    }
    metadata.pop("annotations", None)
    if annotations:
        metadata["annotations"] = annotations
    return {**values, "metadata": metadata}


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:MAX_LISTED])
    return shown + (f" and {len(paths) - MAX_LISTED} more" if len(paths) > MAX_LISTED else "")
