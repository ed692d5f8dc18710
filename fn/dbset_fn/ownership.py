"""How the function knows what it made, so that re-runs replace it and prune it.

`kpt fn render` writes generated objects into the package, and the next run gets
them back as input. Generated objects carry an annotation naming their DatabaseSet;
the Cluster carries one annotation recording which managed roles each DatabaseSet
owns, so several DatabaseSets can share a Cluster and hand-written roles stay theirs.
"""

from __future__ import annotations

import json

from .krm import KubeObject

OWNER = "dbset.krm.dev/database-set"
MANAGED_ROLES = "dbset.krm.dev/managed-roles"

ObjectKey = tuple[str, str, str, str]

# Only objects of these (group, kind) are ever generated, so only they can be owned:
# an ownership annotation copied onto anything else does not make it prunable.
GENERATED_KINDS = frozenset(
    {
        ("postgresql.cnpg.io", "Database"),
        ("postgresql.cnpg.io", "DatabaseRole"),
        ("external-secrets.io", "ExternalSecret"),
        ("generators.external-secrets.io", "Password"),
        ("", "Secret"),
    }
)


def key_of(obj: KubeObject) -> ObjectKey:
    """What makes two objects the same object: group, kind, namespace and name."""
    return (obj.group, obj.kind, obj.namespace, obj.name)


def owner_of(obj: KubeObject) -> str:
    """The DatabaseSet that generated obj, or "" for anything it did not generate."""
    if (obj.group, obj.kind) not in GENERATED_KINDS:
        return ""
    return obj.annotations.get(OWNER, "")


def role_owners(cluster: KubeObject) -> dict[str, list[str]]:
    """DatabaseSet name -> the role names it manages in this Cluster.

    Raises ValueError when the annotation was edited into something unreadable.
    """
    text = cluster.annotations.get(MANAGED_ROLES)
    if text is None:
        return {}
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        record = None
    if not isinstance(record, dict) or not all(
        isinstance(roles, list) and all(isinstance(role, str) for role in roles)
        for roles in record.values()
    ):
        raise ValueError(
            f"annotation {MANAGED_ROLES} of {cluster.describe()} must be a JSON object "
            f'mapping DatabaseSet names to lists of role names, got "{text}"; restore it '
            "from version control or remove it together with the roles it lists"
        )
    return record


def record_role_owners(cluster: KubeObject, record: dict[str, list[str]]) -> None:
    """Write the record back, and only if it changed, so re-runs keep the text as is."""
    text = json.dumps(dict(sorted(record.items())), separators=(",", ":")) if record else None
    if text == cluster.annotations.get(MANAGED_ROLES):
        return
    if text is None:
        cluster.remove_annotations([MANAGED_ROLES])
    else:
        cluster.set_annotations({MANAGED_ROLES: text})
