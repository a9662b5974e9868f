"""Who must answer, and when: which incidents need an official response (configuration)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from alerts.durations import parse_duration
from alerts.matchers import Matcher, check_matcher, match_all, parse_matchers

MatcherField = Annotated[str, AfterValidator(check_matcher)]
DurationField = Annotated[timedelta, BeforeValidator(parse_duration)]
SOCIAL = frozenset({"vk", "ok", "telegram", "max"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseRuleConfig(_Strict):
    """First match wins. Matchers see the incident's labels (see `incident_labels`)."""

    name: str = Field(min_length=1)
    matchers: list[MatcherField] = []
    respond: bool = True
    # Reach score (Σ weight × reactions of its messages) the incident needs first.
    min_reach: float = Field(default=0.0, ge=0)
    # Distinct authors the incident needs first (a complaint several people share).
    min_authors: int = Field(default=1, ge=1)


DEFAULT_POLICY: list[dict[str, Any]] = [
    # Платформа обратной связи: by law.
    {"name": "pos", "matchers": ['source="pos"']},
    # Written appeals (59-ФЗ): e-mail, site forms.
    {"name": "appeals", "matchers": ['kind="appeal"']},
    {"name": "mail-and-forms", "matchers": ['source=~"mail|email|form|imap"']},
    # Rude or irrelevant chatter: counted, never overdue.
    {"name": "chatter", "matchers": ['topic="chatter"'], "respond": False},
    # A complaint or question on the municipality's own pages.
    {"name": "own-pages", "matchers": ['page="own"']},
    # Other publics: a complaint about a municipal matter that reaches people.
    {
        "name": "other-publics",
        "matchers": ['page="other"', 'complaint="true"', 'municipal="true"'],
        "min_reach": 200,
    },
]


class ReachWeights(_Strict):
    likes: float = 1.0
    reposts: float = 5.0
    comments: float = 3.0
    views: float = 0.01
    # Every message in the incident is a voice, too.
    message: float = 10.0


class IncidentPriorityConfig(_Strict):
    # What makes an incident high priority (a shorter deadline).
    conflict: bool = True
    toxicity: float = Field(default=0.7, ge=0.0, le=1.0)
    reach: float = Field(default=300.0, gt=0)
    # An author complaining again, or this many authors about one problem.
    repeats: bool = True
    authors: int = Field(default=5, ge=2)


class IncidentsConfig(_Strict):
    # Messages of one category at one address (or place) within this window join one incident.
    window: DurationField = timedelta(hours=72)
    # A message older than this when it arrives is backfill: indexed, rated, never paged.
    backfill_after: DurationField = timedelta(hours=24)
    page_backfill: bool = False
    # Id prefixes of the municipality's own pages and chats, e.g. "vk:-123_" (page="own").
    own_pages: list[str] = []
    response: list[ResponseRuleConfig] = Field(
        default_factory=lambda: [ResponseRuleConfig.model_validate(r) for r in DEFAULT_POLICY]
    )
    reach: ReachWeights = ReachWeights()
    priority: IncidentPriorityConfig = IncidentPriorityConfig()
    # Bounds of one incident's state: join keys, remembered authors and message ids.
    max_keys: int = Field(default=64, ge=4)
    max_authors: int = Field(default=200, ge=10)


class ResponsePolicy:
    def __init__(self, rules: list[ResponseRuleConfig]) -> None:
        self.rules: list[tuple[ResponseRuleConfig, tuple[Matcher, ...]]] = [
            (r, parse_matchers(r.matchers)) for r in rules
        ]

    def decide(self, labels: Mapping[str, str], reach: float, authors: int) -> str | None:
        """The name of the rule that requires a response now; None: no response (yet)."""
        for rule, matchers in self.rules:
            if not match_all(matchers, labels):
                continue
            if not rule.respond:
                return None
            if reach >= rule.min_reach and authors >= rule.min_authors:
                return rule.name
            return None
        return None


def page_of(source: str, thread_id: str, ident: str, own_pages: list[str]) -> str:
    """own / other for social networks and messengers, "" where pages do not apply."""
    if source not in SOCIAL:
        return ""
    if any(thread_id.startswith(p) or ident.startswith(p) for p in own_pages):
        return "own"
    return "other"
