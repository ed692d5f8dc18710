"""What every generated kind is asked, and the answer for a kind with nothing special.

A kind's module (one per kind, listed in kinds/__init__.py) says everything about its
objects: how an entry or a Cluster renders them, what they claim, which fields
Kubernetes will not change, what a new object keeps from the one it replaces, which
objects of the kind the set cannot have made, what adopting one means, and what
pruning one takes from the cluster. Generation, collisions, immutability, ownership,
adoption and the report (plan/) ask these questions of every kind in the registry and
name none.

Once applied, a kind's module also says what CloudNativePG or ESO made of an object of
the kind (`verdict`, read by `dbset-fn status`): which of an entry's status columns
it answers, and what its live status says, from the upstream types it cites.

An object claims more than its name: an ExternalSecret the Secret it writes, a
Database the PostgreSQL database it manages, a DatabaseRole the role. Two objects
with one claim fight (ESO over the Secret, CloudNativePG over the database or role),
so a generated object's claims are checked against every other object's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, Protocol, TypeVar

from ..config.model import STAGES, DatabaseEntry, SecretStoreRef, Spec, entry_path
from ..krm import FUNCTION_CONFIG, Item, Result, quoted, warning
from .connection import Endpoint

ObjectKey = tuple[str, str, str, str]
"""(group, kind, namespace, name): what makes two objects one once applied."""

Index = TypeVar("Index")


class Kind(NamedTuple):
    group: str
    version: str
    kind: str

    @property
    def api_version(self) -> str:
        """Interned: every document a renderer makes holds it."""
        return sys.intern(f"{self.group}/{self.version}" if self.group else self.version)

    def of(self, obj: Item) -> bool:
        return obj.kind == self.kind and obj.group == self.group  # the kind is the cheaper test

    def key(self, namespace: str, name: str) -> ObjectKey:
        return (self.group, self.kind, namespace, name)


# Read, never generated.
CLUSTER = Kind("postgresql.cnpg.io", "v1", "Cluster")
POOLER = Kind("postgresql.cnpg.io", "v1", "Pooler")


class ClaimType(NamedTuple):
    """Something of which only one object may hold each: why two holders fight, for the
    collision message."""

    what: str  # "Secret", "database", "role"
    verb: str  # what the holder does to it: "writes", "manages"
    fight: str  # why there can be one holder only


class Claim(NamedTuple):
    """One thing an object holds: a Secret in a namespace, or a database or role of a
    Cluster in a namespace."""

    type: ClaimType
    namespace: str
    cluster: str
    name: str

    def describe(self) -> str:
        """`Secret "romm/romm-db-credentials"`, `database "wiki" of Cluster "postgres/pg"`."""
        if not self.cluster:
            return f"{self.type.what} {quoted(_joined(self.namespace, self.name))}"
        cluster = quoted(_joined(self.namespace, self.cluster))
        return f"{self.type.what} {quoted(self.name)} of Cluster {cluster}"

    def landed(self, applied: str) -> Claim:
        """The claim where it lands: one without a namespace is in applied."""
        return self._replace(namespace=self.namespace or applied)


def _joined(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


class Rendered(NamedTuple):
    """A generated object's document, what it claims besides its name, and the secret
    store it reads (an ExternalSecret's), which must exist where it is applied."""

    document: dict[str, Any]
    claims: tuple[Claim, ...] = ()
    reads: SecretStoreRef | None = None


def metadata(kind: Kind, name: str, namespace: str) -> dict[str, Any]:
    """The start of a document: its kind, and its name in its namespace (none written
    where the Cluster has none)."""
    where = {"name": name, "namespace": namespace} if namespace else {"name": name}
    return {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": where}


Entries = dict[str, tuple[int, DatabaseEntry]]
"""The set's entries by name, with their places: what a pruned object is matched to."""


class Pruning(NamedTuple):
    """What a pruned object's loss is judged by: the entries as they are now, and the
    namespaces of the set's Clusters (a Secret elsewhere is an app's)."""

    entries: Entries
    clusters: set[str]


class Adoption:
    """What spec.adopt takes over, by the key of the generated object that replaces each,
    why it leaves alone what it cannot take over, and the objects it judges against."""

    def __init__(self, kept: list[Item], applied: str, owner_of: Callable[[Item], str]) -> None:
        self.replaced: dict[ObjectKey, Item] = {}
        self.refused: dict[ObjectKey, str] = {}  # where a generated object goes: why it stays
        self.notes: dict[ObjectKey, str] = {}  # an adopted object: what did not come with it
        self.kept = kept
        self.applied = applied  # where an object without a namespace is
        self.owner_of = owner_of  # the DatabaseSet that generated an object, or ""
        self._indexes: dict[Callable[..., Any], Any] = {}

    def index(self, build: Callable[[list[Item], str], Index]) -> Index:
        """An index of the kept objects that a kind needs, built once (by build)."""
        if build not in self._indexes:
            self._indexes[build] = build(self.kept, self.applied)
        return self._indexes[build]


class GeneratedKind:
    """A kind the set generates. Its module subclasses this and overrides what is
    special about it; every answer here is that of a kind with nothing special."""

    kind: Kind
    immutable: tuple[str, ...] = ()  # dotted paths Kubernetes refuses to change once set
    names_a_cluster = False  # spec.cluster: an object that cannot move to another Cluster
    claim_types: tuple[ClaimType, ...] = ()  # what objects of the kind claim
    adopted_last = False  # whether adopting one depends on what else was adopted

    @property
    def name(self) -> str:
        return self.kind.kind

    def of(self, obj: Item) -> bool:
        return self.kind.of(obj)

    def key(self, namespace: str, name: str) -> ObjectKey:
        return self.kind.key(namespace, name)

    def for_entry(self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint) -> list[Rendered]:
        """The objects of this kind an entry on the Cluster at endpoint makes."""
        return []

    def for_cluster(
        self, entries: list[DatabaseEntry], spec: Spec, endpoint: Endpoint
    ) -> list[Rendered]:
        """The objects of this kind the Cluster at endpoint makes, for the set's entries
        on it (none, when the set's last entry left it)."""
        return []

    def claims(self, values: dict[str, Any], namespace: str) -> list[Claim]:
        """What an object of the kind in the input (hand-written, or generated earlier)
        claims; values may hold anything a user wrote."""
        return []

    def keep_from(self, document: dict[str, Any], before: dict[str, Any]) -> None:
        """Keep in a new document what Kubernetes would not let it change in before (the
        fields of the object it replaces: an earlier run's, or an adopted one)."""

    def foreign_reason(self, obj: Item) -> str | None:
        """Why an object of the kind that carries a set's ownership annotation cannot have
        been generated (it must then never be pruned), or None."""
        return None

    def adoption_refusal(self, obj: Item, new: Item, adoption: Adoption) -> str | None:
        """Why obj, where the generated new goes, cannot be taken over, or None."""
        return None

    def adopt_with(
        self, key: ObjectKey, old: Item, adoption: Adoption, wanted: dict[ObjectKey, Item]
    ) -> None:
        """Take over, with old (adopted for the generated object at key), what goes with
        it; wanted holds what the set generates, by key."""

    def adoption_notes(self, old: Item, new: Item, renamed: bool) -> Iterator[str]:
        """What the user should know about an adoption beyond the fields that changed."""
        return iter(())

    def pruned(self, obj: Item, values: Any, pruning: Pruning) -> Iterator[Result]:
        """Warnings for what pruning obj (values: its fields) takes from the cluster."""
        return iter(())

    def compared(self, namespace: str, name: str, values: dict[str, Any]) -> Any:
        """What `changed` compares of an object of the kind (values: its fields), an
        earlier render's or a new one; None for nothing. Each object is read once and
        this is kept for all of them: it must be small."""
        return None

    def changed(self, before: list[Any], after: list[Any], pruning: Pruning) -> Iterator[Result]:
        """Warnings for what replacing the kind's objects of an earlier render by the new
        ones takes from the cluster; before and after: what `compared` gave for each."""
        return iter(())

    def answers(
        self, document: dict[str, Any], entry: DatabaseEntry, endpoint: Endpoint
    ) -> tuple[str, ...]:
        """Which of the entry's status COLUMNS document, generated for it, answers;
        none for a kind whose objects no column shows."""
        return ()

    def verdict(self, values: dict[str, Any], live: Live) -> Verdict:
        """What the live object (values) says was done with it; a kind without a status
        exists, and that is all there is to say."""
        return Verdict(OK, "no status to read")

    def entry_verdicts(
        self, entry: DatabaseEntry, spec: Spec, endpoint: Endpoint, live: Live
    ) -> dict[str, Verdict]:
        """Verdicts for what an entry holds in an object it does not own (its role in the
        Cluster's spec.managed.roles), by column."""
        return {}

    def cluster_notes(
        self, cluster: dict[str, Any], entries: list[DatabaseEntry], live: Live
    ) -> list[str]:
        """What the live Cluster's status says beyond the entries, or cannot say."""
        return []


ROLE, DATABASE, PASSWORD_SECRET, APP_SECRET = "role", "database", "passwordSecret", "appSecret"
COLUMNS = (ROLE, DATABASE, PASSWORD_SECRET, APP_SECRET)
"""What `dbset-fn status` says of each entry: its role, its Database, the Secret
CloudNativePG reads the role's password from, and the Secret its app reads."""

OK, PENDING, STALE, UNKNOWN, MISSING, FAILED = (
    "OK",
    "PENDING",
    "STALE",
    "UNKNOWN",
    "MISSING",
    "FAILED",
)
STATES = (OK, PENDING, STALE, UNKNOWN, MISSING, FAILED)
"""From best to worst: an entry's column shows the worst of what answers it."""


class Verdict(NamedTuple):
    """What the cluster did with one of an entry's objects: a state, the upstream
    message or our reason, and the object it was read from."""

    state: str
    message: str = ""
    source: str = ""

    def worse(self, other: Verdict) -> Verdict:
        return other if STATES.index(other.state) > STATES.index(self.state) else self


class Live(Protocol):
    """The live objects a status report reads: what a kind's verdict may look up."""

    def get(self, kind: Kind, namespace: str, name: str) -> dict[str, Any] | None:
        """The live object, its fields as the API server gave them (a Secret's metadata
        only), or None."""

    def covers(self, kind: Kind, namespace: str) -> bool:
        """Whether objects of kind in namespace were read at all: an object not read is
        not missing, it is unknown."""

    def of_kind(self, kind: Kind) -> list[dict[str, Any]]:
        """Every live object of kind that was read."""


def generation_behind(values: dict[str, Any], observed: Any) -> Verdict | None:
    """PENDING when the controller has not yet reconciled the object's latest
    generation (status.observedGeneration < metadata.generation)."""
    generation = field(values, "metadata").get("generation")
    if generation is None or observed == generation:
        return None
    return Verdict(
        PENDING, f"generation {generation} not reconciled yet (observedGeneration {observed})"
    )


def lost(what: str, listed: tuple[int, DatabaseEntry] | None, keep: str, name: str) -> Result:
    """A warning that applying the output loses what, for the entry named name (listed:
    its place and itself, None when it was removed), and how to keep it."""
    if listed is None:
        return warning(
            f"{what}, as spec.databases no longer lists {quoted(name)}; to keep it, add the "
            "entry back",
            FUNCTION_CONFIG,
            field_path="spec.databases",
            current_value=name,
        )
    position, entry = listed
    return warning(
        f"{what}, as {entry_path(position, entry)} changed; to keep it, {keep}",
        FUNCTION_CONFIG,
        field_path=f"spec.databases[{position}]",
    )


def field(values: Any, *path: str) -> dict[str, Any]:
    """The mapping at path, or an empty one: a hand-edited object may hold anything."""
    for part in path:
        values = values.get(part) if isinstance(values, dict) else None
    return values if isinstance(values, dict) else {}


ROTATION = "dbset.krm.dev/rotation"
"""The annotation on each generated object of a rotating entry: the entry, where its
rotation stands, and the role its app logs in as (JSON); what the next render and
`dbset-fn status` read."""


class RotationRecord(NamedTuple):
    entry: str
    generation: int
    stage: str


def rotation_record_of(annotations: Any) -> RotationRecord | None:
    """The record an object carries; one that does not read as one is none."""
    text = annotations.get(ROTATION) if isinstance(annotations, dict) else None
    try:
        values: Any = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    entry, generation, stage = values.get("entry"), values.get("generation"), values.get("stage")
    if isinstance(entry, str) and type(generation) is int and stage in STAGES:
        return RotationRecord(entry, generation, stage)
    return None
