"""The tagger: one batch call over natasha/slovnet, then the rules, per message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from nlp.addresses import AddressFinder
from nlp.analysis import Analysis, Entity
from nlp.category import OTHER, Categoriser, CategoryGuess, lexicon_name, located
from nlp.config import TaggerConfig, load_config
from nlp.conflict import ConflictDetector
from nlp.entities import EntityFinder
from nlp.intents import IntentReader
from nlp.learned import DEFAULT_PATH as HEADS_PATH
from nlp.learned import SOFT, Embedder, Heads, Signals, Vector
from nlp.lexicon import Word, words_of
from nlp.morph import Morphology
from nlp.people import PersonNamer
from nlp.pipeline import Pipeline
from nlp.replies import ReplyJudge
from nlp.scan import Scan, Scanner
from nlp.sentiment import SentimentScorer
from nlp.text import prepare
from nlp.toxicity import ToxicityScorer

REPLY = "reply"
GREETINGS = frozenset({"уважаемый", "здравствовать", "добрый", "день", "вечер", "утро"})


def _greeted(analysis: Analysis, entity: Entity) -> bool:
    """True for a name the reply's opening greeting addresses."""
    tokens = analysis.tokens
    if entity.first >= len(tokens) or tokens[entity.first].sent != 0:
        return False
    before = tokens[max(0, entity.first - 3) : entity.first]
    return any(token.lemma in GREETINGS for token in before)


@dataclass(frozen=True, slots=True)
class TextItem:
    text: str
    kind: str = "post"


