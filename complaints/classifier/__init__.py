"""Complaint classification into design §1's categories.

    from complaints.classifier import classify, classify_many
    classify("窗口人员态度冷漠") -> Prediction(category="service", confidence=0.93, words=[...],
                                     alternatives=[])

`Prediction.alternatives` lists the close runner-up categories as (category, probability);
`Prediction.low_confidence` marks a suggestion triage should look at first. The shipped
model (model.npz next to this file) is loaded once, lazily, from disk; README.md says how it
is built and how well it does on sources it never saw.
"""

from __future__ import annotations

import threading

from complaints.classifier.model import MODEL_PATH, Classifier, Prediction
from complaints.classifier.seed_corpus import CATEGORIES

__all__ = [
    "CATEGORIES",
    "MODEL_PATH",
    "Classifier",
    "Prediction",
    "classify",
    "classify_many",
    "explain",
    "get_classifier",
    "reset_classifier",
]

_lock = threading.Lock()
_classifier: Classifier | None = None


def get_classifier() -> Classifier:
    """The shipped (or last retrained) model, loaded on first use."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = Classifier.load(MODEL_PATH)
    return _classifier


def reset_classifier() -> None:
    """Forget the loaded model (after train_classifier replaced the file)."""
    global _classifier
    with _lock:
        _classifier = None


def classify(text: object) -> Prediction:
    return get_classifier().classify(text)


def classify_many(texts) -> list[Prediction]:
    return get_classifier().classify_many(texts)


def explain(text: object) -> list[str]:
    return get_classifier().explain(text)
