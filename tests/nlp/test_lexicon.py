import pytest

from nlp.lexicon import Lexicon, Word


def _words(*lemmas: str, sent: int = 0) -> list[Word]:
    return [Word(lemma, lemma, sent, index) for index, lemma in enumerate(lemmas)]


@pytest.mark.parametrize(
    ("term", "lemmas", "hit"),
    [
        ("яма", ("большой", "яма"), True),
        ("ремонт дорога", ("ремонт", "дорога"), True),
        ("ремонт дорога", ("дорога", "ремонт"), False),
        ("ворова*", ("чиновник", "воровать"), True),
        ("администрация ... не делать", ("администрация", "опять", "ничего", "не", "делать"), True),
        ("администрация ... не делать", ("администрация",), False),
    ],
)
def test_terms(term: str, lemmas: tuple[str, ...], hit: bool) -> None:
    assert bool(Lexicon.build({term: 1.0}).hits(_words(*lemmas))) is hit


def test_gap_stays_inside_a_sentence() -> None:
    words = [
        Word("администрация", "администрация", 0, 0),
        Word("не", "не", 1, 1),
        Word("делать", "делать", 1, 2),
    ]
    assert Lexicon.build({"администрация ... не делать": 1.0}).hits(words) == []


def test_distinct_terms_score_once() -> None:
    lexicon = Lexicon.build({"яма": 2.0, "дорога": 1.0})
    assert lexicon.score(_words("яма", "на", "яма", "дорога")) == 3.0


def test_exact_form_item() -> None:
    lexicon = Lexicon.build({"=скажите": 1.0})
    assert lexicon.hits([Word("сказать", "скажите", 0, 0)])
    assert not lexicon.hits([Word("сказать", "сказал", 0, 0)])
