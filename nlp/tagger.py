"""The tagger: one batch call over natasha/slovnet, then the rules, per message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from nlp.addresses import AddressFinder
from nlp.analysis import Analysis, Entity, nameless, without_names
from nlp.category import OTHER, Categoriser, lexicon_name, located
from nlp.config import TaggerConfig, load_config
from nlp.conflict import ConflictDetector
from nlp.entities import EntityFinder
from nlp.gathering import GatheringReader
from nlp.hashing import features
from nlp.intents import IntentReader
from nlp.learned import SOFT, Embedder, Signals, Vector
from nlp.lexicon import Word, words_of
from nlp.morph import Morphology
from nlp.people import PersonNamer
from nlp.pipeline import Pipeline
from nlp.repeats import RepeatReader
from nlp.replies import ReplyJudge
from nlp.rhetoric import RhetoricReader
from nlp.scan import Scan, Scanner
from nlp.sentiment import SentimentScorer, frowns
from nlp.spelling import unmask_words
from nlp.text import prepare
from nlp.textmodel import Matrix, TextModel
from nlp.threats import ThreatReader
from nlp.toxicity import ToxicityScorer
from nlp.verbs import VerbForms

REPLY = "reply"
# How the category head joins the lexicon scores: the setting the cross-validation of the
# previous heads chose (weight 4, fill 0.5) on the project's sets; a sure head outweighs one
# strong term (3), an unsure one only settles near-ties.
CATEGORY_WEIGHT = 4.0
CATEGORY_FILL = 0.5
# Beside the rules the toxicity head needs to be surer than alone (its validation threshold 0.35):
# at 0.75 no project set loses a message the rules got right, and RuParaDetox dev still gains
# (F1 0.757 → 0.836; 0.883 at 0.45, where holdout8 and holdout11 lose one message each).
TOXIC_HEAD_THRESHOLD = 0.75
KEPT_REASONS = ("aggression", "collective_action")
NEAR = 0.5
# A text this short gives the conflict head too little to read a reason from alone: «ну
# посмотрим» had a call to the authorities, «Слава богу, нашёлся!» aggression. The reasons the
# lexicons and readers find in it stay («Это же беспредел!!!», «Пишу в десятый раз!»).
MIN_HEAD_WORDS = 4
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
        """The same dict as dataclasses.asdict, built without its deep copy (hot in the worker)."""
        out = {name: getattr(self, name) for name in _FIELDS}
        for name in _LISTS:
            out[name] = list(out[name])
        for name in _LISTS_OF_DICTS:
            out[name] = [dict(one) for one in out[name]]
        return out


# Read from the annotations once, so a new field is copied as asdict would copy it.
_FIELDS = tuple(f.name for f in fields(Tagging))
_LISTS = tuple(f.name for f in fields(Tagging) if str(f.type).startswith("list[str]"))
_LISTS_OF_DICTS = tuple(f.name for f in fields(Tagging) if str(f.type).startswith("list[dict"))


class Tagger:
    """Loads the models and rules once; `tag_many` is the batch method, `tag` sits on top."""

    def __init__(
        self,
        config: TaggerConfig | None = None,
        network_batch: int = 16,
        model: TextModel | bool | None = True,
        max_chars: int | None = None,
    ) -> None:
        """`model`: the learned heads (scripts/train_nlp_models.py); True loads the shipped
        file (an error when it is missing), False or None runs the rules alone. `max_chars`: how
        much of a text is read (default: `max_text_chars` of the config)."""
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
        verbs = VerbForms(self.morph)
        self.threats = ThreatReader(self.config, verbs)
        self.gathering = GatheringReader(self.config, verbs)
        self.repeats = RepeatReader(self.config)
        self.rhetoric = RhetoricReader(self.config)
        self.conflicts = ConflictDetector(self.config)
        self.replies = ReplyJudge(self.config)
        self.intents = IntentReader(self.config)
        self.sentiment = SentimentScorer(self.config)
        self._officials = {official.normal for official in self.config.roster}
        if model is True:
            model = TextModel.load()
        self.model: TextModel | None = model or None
        # The soft lexicons the model was trained with, in their order; all of them for training.
        soft = (
            self.model.lexicons
            if self.model
            else (*map(lexicon_name, self.config.categories), *SOFT)
        )
        self.embedder = Embedder(
            self.pipeline.navec, {name: lexicons.get(name, {}) for name in soft}
        )

    def tag(self, item: TextItem) -> Tagging:
        return self.tag_many([item])[0]

    def _analyse(self, items: Sequence[TextItem]) -> list[tuple[Tagging, Signals, Analysis]]:
        prepared = [prepare(item.text, self.max_chars) for item in items]
        # Look-alikes inside words and words spelt letter by letter are undone first («е6аные»,
        # «т у п о й»): the morphology, the lexicons and the heads read the words they hide.
        analyses = self.pipeline.analyse_many([unmask_words(one.text) for one in prepared])
        result = []
        for item, one, analysis in zip(items, prepared, analyses, strict=True):
            tagging, signals = self._rules(item, analysis, one.text)
            if one.markup or one.truncated:
                tagging = replace(tagging, markup=one.markup, truncated=one.truncated)
            result.append((tagging, signals, analysis))
        return result

    def tag_many(self, items: Sequence[TextItem]) -> list[Tagging]:
        done = self._analyse(items)
        model = self.model
        if model is None or not done:
            return [tagging for tagging, _, _ in done]
        analyses = [analysis for _, _, analysis in done]
        signals = [one for _, one, _ in done]
        blind = [without_names(a) for a in analyses]
        rows = features([text for text, _ in blind], [lemmas for _, lemmas in blind])
        dense = model.dense_matrix(self.embedder.vectors([nameless(a) for a in analyses]), signals)
        probs = model.probabilities(rows, dense)
        return [
            self._learned(tagging, one, {name: rows_[number] for name, rows_ in probs.items()})
            for number, (tagging, one, _) in enumerate(done)
        ]

    def head_inputs(
        self, items: Sequence[TextItem]
    ) -> list[tuple[Tagging, Vector, Signals, Analysis]]:
        """The rules' tagging, the navec vector, the rule signals and the analysis (training)."""
        done = self._analyse(items)
        vectors = self.embedder.vectors([nameless(analysis) for _, _, analysis in done])
        return [(t, vectors[n], one, analysis) for n, (t, one, analysis) in enumerate(done)]

    def _learned(self, tagging: Tagging, signals: Signals, probs: Mapping[str, Matrix]) -> Tagging:
        """The model's heads decide toxicity, category, and for citizens' messages sentiment,
        complaint and the conflict reasons; the rules' findings are among their inputs."""
        model = self.model
        assert model is not None
        changes: dict[str, Any] = {}
        if "toxic" in probs:
            # The obscenity patterns and insult lexicons are nearly always right when they fire
            # (precision 0.99 on RuParaDetox dev): the head adds what they miss.
            score = max(float(probs["toxic"][0]), tagging.toxicity)
            toxic = tagging.toxic or score >= TOXIC_HEAD_THRESHOLD
            changes.update(toxicity=round(score, 3), toxic=toxic)
        if "category" in probs:
            changes.update(self._category(signals, probs["category"]))
        if signals.kind == REPLY:
            # The rude phrases and cues are precise but miss replies that lecture or blame
            # without stock words («Надо следить за новостями, а не возмущаться в комментариях»):
            # the head, fitted on labelled replies, adds what they miss.
            if (
                "rude_reply" in probs
                and not tagging.rude_reply
                and model.flags("rude_reply", probs["rude_reply"])
            ):
                changes.update(
                    rude_reply=True,
                    conflict=True,
                    conflict_reasons=["rude_reply"],
                    sentiment="negative",
                )
            return replace(tagging, **changes)
        if "is_complaint" in probs:
            changes["is_complaint"] = bool(model.flags("is_complaint", probs["is_complaint"]))
        sentiment = model.label("sentiment", probs["sentiment"]) if "sentiment" in probs else None
        sentiment = sentiment or tagging.sentiment
        if sentiment == "neutral" and signals.frown:
            # «пёс потерялся…, помогите пожалуйста((», «снег в мае, рассада вся померзла (((»:
            # the head, reading words, found nothing bad; the writer's frown says it.
            sentiment = "negative"
        if "conflict" in probs:
            reasons = model.flags("conflict", probs["conflict"])
            if signals.words < MIN_HEAD_WORDS:
                reasons = []
            # A threat or a call to act that the lexicons name («подожгу», «пойдём к прокурору»,
            # «будем жаловаться губернатору») is kept: the heads, with few of them to learn from,
            # miss some, and these two are the critical ones.
            kept = [one for one in KEPT_REASONS if one in signals.conflict_reasons]
            # So is a repeated complaint or an accusing question read from the sentence: a head
            # of n-grams dilutes them in a longer text («Вы там совсем обнаглели?! Третий раз пишу
            # про…» had accusation 0.01 and repeated 0.11), and the readers were precise on the
            # sets (see nlp/repeats.py, nlp/rhetoric.py).
            kept += [one for one in signals.read_reasons if one not in kept]
            # Any other reason the lexicons name is kept when the head is near its threshold
            # (NEAR of it): «Третий раз пишу про коробку!» had «repeated» at 0.48 of 0.60, while
            # «свет пропал третий раз за месяц» (the problem repeats, not the complaint) has 0.00.
            kept += [
                label
                for label, prob, threshold in zip(
                    model.heads["conflict"].classes,
                    probs["conflict"].tolist(),
                    model.heads["conflict"].thresholds,
                    strict=True,
                )
                if label in signals.conflict_reasons
                and label not in kept
                and prob >= NEAR * threshold
            ]
            reasons = [*kept, *(one for one in reasons if one not in kept)]
            if sentiment == "positive" and not signals.sarcasm:
                # A thank-you is never a conflict situation (GUIDE.md); but a threat the lexicons
                # name is no thank-you, whatever the sentiment head read into «дадите тепло».
                reasons = [one for one in reasons if one == "aggression" and one in kept]
                if reasons:
                    sentiment = "negative"
            changes.update(conflict=bool(reasons), conflict_reasons=reasons)
            if "repeated" in reasons:
                # A repeated complaint is a complaint: the complaint head, unsure on short
                # angry texts, flipped on the street's name alone («…яму на улице Фрунзе…»).
                changes["is_complaint"] = True
        if signals.sarcasm or (changes.get("conflict") and sentiment == "neutral"):
            # Sarcastic thanks is negative, and so is a conflict situation; the sentiment head
            # learned the rest (a complaint is negative whatever its tone: GUIDE.md) from labels.
            sentiment = "negative"
        changes["sentiment"] = sentiment
        return replace(tagging, **changes)

    def _category(self, signals: Signals, probs: Matrix) -> dict[str, Any]:
        """The lexicon scores plus the head's probabilities (times CATEGORY_WEIGHT) pick the
        rubric; when no term matched, a sure head (CATEGORY_FILL) still names one."""
        model = self.model
        assert model is not None
        learned = dict(zip(model.heads["category"].classes, probs.tolist(), strict=True))
        guess = self.categoriser.decide(signals.category_scores, learned, weight=CATEGORY_WEIGHT)
        category = guess.category
        best = max(learned, key=lambda name: learned[name])
        if category == OTHER and learned[best] >= CATEGORY_FILL:
            category = best
        # The surer of the lexicon's share of the evidence and the head; no rubric, no score.
        lexicon = guess.score if guess.category == category else 0.0
        score = 0.0 if category == OTHER else round(max(lexicon, learned.get(category, 0.0)), 3)
        return {"category": category, "category_score": score}

    def _rules(self, item: TextItem, analysis: Analysis, written: str) -> tuple[Tagging, Signals]:
        """`written`: the text before look-alikes were undone (markup stripped), for the masks."""
        reply = item.kind == REPLY
        text = analysis.text
        words = words_of(analysis)
        scan = self.scanner.scan(words)
        streets = self.addresses.find(analysis)
        entities = self.entities.find(analysis, streets, words)
        people = [entity for entity in entities if entity.type == "PER"]
        scores = self._category_scores(words, scan, entities)
        category = self.categoriser.decide(scores)
        toxicity = self.toxicity.score(text, scan, self.threats.read(analysis), raw=written)
        polarity = self.sentiment.polarity(scan)
        # The citizen a reply greets («Уважаемая Г.И. Петрова!») is not a person answerable for it.
        named = [one for one in people if not _greeted(analysis, one)] if reply else people
        judged = self.replies.judge(text, scan, len(named), analysis) if reply else None
        rude = judged.rude if judged else False
        positive = polarity.positive > polarity.negative + 1.0
        grievance = polarity.negative >= 1.0 or scan.score("complaint") >= 1.0
        conflict = self.conflicts.detect(
            text,
            scan,
            toxicity,
            positive,
            rude,
            reply,
            analysis,
            len(people),
            negative=grievance,
            called=0 if reply else self.gathering.read(analysis),
            repeated=not reply and self.repeats.read(analysis),
            accused=not reply and self.rhetoric.read(analysis),
        )
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
            read_reasons=conflict.read,
            words=len(words),
            frown=not reply and frowns(written),
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
