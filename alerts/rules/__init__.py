"""Rule kinds, one module each; importing this package registers all of them."""

from alerts.rules import bad_reply, conflict, overdue, repeat_complaint, spike, viral_negative
from alerts.rules.base import Context, Fire, Resolve, Rule, RuleSpec, Signal
from alerts.rules.registry import REGISTRY, RuleKind, build_rule, register

__all__ = [
    "REGISTRY",
    "Context",
    "Fire",
    "Resolve",
    "Rule",
    "RuleKind",
    "RuleSpec",
    "Signal",
    "bad_reply",
    "build_rule",
    "conflict",
    "overdue",
    "register",
    "repeat_complaint",
    "spike",
    "viral_negative",
]
