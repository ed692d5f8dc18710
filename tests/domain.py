"""A DatabaseSet render from YAML texts, one step at a time, for tests of one rule.

`plan(config, *objects)` reads a DatabaseSet (its spec as YAML; it goes to Cluster
db/pg unless it says otherwise) and the input objects, and takes the steps of
plan/transform.py up to the rules: the targets, the set's earlier objects, the
objects it does not own, and what it generates. A test then asks one rule about
them. `render` runs the whole function, for an earlier render to start from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import dedent, indent

from dbset_fn.config.load import load_database_set
from dbset_fn.function import process_database_set
from dbset_fn.kinds.base import Adoption, ObjectKey
from dbset_fn.krm import Item, Result, read_documents, write_documents
from dbset_fn.plan.adoption import adoptable
from dbset_fn.plan.cluster_roles import managed_role_claims
from dbset_fn.plan.collisions import RoleClaim
from dbset_fn.plan.generate import generate
from dbset_fn.plan.generated import Generated
from dbset_fn.plan.ownership import owner_of
from dbset_fn.plan.render import Render
from dbset_fn.plan.targets import targets_of

SET_NAME = "apps"

CLUSTER = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
  namespace: db
spec:
  instances: 1
"""


def database_set(spec: str, name: str = SET_NAME) -> Item:
    """A DatabaseSet whose spec is the YAML given, on Cluster db/pg unless it names one."""
    body = dedent(spec).strip("\n") + "\n"
    if not body.startswith("cluster:") and "\ncluster:" not in body:
        body = "cluster: {name: pg, namespace: db}\n" + body
    text = (
        "apiVersion: dbset.krm.dev/v1alpha1\nkind: DatabaseSet\n"
        f"metadata:\n  name: {name}\nspec:\n" + indent(body, "  ")
    )
    (item,) = read_documents(text, "databaseset.yaml")
    return item


def objects(*texts: str) -> list[Item]:
    """The resources of YAML texts (each may hold several documents)."""
    return [item for text in texts for item in read_documents(dedent(text), "input.yaml")]


def render(spec: str, *texts: str) -> tuple[list[Item], list[Result]]:
    """The whole function on the objects of texts (the Cluster db/pg unless given), its
    output read back from its text, as the next kpt render reads it from the files."""
    output, results = process_database_set(objects(*(texts or (CLUSTER,))), database_set(spec))
    return read_documents(write_documents(output), "package"), results


@dataclass(repr=False)  # a failed assertion shows the messages, not the plan
class Plan:
    """The steps of a render before its rules are asked (see plan/transform.py)."""

    render: Render
    items: list[Item]
    previous: dict[ObjectKey, Item]
    kept: list[Item]
    generated: list[Generated] = field(default_factory=list)

    def regenerate(self) -> list[Generated]:
        return list(generate(self.render, self.previous, ""))

    def managed_roles(self) -> list[RoleClaim]:
        return list(managed_role_claims(self.render))

    def adopt(self) -> Adoption:
        """spec.adopt's step: what is taken over, and the objects generated again, each
        in the place of what it replaces."""
        adoption = adoptable(self.render, self.generated, self.kept)
        taken = {id(obj) for obj in adoption.replaced.values()}
        self.kept = [obj for obj in self.kept if id(obj) not in taken]
        self.previous |= adoption.replaced
        self.generated = self.regenerate()
        return adoption

    def generated_object(self, kind: str, name: str) -> Item:
        (obj,) = [new.obj for new in self.generated if (new.obj.kind, new.obj.name) == (kind, name)]
        return obj


def plan(spec: str, *texts: str, items: list[Item] | None = None) -> Plan:
    """A render of the DatabaseSet with that spec on the objects of texts (the Cluster
    db/pg unless given), or on items (an earlier render's output, say)."""
    items = items if items is not None else objects(*(texts or (CLUSTER,)))
    loaded = load_database_set(database_set(spec)).spec
    targets, results = targets_of(items, loaded, SET_NAME)
    assert targets and not results, results
    render = Render.of(loaded, SET_NAME, targets)
    owned = [obj for obj in items if owner_of(obj) == SET_NAME]
    previous = {render.key_of(obj): obj for obj in owned}
    kept = [obj for obj in items if owner_of(obj) != SET_NAME]
    made = Plan(render, items, previous, kept)
    made.generated = made.regenerate()
    return made


def messages(results: object) -> str:
    """The results' messages, one a line: what a test reads a rule's answer in."""
    return "\n".join(result.message for result in results)  # type: ignore[attr-defined]
