"""What every step of one render knows: the set, the Clusters its entries go to, and
where an object without a namespace lands."""

from __future__ import annotations

from typing import NamedTuple

from ..config.model import Spec
from ..kinds.base import ObjectKey
from ..krm import Item
from .ownership import key_of
from .targets import Target, applied_namespace


class Render(NamedTuple):
    spec: Spec
    set_name: str
    targets: list[Target]  # the set's Cluster first
    applied: str  # the namespace the output is applied to ("" where it is not known)

    @classmethod
    def of(cls, spec: Spec, set_name: str, targets: list[Target]) -> Render:
        return cls(spec, set_name, targets, applied_namespace(targets))

    def key_of(self, obj: Item) -> ObjectKey:
        """obj's key where it lands: see ownership.key_of."""
        return key_of(obj, self.applied)
