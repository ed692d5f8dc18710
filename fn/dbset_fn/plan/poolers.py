"""Which CloudNativePG Pooler, if any, apps are told about.

A Pooler serves one Cluster, lives in its namespace and is reached through a Service
named after it. Apps write, so only a read-write Pooler is picked on its own; any
Pooler of the Cluster can be picked by name.
"""

from __future__ import annotations

from ..config.model import Connection
from ..config.names import object_name_problems
from ..kinds.base import POOLER
from ..kinds.connection import PoolerService
from ..krm import FUNCTION_CONFIG, Item, Result, error, quoted


def choose_pooler(
    items: list[Item], cluster: Item, connection: Connection, runs_in: str, applied: str
) -> tuple[PoolerService | None, list[Result]]:
    """The Cluster's Pooler among those that run where it runs (runs_in); a Pooler without
    a namespace runs where the output is applied (applied, "" if not known)."""
    if not connection.usePooler:
        return None, []
    poolers = [
        obj
        for obj in items
        if POOLER.of(obj)
        and not obj.is_local_config
        and (obj.namespace or applied) == runs_in
        and obj.get("spec", "cluster", "name") == cluster.name
    ]
    found = ", ".join(pooler.describe() for pooler in poolers) or "none"
    if connection.pooler is not None:
        named = [pooler for pooler in poolers if pooler.name == connection.pooler]
        if named:
            return _pooler(named[0])
        message = (
            f"spec.connection.pooler {quoted(connection.pooler)} must name a Pooler of "
            f"{cluster.describe()} in the input, but its Poolers are: {found}; name one of "
            "them, or remove spec.connection.pooler"
        )
        return None, [
            error(
                message,
                FUNCTION_CONFIG,
                field_path="spec.connection.pooler",
                current_value=connection.pooler,
            )
        ]
    read_write = [pooler for pooler in poolers if pooler.get("spec", "type") in (None, "rw")]
    if len(read_write) > 1:
        names = ", ".join(quoted(pooler.name) for pooler in read_write)
        message = (
            f"spec.connection.pooler must choose between the read-write Poolers of "
            f"{cluster.describe()}: {names}; set it to one of them, or set "
            "spec.connection.usePooler to false"
        )
        return None, [error(message, FUNCTION_CONFIG, field_path="spec.connection.pooler")]
    return _pooler(read_write[0]) if read_write else (None, [])


def _pooler(obj: Item) -> tuple[PoolerService | None, list[Result]]:
    """The Pooler apps are told about: its name is their host, so it must be a name."""
    problems = object_name_problems(obj)
    if problems:
        return None, problems
    return PoolerService(obj.name, obj.get("spec", "pgbouncer", "poolMode") == "transaction"), []
