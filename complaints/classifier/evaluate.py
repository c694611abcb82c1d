"""Evaluation of the classifier on sources it was not trained on.

Two files of labelled passages from official documents of state organs (discipline
inspection commissions' bulletins of typical cases, government offices' notices, 12345
hotline operators' published summaries), one JSON record a line, each with its label, the
reason for the label, its source (publisher, title, URL, date) and its kind:

- `data/corpus.jsonl`: the training corpus. Its figures come from cross-validation by
  publisher (`train.cross_validate`): every text is predicted by a model that saw nothing
  of its publisher.
- `data/heldout.jsonl`: never trained on; its publishers and documents are not in the
  corpus (`test_classifier_corpus.py` checks both, and that no held-out text shares a run of
  `MIN_SHARED_RUN` characters with a training text).

Colloquial complaints as residents write them are measured separately on the demo's
complaint sentences (`colloquial_examples`: fictional, written for the demo, never trained
on), since no public source of residents' own words meets the corpus rules.

    python manage.py train_classifier --evaluate-only    # the tables, for the shipped model

Each table: per category sample size, precision, recall and F1, overall accuracy and macro
F1, and the confusion matrix (rows: the label, columns: the prediction).
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

DATA = Path(__file__).with_name("data")
HELDOUT_PATH = DATA / "heldout.jsonl"
CORPUS_PATH = DATA / "corpus.jsonl"
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
    return load_records(path)


def load_corpus(path: Path | str = CORPUS_PATH) -> list[Record]:
    return load_records(path)


def load_records(path: Path | str) -> list[Record]:
    """The records of a corpus file; a record with an unknown label or kind, no reason, or a
    source missing one of publisher, title, URL and date is an error naming its line."""
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


def organ(publisher: str) -> str:
    """The state organ behind a publisher string: the part before a bracketed note of who
    reported or reprinted it ("灌云县纪委监委（中国纪检监察报报道）" → "灌云县纪委监委")."""
    return publisher.split("（")[0].split("(")[0].strip()


def training_phrases(corpus: Sequence[Record] | None = None) -> list[str]:
    """Every literal piece of text the model is trained from: the official corpus's texts
    (`load_corpus()` unless given), and all the seed generator's problem phrases (training
    and held-out splits alike), the frames' literal parts and the slot values, normalised as
    the classifier sees them."""
    corpus = load_corpus() if corpus is None else corpus
    pieces = [r.text for r in corpus]
    pieces += [p for phrases in PHRASES.values() for p in phrases]
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


SHORT = {c: c[:8] for c in CATEGORIES} | {"bureaucratism": "bureaucr."}


def format_markdown(title: str, scores: Scores, confusion: bool = True) -> list[str]:
    """The same figures as README tables (per category n, precision, recall, F1)."""
    lines = [
        f"**{title}**: accuracy **{scores.accuracy:.1%}** ({scores.correct}/{scores.total}), "
        f"macro F1 {scores.macro_f1:.2f}",
        "",
        "| category | n | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for cat, (precision, recall, f1, support) in scores.per_category.items():
        if support or precision:
            lines.append(f"| {cat} | {support} | {precision:.2f} | {recall:.2f} | {f1:.2f} |")
    if confusion:
        present = [c for c in CATEGORIES if scores.confusion.get(c)]
        lines += [
            "",
            "Confusion (rows: label, columns: prediction):",
            "",
            "| | " + " | ".join(SHORT[c] for c in CATEGORIES) + " |",
            "|---" * (len(CATEGORIES) + 1) + "|",
        ]
        for cat in present:
            row = scores.confusion[cat]
            lines.append(f"| {cat} | " + " | ".join(str(row[c]) for c in CATEGORIES) + " |")
    lines.append("")
    return lines


def colloquial_examples() -> list[tuple[str, str]]:
    """(category, text) for every complaint sentence the demo writes (demo.data_complaints:
    fictional, colloquial, never trained on), its {slots} filled with neutral values; []
    when the demo app is not installed."""
    try:
        from demo import data_complaints as phrases
    except ImportError:  # pragma: no cover - the demo app is part of the project
        return []
    fill = {
        "name": "王某",
        "surname": "王",
        "title": "科长",
        "cadre": "王科长",
        "unit": "某局",
        "place": "某镇",
        "matter": "营业执照",
        "trade": "餐饮",
        "times": "三",
        "days": "五",
        "money": "五百",
    }
    out = []
    for category in CATEGORIES:
        for sentence in (*phrases.CORES.get(category, ()), *phrases.DETAILS.get(category, ())):
            out.append((category, sentence.format(**fill)))
    return out


@dataclass(frozen=True)
class Table:
    title: str
    scores: Scores


def tables(clf, heldout: Sequence[Record] | None = None, cv=None, colloquial=None) -> list[Table]:
    """The evaluation tables: the held-out publishers (all, official prose, hotline
    summaries), the corpus cross-validated by publisher (official, hotline) when `cv` is
    given, and the colloquial demo sentences."""
    heldout = load_heldout() if heldout is None else heldout
    colloquial = colloquial_examples() if colloquial is None else colloquial
    publishers = len({r.source["publisher"] for r in heldout})
    out = []
    results = evaluate(clf, heldout)
    out.append(
        Table(f"Held-out publishers ({publishers} publishers, none in the corpus)", results["all"])
    )
    names = {"official": "official prose", "hotline": "hotline operators' summaries"}
    for kind in KINDS:
        if kind in results:
            out.append(Table(f"Held-out publishers, {names[kind]}", results[kind]))
    if cv is not None and cv.labels:
        for kind in KINDS:
            idx = [i for i, k in enumerate(cv.kinds) if k == kind]
            if idx:
                out.append(
                    Table(
                        f"Corpus by publisher ({cv.groups} publishers in {cv.folds} folds), "
                        f"{names[kind]}",
                        score([cv.labels[i] for i in idx], [cv.predictions[i] for i in idx]),
                    )
                )
    if colloquial:
        preds = clf.classify_many([t for _, t in colloquial], words=False)
        out.append(
            Table(
                "Colloquial complaints (the demo's fictional sentences, never trained on)",
                score([c for c, _ in colloquial], [p.category for p in preds]),
            )
        )
    return out


def report_lines(
    clf,
    records: Sequence[Record] | None = None,
    cv=None,
    colloquial=None,
    markdown: bool = False,
) -> list[str]:
    """The evaluation tables as `train_classifier` prints them (plain or markdown)."""
    lines: list[str] = []
    for table in tables(clf, records, cv, colloquial):
        if markdown:
            lines += format_markdown(table.title, table.scores)
        else:
            lines += format_scores(table.title, table.scores)
    return lines