@dataclass(frozen=True)
class Tagging:
    """The `nlp` object of a tagged message (CONTRACTS.md)."""

    lemmas: list[str]
    category: str
    category_score: float
    sentiment: str
    toxicity: float
    toxic: bool
    conflict: bool
    conflict_reasons: list[str]
    is_complaint: bool
    is_question: bool
    entities: list[dict[str, str]] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    formal_reply: bool | None = None
    rude_reply: bool | None = None
    # The text came as HTML and was read without its markup; it was longer than the cap.
    markup: bool = False
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Tagger:
    """Loads the models and rules once; `tag_many` is the batch method, `tag` sits on top."""

    def __init__(
        self,
        config: TaggerConfig | None = None,
        network_batch: int = 16,
        heads: Heads | bool | None = True,
        max_chars: int | None = None,
    ) -> None:
        """`heads`: the linear heads over navec vectors (scripts/train_nlp_models.py); True loads
        the shipped file, False or None runs the rules alone. `max_chars`: how much of a text
        is read (default: `max_text_chars` of the config); the rest is left untagged."""
        self.config = config or load_config()
        limit = self.config.threshold("max_text_chars", 20_000) if max_chars is None else max_chars
        self.max_chars = int(limit)
        self.pipeline = Pipeline(batch_size=network_batch)
        self.morph = Morphology(self.pipeline.vocab)
        normalise = self.morph.normal_term
        lexicons = dict(self.config.lexicons)
        lexicons.update(
            {lexicon_name(name): terms for name, terms in self.config.categories.items()}
        )
        self.scanner = Scanner(lexicons, normalise)
        self.people = PersonNamer(self.config, self.morph)
        self.addresses = AddressFinder(self.config, self.morph)
        self.entities = EntityFinder(self.config, self.morph, self.people)
        self.categoriser = Categoriser(self.config)
        self.toxicity = ToxicityScorer(self.config)
        self.conflicts = ConflictDetector(self.config)
        self.replies = ReplyJudge(self.config)
        self.intents = IntentReader(self.config)
        self.sentiment = SentimentScorer(self.config)
        self._officials = {official.normal for official in self.config.roster}
        if heads is True:
            heads = Heads.load(HEADS_PATH) if HEADS_PATH.exists() else None
        self.heads: Heads | None = heads or None
        # The soft lexicons the heads were trained with, in their order; all of them for training.
        soft = (
            self.heads.lexicons
            if self.heads
            else (*map(lexicon_name, self.config.categories), *SOFT)
        )
        self.embedder = Embedder(
            self.pipeline.navec, {name: lexicons.get(name, {}) for name in soft}
        )

    def tag(self, item: TextItem) -> Tagging:
        return self.tag_many([item])[0]

    def _analyse(self, items: Sequence[TextItem]) -> list[tuple[Tagging, Signals, Analysis]]:
        prepared = [prepare(item.text, self.max_chars) for item in items]
        analyses = self.pipeline.analyse_many([one.text for one in prepared])
        result = []
        for item, one, analysis in zip(items, prepared, analyses, strict=True):
            tagging, signals = self._rules(item, analysis)
            if one.markup or one.truncated:
                tagging = replace(tagging, markup=one.markup, truncated=one.truncated)
            result.append((tagging, signals, analysis))
        return result

    def tag_many(self, items: Sequence[TextItem]) -> list[Tagging]:
        done = self._analyse(items)
        analyses = [analysis for _, _, analysis in done]
        ruled = [(tagging, signals) for tagging, signals, _ in done]
        heads = self.heads
        if heads is None or not heads.enabled or not ruled:
            return [tagging for tagging, _ in ruled]
        signals = [one for _, one in ruled]
        probs = heads.probabilities(self.embedder.vectors(analyses), signals)
        return [
            self._learned(tagging, one, {name: rows[number] for name, rows in probs.items()})
            for number, (tagging, one) in enumerate(ruled)
        ]

    def head_inputs(self, items: Sequence[TextItem]) -> list[tuple[Tagging, Vector, Signals]]:
        """The rules' tagging, the sentence vector and the rule signals per message (training)."""
        done = self._analyse(items)
        vectors = self.embedder.vectors([analysis for _, _, analysis in done])
        return [(tagging, vectors[n], one) for n, (tagging, one, _) in enumerate(done)]

    def _learned(self, tagging: Tagging, signals: Signals, probs: Mapping[str, Vector]) -> Tagging:
        """The enabled heads overrule the rules' category, sentiment or conflict."""
        heads = self.heads
        assert heads is not None
        changes: dict[str, Any] = {}
        if "category" in probs:
            head = heads.heads["category"]
            learned = dict(zip(head.classes, probs["category"].tolist(), strict=True))
            guess = self.categoriser.decide(
                signals.category_scores, learned, weight=heads.category_weight
            )
            best = max(learned, key=lambda name: learned[name])
            # The lexicon found nothing: a sure head may still name the rubric.
            if guess.category == OTHER and learned[best] >= head.margin:
                guess = CategoryGuess(best, round(learned[best], 3), guess.scores)
            changes.update(category=guess.category, category_score=guess.score)
        if signals.kind == REPLY and "rude_reply" in probs:
            rude = heads.label("rude_reply", probs["rude_reply"])
            if rude is not None and (rude == "true") != tagging.rude_reply:
                # A rude reply is a conflict and negative (GUIDE.md), a civil one neither.
                changes.update(
                    rude_reply=rude == "true",
                    conflict=rude == "true",
                    conflict_reasons=["rude_reply"] if rude == "true" else [],
                    sentiment="negative" if rude == "true" else "neutral",
                )
        if signals.kind == REPLY and "formal_reply" in probs:
            formal = heads.label("formal_reply", probs["formal_reply"])
            if formal is not None:
                changes["formal_reply"] = formal == "true"
        if signals.kind != REPLY:
            sentiment = (
                heads.label("sentiment", probs["sentiment"]) if "sentiment" in probs else None
            )
            if sentiment is not None:
                changes["sentiment"] = sentiment
            conflict = heads.label("conflict", probs["conflict"]) if "conflict" in probs else None
            if conflict is not None and (conflict == "true") != tagging.conflict:
                # The head gives no reason; «outrage» is the commonest one in the labelled data.
                reasons = ["outrage"] if conflict == "true" else []
                changes.update(conflict=conflict == "true", conflict_reasons=reasons)
        if signals.kind != REPLY and "is_complaint" in probs:
            complaint = heads.label("is_complaint", probs["is_complaint"])
            if complaint is not None:
                changes["is_complaint"] = complaint == "true"
        complaint_now = changes.get("is_complaint", tagging.is_complaint)
        if changes.get("sentiment", tagging.sentiment) == "neutral" and complaint_now:
            # A complaint is negative whatever its tone (GUIDE.md); the head may still call it
            # positive (thanks for a problem fixed), not neutral.
            changes["sentiment"] = "negative"
        if changes.get("conflict", tagging.conflict) or (signals.kind != REPLY and signals.sarcasm):
            # A conflict situation is negative by definition, and so is sarcastic thanks
            # (GUIDE.md); a head may not soften either.
            changes["sentiment"] = "negative"
        return replace(tagging, **changes) if changes else tagging

    def _rules(self, item: TextItem, analysis: Analysis) -> tuple[Tagging, Signals]:
        reply = item.kind == REPLY
        text = analysis.text
        words = words_of(analysis)
        scan = self.scanner.scan(words)
        streets = self.addresses.find(analysis)
        entities = self.entities.find(analysis, streets, words)
        people = [entity for entity in entities if entity.type == "PER"]
        scores = self._category_scores(words, scan, entities)
        category = self.categoriser.decide(scores)
        toxicity = self.toxicity.score(text, scan)
        polarity = self.sentiment.polarity(scan)
        # The citizen a reply greets («Уважаемая Г.И. Петрова!») is not a person answerable for it.
        named = [one for one in people if not _greeted(analysis, one)] if reply else people
        judged = self.replies.judge(text, scan, len(named), analysis) if reply else None
        rude = judged.rude if judged else False
        positive = polarity.positive > polarity.negative + 1.0
        conflict = self.conflicts.detect(text, scan, toxicity, positive, rude, reply, len(people))
        intent = self.intents.read(
            analysis, scan, polarity.negative, polarity.positive, conflict.conflict
        )
        complaint = intent.complaint and not reply
        sentiment = self.sentiment.label(
            polarity,
            toxic=toxicity.toxic,
            conflict=conflict.conflict,
            complaint=complaint,
            reply=reply,
            rude=rude,
        )
        tagging = Tagging(
            lemmas=analysis.lemmas,
            category=category.category,
            category_score=category.score,
            sentiment=sentiment,
            toxicity=toxicity.score,
            toxic=toxicity.toxic,
            conflict=conflict.conflict,
            conflict_reasons=list(conflict.reasons),
            is_complaint=complaint,
            is_question=intent.question and not reply,
            entities=[entity.to_dict() for entity in entities],
            addresses=[address for street in streets for address in street.addresses],
            officials=self._named_officials(people),
            formal_reply=judged.formal if judged else None,
            rude_reply=rude if judged else None,
        )
        signals = Signals(
            kind=item.kind,
            category_scores=scores,
            positive=polarity.positive,
            negative=polarity.negative,
            sarcasm=polarity.sarcasm,
            toxicity=toxicity.score,
            conflict_reasons=conflict.reasons,
            complaint=complaint,
            question=tagging.is_question,
            rude=rude,
            sentiment=sentiment,
            exclamations=text.count("!"),
            formal=judged.formal_score if judged else 0.0,
            concrete=judged.concrete_score if judged else 0.0,
            dates=judged.dates if judged else 0,
            people=len(people),
        )
        return tagging, signals

    def _category_scores(
        self, words: Sequence[Word], scan: Scan, entities: Sequence[Entity]
    ) -> dict[str, float]:
        named = [(e.first, e.last) for e in entities if e.type in {"ORG", "LOC"}]
        return self.categoriser.scores(scan, self._located_names(words, named))

    def _located_names(
        self, words: Sequence[Word], named: Sequence[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        starts = {word.index: position for position, word in enumerate(words)}
        return [
            (first, last)
            for first, last in named
            if first in starts and located(words, starts[first])
        ]

    def _named_officials(self, people: Sequence[Entity]) -> list[str]:
        return list(dict.fromkeys(p.normal for p in people if p.normal in self._officials))
