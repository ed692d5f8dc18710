"""The DatabaseSet transformation: (items, DatabaseSet) -> (items, results).

Everything the set generated on an earlier run is taken out and generated anew, so
the output depends only on the config and the objects the set does not own: a
second run changes nothing, and a removed entry leaves nothing behind. Each Cluster
the set's entries go to (targets.py) gains their roles by an edit of its text
(cluster_roles.py); every other input item goes out as it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config.model import Spec, entry_path
from ..krm import FUNCTION_CONFIG, Item, Result, error, has_errors, quoted
from .adoption import adoptable, adoption_results
from .cluster_roles import edit_roles, managed_role_claims
from .collisions import collisions
from .generate import generate
from .immutable import immutable_changes
from .losses import losses
from .ownership import OWNER, foreign_reason, owner_of
from .render import Render
from .report import entry_summaries, missing_prerequisites, trust_logins
from .rotation import rotation_notes, rotation_refusals, skipped_steps
from .targets import Target, targets_of


def transform(
    items: list[Item], spec: Spec, set_name: str, config_dir: str = ""
) -> tuple[list[Item], list[Result]]:
    """Extend the set's Clusters and append the set's objects; on error, items as given.

    config_dir is the package directory of the DatabaseSet's file: generated objects
    without an earlier path are placed under it.
    """
    targets, results = targets_of(items, spec, set_name)
    render = Render.of(spec, set_name, targets)
    results += list(copies_out_of_reach(targets, spec))
    results += list(rotation_refusals(render))
    owned = [obj for obj in items if owner_of(obj) == set_name]
    results += list(foreign_objects(owned))
    if has_errors(results) or not targets:
        return items, without_infos(results)
    extended: dict[int, Item] = {}
    for target in targets:
        extended[id(target.cluster)], problems = edit_roles(render, target)
        results += problems
    previous = {render.key_of(obj): obj for obj in owned}
    kept = [extended.get(id(obj), obj) for obj in items if owner_of(obj) != set_name]
    generated = list(generate(render, previous, config_dir))
    adoption = adoptable(render, generated, kept)
    if adoption.replaced:  # generated again, each in the place of what it replaces
        adopted = {id(obj) for obj in adoption.replaced.values()}
        kept = [obj for obj in kept if id(obj) not in adopted]
        previous |= adoption.replaced
        generated = list(generate(render, previous, config_dir))
    claims = managed_role_claims(render)
    results += collisions(render, generated, claims, kept, adoption.refused)
    results += immutable_changes(render, generated, previous)
    results += skipped_steps(render, previous)
    if has_errors(results):
        return items, without_infos(results)
    results += adoption_results(render, generated, adoption)
    results += entry_summaries(render, generated)
    results += trust_logins(render)
    results += missing_prerequisites(render, items, generated)
    results += losses(render, generated, previous)
    results += rotation_notes(render, previous)
    return kept + [new.obj for new in generated], warnings_first(results)


def warnings_first(results: list[Result]) -> list[Result]:
    """kpt shows the first few results of a function only: what the cluster will lose
    must be among them."""
    return sorted(results, key=lambda result: result.severity != "warning")


def without_infos(results: list[Result]) -> list[Result]:
    """On an error the items go out as they came: nothing was adopted after all."""
    return [result for result in results if result.severity != "info"]


def copies_out_of_reach(targets: list[Target], spec: Spec) -> Iterator[Result]:
    """An app's copy of a generated password is read from the Cluster's namespace through
    spec.clusterNamespaceStore, whose kubernetes provider reads one namespace: the set's
    Cluster's. A generated password on a Cluster elsewhere cannot reach its app."""
    home = targets[0].endpoint.namespace if targets else ""
    for _, entries, endpoint in targets[1:]:
        if endpoint.namespace == home:
            continue
        for position, entry in entries:
            for place in entry.app_namespaces if entry.password is not None else ():
                if place == endpoint.namespace and entry.rotation is None:
                    continue  # the generating ExternalSecret serves the app there
                yield error(
                    f"{entry_path(position, entry)} must not copy a generated password to "
                    f"namespace {quoted(place)} from its Cluster's namespace "
                    f"{quoted(endpoint.namespace)}, as spec.clusterNamespaceStore reads the set's "
                    f"Cluster's namespace {quoted(home)}; take the password from a store "
                    "(bitwardenPasswordId or passwordRef), or put the app in its Cluster's "
                    "namespace",
                    FUNCTION_CONFIG,
                    field_path=f"spec.databases[{position}].appNamespace",
                    current_value=entry.appNamespace,
                )


def foreign_objects(owned: Iterable[Item]) -> Iterator[Result]:
    """Objects that carry the set's ownership annotation but that it cannot have made:
    pruning them would delete what someone wrote."""
    for obj in owned:
        reason = foreign_reason(obj)
        if reason is not None:
            yield error(
                f"{obj.describe()} must not carry the annotation {OWNER}, as {reason}: it "
                "would be pruned as generated; remove the annotation from it",
                obj,
                field_path=f"metadata.annotations.{OWNER}",
                current_value=owner_of(obj),
            )
