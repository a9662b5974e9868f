"""What every agent module's `install` gets: the app, settings, topics and metrics."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from streams.metrics import Metrics
from streams.settings import Settings


@dataclass(frozen=True)
class Topics:
    raw: faust.TopicT
    tagged: faust.TopicT
    deadletter: faust.TopicT
    responses: faust.TopicT
    alerts: faust.TopicT
    status: faust.TopicT


@dataclass(frozen=True)
class Context:
    """What every agent module's `install` gets."""

    app: faust.App
    settings: Settings
    topics: Topics
    metrics: Metrics
