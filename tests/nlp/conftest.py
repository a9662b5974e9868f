"""One tagger per test session: natasha's models load once."""

from __future__ import annotations

import pytest

from nlp.tagger import Tagger, TextItem


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return Tagger()


@pytest.fixture(scope="session")
def tag(tagger: Tagger):
    def run(text: str, kind: str = "comment") -> dict:
        return tagger.tag(TextItem(text, kind)).to_dict()

    return run
