"""The DatabaseSet transformation: (items, DatabaseSet) -> (items, results).

Everything the set generated on an earlier run is taken out and generated anew, so
the output depends only on the config and the objects the set does not own: a
second run changes nothing, and a removed entry leaves nothing behind. Each Cluster
the set's entries go to (targets.py) gains their roles by an edit of its text
(cluster.py); every other input item goes out as it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config.model import Spec, entry_path
from ..kinds.base import Adoption
from ..krm import FUNCTION_CONFIG, Item, Result, error, has_errors, quoted
from .adoption import adoptable, adoption_results
from .cluster_roles import edit_roles, managed_role_claims
from .collisions import collisions
from .generate import generate
from .immutable import immutable_changes
from .losses import losses
from .ownership import OWNER, foreign_reason, key_of, owner_of
from .report import entry_summaries, missing_prerequisites
from .targets import Target, applied_namespace, targets_of


def transform(
    items: list[Item], spec: Spec, set_name: str, config_dir: str = ""
) -> tuple[list[Item], list[Result]]:
    """Extend the set's Clusters and append the set's objects; on error, items as given.

    config_dir is the package directory of the DatabaseSet's file: generated objects
    without an earlier path are placed under it.
    """
    targets, results = targets_of(items, spec, set_name)
    applied = applied_namespace(targets)
    results += list(copies_out_of_reach(targets, spec))
    owned = [obj for obj in items if owner_of(obj) == set_name]
    results += list(foreign_objects(owned))
    if has_errors(results) or not targets:
        return items, without_infos(results)
    extended: dict[int, Item] = {}
    as_managed_roles = spec.roleOutput == "managedRoles"
    for target in targets:
        new, problems = edit_roles(
            target.cluster, target.entries, as_managed_roles, set_name, spec.adopt
        )
        extended[id(target.cluster)] = new
        results += problems
    previous = {key_of(obj, applied): obj for obj in owned}
    kept = [extended.get(id(obj), obj) for obj in items if owner_of(obj) != set_name]
    generated = list(generate(spec, set_name, targets, previous, config_dir, applied))
    adoption = adoptable(generated, kept, applied) if spec.adopt else Adoption([], "", owner_of)
    if adoption.replaced:  # generated again, each in the place of what it replaces
        adopted = {id(obj) for obj in adoption.replaced.values()}
        kept = [obj for obj in kept if id(obj) not in adopted]
        previous |= adoption.replaced
        generated = list(generate(spec, set_name, targets, previous, config_dir, applied))
    claims = managed_role_claims(targets, spec, applied)
    results += collisions(generated, claims, kept, spec, set_name, adoption.refused, applied)
    results += immutable_changes(generated, previous, applied)
    if has_errors(results):
        return items, without_infos(results)
    results += adoption_results(generated, adoption, applied)
    results += entry_summaries(generated, targets, spec)
    results += missing_prerequisites(items, generated, targets, spec, applied)
    results += losses(generated, previous, spec, applied)
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
            if entry.password is None or entry.appNamespace in (None, endpoint.namespace):
                continue
            yield error(
                f"{entry_path(position, entry)} must not copy a generated "
                f"password to namespace {quoted(entry.appNamespace)} from its Cluster's namespace "
                f"{quoted(endpoint.namespace)}, as spec.clusterNamespaceStore reads the set's "
                f"Cluster's namespace {quoted(home)}; take the password from a store "
                "(bitwardenPasswordId or passwordRef), or put the app in its Cluster's namespace",
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
