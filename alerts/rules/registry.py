"""The rule plug-in registry: kind name -> (typed config block, class)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from alerts.rules.base import Rule, RuleSpec

T = TypeVar("T")


@dataclass(frozen=True)
class RuleKind:
    kind: str
    config_model: type[BaseModel]
    factory: Callable[[RuleSpec, Any], Rule]


REGISTRY: dict[str, RuleKind] = {}


def register(kind: str, config_model: type[BaseModel]) -> Callable[[T], T]:
    """Class decorator: the class takes (spec, typed config block)."""

    def wrap(cls: T) -> T:
        REGISTRY[kind] = RuleKind(kind, config_model, cls)  # type: ignore[arg-type]
        return cls

    return wrap


def build_rule(spec: RuleSpec, block: BaseModel) -> Rule:
    return REGISTRY[spec.kind].factory(spec, block)
