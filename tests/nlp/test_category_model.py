"""The optional learned tie-breaker: softmax over lemma, kind and lexicon weights."""

import pytest

from nlp.category import Categoriser
from nlp.category_model import CategoryModel
from nlp.config import TaggerConfig

MODEL = CategoryModel.from_dict(
    {
        "classes": ["roads", "transport"],
        "bias": [0.0, 0.0],
        "kinds": {"reply": [0.5, 0.0]},
        "lexicon": [[1.0, 0.0], [0.0, 1.0]],
        "lemmas": {"остановка": [0.0, 2.0], "асфальт": [2.0, 0.0]},
    }
)


@pytest.mark.parametrize(
    ("lemmas", "kind", "best"),
    [
        (["остановка", "снег"], "comment", "transport"),
        (["асфальт", "снег"], "comment", "roads"),
        (["снег"], "reply", "roads"),
    ],
)
def test_probabilities_follow_the_weights(lemmas: list[str], kind: str, best: str) -> None:
    probabilities = MODEL.probabilities(lemmas, kind, {})
    assert max(probabilities, key=lambda name: probabilities[name]) == best
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_model_only_settles_ties_of_the_lexicon() -> None:
    categoriser = Categoriser(TaggerConfig(categories={"roads": {"яма": 3.0}}))
    tie = {"roads": 3.0, "transport": 3.0}
    assert categoriser.decide(tie).category == "roads"
    assert categoriser.decide(tie, {"roads": 0.2, "transport": 0.8}).category == "transport"
    clear = {"roads": 3.0, "transport": 1.0}
    assert categoriser.decide(clear, {"roads": 0.0, "transport": 1.0}).category == "roads"
    assert categoriser.decide({"roads": 0.0}, {"roads": 1.0}).category == "other"


def test_tagger_inputs_are_content_lemmas_and_scores(tagger) -> None:
    from nlp.tagger import TextItem

    [(lemmas, scores)] = tagger.category_inputs([TextItem("На остановке нет расписания автобусов")])
    assert "остановка" in lemmas and "на" not in lemmas
    assert scores["transport"] >= 3.0
