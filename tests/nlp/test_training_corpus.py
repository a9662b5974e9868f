"""What the training script takes from each labelled message (scripts/nlp_training/corpus.py)."""

from nlp.corpora import Example
from scripts.nlp_training.corpus import _labelled

REPLY_LABELS = {
    "rude_reply": True,
    "formal_reply": False,
    "conflict": True,
    "conflict_reasons": ["rude_reply"],
    "sentiment": "negative",
    "is_complaint": False,
    "toxic": False,
}


def test_a_reply_teaches_the_reply_heads_only() -> None:
    reply = _labelled(Example("Надо было раньше думать.", "reply", dict(REPLY_LABELS)))
    assert reply.labels == {
        "rude_reply": True,
        "formal_reply": False,
        "conflict": True,
        "toxic": False,
    }


def test_a_citizens_message_keeps_every_label() -> None:
    labels = {"sentiment": "negative", "conflict_reasons": ["repeated"], "is_complaint": True}
    comment = Example("Пишу третий раз про яму.", "comment", dict(labels))
    assert _labelled(comment).labels == labels
