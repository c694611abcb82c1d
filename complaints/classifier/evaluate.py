"""Held-out evaluation of the classifier on texts it was not trained on.

The held-out set (`data/heldout.jsonl`, one JSON record a line) holds short passages from
official documents of state organs: discipline inspection commissions' bulletins of typical
work-style cases, government offices' notices and 12345 hotline operators' published
summaries. Each record names its source (publisher, title, URL, date) and the reason for its
label. None of it comes from the training data: the shipped model is trained only on the
fictional sentences of `seed_corpus.py` (plus, when retrained, staff-confirmed labels), and
`overlapping_records` finds any held-out text sharing a run of `MIN_SHARED_RUN` characters
with a training phrase (a test keeps it empty).

    python manage.py train_classifier --evaluate-only    # prints the table below

The table: per category precision, recall, F1 and sample size (support), overall accuracy
and macro F1, the confusion matrix (rows: the label, columns: the prediction), and the same
figures for each source kind ("official": bulletins and notices in official prose;
"hotline": hotline operators' summaries of residents' calls).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from complaints.classifier.seed_corpus import (
    CATEGORIES,
    FRAMES,
    PHRASES,
    PLACE,
    TAIL,
    TIME,
    UNIT,
    WHO,
)
from complaints.classifier.text import normalise

HELDOUT_PATH = Path(__file__).with_name("data") / "heldout.jsonl"
MIN_SHARED_RUN = 8
SOURCE_FIELDS = ("publisher", "title", "url", "date")
KINDS = ("official", "hotline")


@dataclass(frozen=True)
class Record:
    id: str
    label: str
    text: str
    reason: str
    kind: str
    source: dict


def load_heldout(path: Path | str = HELDOUT_PATH) -> list[Record]:
    """The held-out records; a record with an unknown label or kind, no reason, or a source
    missing one of publisher, title, URL and date is an error naming its line."""
    records: list[Record] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                raw = json.loads(line)
                record = Record(**{k: raw[k] for k in Record.__dataclass_fields__})
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{where}: not a held-out record ({e})") from e
            if record.label not in CATEGORIES:
                raise ValueError(f"{where}: unknown label {record.label!r}")
            if record.kind not in KINDS:
                raise ValueError(f"{where}: unknown kind {record.kind!r}")
            missing = [k for k in SOURCE_FIELDS if not str(record.source.get(k, "")).strip()]
            if missing or not record.reason.strip() or not record.text.strip():
                raise ValueError(f"{where}: missing {', '.join(missing) or 'text or reason'}")
            records.append(record)
    return records


# -- disjointness ------------------------------------------------------------------------


def training_phrases() -> list[str]:
    """Every literal piece of text the seed generator builds training sentences from: all
    problem phrases (training and held-out splits alike), the frames' literal parts and the
    slot values, normalised as the classifier sees them."""
    pieces = [p for phrases in PHRASES.values() for p in phrases]
    for frame in FRAMES:
        parts = frame.replace("{", "}").split("}")
        pieces += parts[0::2]  # the text between the {slots}
    pieces += WHO + TIME + PLACE + UNIT + TAIL
    return [p for p in (normalise(x) for x in pieces) if len(p) >= MIN_SHARED_RUN]


def shared_run(text: str, phrases: Iterable[str], n: int = MIN_SHARED_RUN) -> str | None:
    """The first run of `n` characters of the normalised `text` found in one of `phrases`
    (already normalised), or None."""
    cleaned = normalise(text)
    grams = {cleaned[i : i + n] for i in range(len(cleaned) - n + 1)}
    for phrase in phrases:
        for i in range(len(phrase) - n + 1):
            if phrase[i : i + n] in grams:
                return phrase[i : i + n]
    return None


def overlapping_records(
    records: Sequence[Record], extra_phrases: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(record id, shared run) for every held-out text that shares a run of
    MIN_SHARED_RUN characters with a training phrase (or one of `extra_phrases`)."""
    phrases = training_phrases() + [normalise(p) for p in extra_phrases]
    out = []
    for record in records:
        run = shared_run(record.text, phrases)
        if run is not None:
            out.append((record.id, run))
    return out


# -- scoring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    """Per category (precision, recall, F1, support); accuracy; macro F1 over the categories
    with support; confusion[label][prediction] counts."""

    per_category: dict[str, tuple[float, float, float, int]]
    accuracy: float
    correct: int
    total: int
    macro_f1: float
    confusion: dict[str, Counter]


def score(labels: Sequence[str], predictions: Sequence[str]) -> Scores:
    confusion: dict[str, Counter] = defaultdict(Counter)
    for y, p in zip(labels, predictions, strict=True):
        confusion[y][p] += 1
    predicted = Counter(predictions)
    per_category = {}
    for cat in CATEGORIES:
        support = sum(confusion[cat].values())
        hits = confusion[cat][cat]
        precision = hits / predicted[cat] if predicted[cat] else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_category[cat] = (precision, recall, f1, support)
    with_support = [v[2] for v in per_category.values() if v[3]]
    correct = sum(confusion[c][c] for c in CATEGORIES)
    total = len(labels)
    return Scores(
        per_category,
        correct / total if total else 0.0,
        correct,
        total,
        sum(with_support) / len(with_support) if with_support else 0.0,
        dict(confusion),
    )


def evaluate(clf, records: Sequence[Record]) -> dict[str, Scores]:
    """Scores over all records ("all") and per source kind present."""
    predictions = [p.category for p in clf.classify_many([r.text for r in records], words=False)]
    out = {"all": score([r.label for r in records], predictions)}
    for kind in KINDS:
        idx = [i for i, r in enumerate(records) if r.kind == kind]
        if idx:
            out[kind] = score([records[i].label for i in idx], [predictions[i] for i in idx])
    return out


def format_scores(name: str, scores: Scores, confusion: bool = True) -> list[str]:
    lines = [
        f"{name}: accuracy {scores.accuracy:.1%} ({scores.correct}/{scores.total}), "
        f"macro F1 {scores.macro_f1:.2f}",
        f"  {'category':<14} {'n':>4} {'precision':>9} {'recall':>7} {'F1':>5}",
    ]
    for cat, (precision, recall, f1, support) in scores.per_category.items():
        if support or precision:
            lines.append(f"  {cat:<14} {support:>4} {precision:>9.2f} {recall:>7.2f} {f1:>5.2f}")
    if confusion:
        short = [c[:5] for c in CATEGORIES]
        lines.append("  confusion (rows: label, columns: prediction)")
        lines.append(f"  {'':<14}" + "".join(f"{s:>6}" for s in short))
        for cat in CATEGORIES:
            row = scores.confusion.get(cat)
            if row:
                lines.append(f"  {cat:<14}" + "".join(f"{row[c]:>6}" for c in CATEGORIES))
    return lines


def report_lines(clf, records: Sequence[Record] | None = None) -> list[str]:
    """The held-out table as `train_classifier` prints it."""
    records = load_heldout() if records is None else records
    publishers = len({r.source["publisher"] for r in records})
    results = evaluate(clf, records)
    lines = [
        f"held-out official sources ({len(records)} texts from {publishers} publishers; "
        f"none used in training)"
    ]
    lines += format_scores("  all", results["all"])
    for kind in KINDS:
        if kind in results:
            lines += format_scores(f"  {kind}", results[kind], confusion=False)
    return lines
