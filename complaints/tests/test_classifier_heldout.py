"""The held-out evaluation set stays disjoint from the training data, and its table is what
`train_classifier` prints."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from complaints.classifier import MODEL_PATH
from complaints.classifier.evaluate import (
    HELDOUT_PATH,
    MIN_SHARED_RUN,
    Record,
    load_heldout,
    overlapping_records,
    score,
    training_phrases,
)
from complaints.classifier.seed_corpus import CATEGORIES, PHRASES
from complaints.management.commands.train_classifier import Command as TrainCommand


def record(text: str) -> Record:
    return Record("x1", "service", text, "reason", "official", {})


def test_no_held_out_text_shares_a_run_of_eight_characters_with_a_training_phrase():
    assert MIN_SHARED_RUN == 8
    assert overlapping_records(load_heldout()) == []


def test_the_overlap_check_finds_a_training_phrase_copied_into_a_held_out_text():
    copied = PHRASES["service"][4]  # 门难进脸难看事难办: 9 characters
    assert overlapping_records([record(f"有群众反映，{copied}。")]) == [("x1", copied[:8])]
    # Seven shared characters are not a copy; the same run in traditional characters is.
    assert overlapping_records([record(f"有群众反映，{copied[:7]}。")]) == []
    assert overlapping_records([record("門難進臉難看事難辦")]) != []
    # A sentence frame's literal text counts as training text too.
    assert overlapping_records([record("群众说再不管就要出大事了")]) != []
    assert all(len(p) >= MIN_SHARED_RUN for p in training_phrases())


def test_every_record_has_a_known_label_a_reason_and_a_full_source():
    records = load_heldout()
    assert len(records) >= 70
    assert len({r.id for r in records}) == len(records)
    for r in records:
        assert r.label in CATEGORIES and r.reason and r.kind in ("official", "hotline")
        assert r.source["url"].startswith("http") and r.source["publisher"]
    counts = {c: sum(r.label == c for r in records) for c in CATEGORIES}
    assert min(counts.values()) >= 9, counts


def test_a_record_without_its_source_date_is_rejected_with_its_line(tmp_path):
    good = json.loads(HELDOUT_PATH.read_text(encoding="utf-8").splitlines()[0])
    bad = {**good, "source": {k: v for k, v in good["source"].items() if k != "date"}}
    path = tmp_path / "heldout.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"heldout.jsonl:2: missing date"):
        load_heldout(path)


def test_precision_recall_f1_and_confusion_per_category():
    scores = score(
        ["service", "service", "formalism", "formalism"],
        ["service", "formalism", "formalism", "formalism"],
    )
    precision, recall, f1, n = scores.per_category["service"]
    assert (precision, recall, n) == (1.0, 0.5, 2) and f1 == pytest.approx(2 / 3)
    precision, recall, f1, n = scores.per_category["formalism"]
    assert (precision, recall, n) == (pytest.approx(2 / 3), 1.0, 2) and f1 == pytest.approx(0.8)
    assert scores.per_category["integrity"] == (0.0, 0.0, 0.0, 0)
    assert scores.confusion["service"]["formalism"] == 1
    assert (scores.correct, scores.total) == (3, 4)
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_train_classifier_evaluate_only_prints_the_table_and_writes_nothing():
    before = MODEL_PATH.stat().st_mtime_ns
    out = io.StringIO()
    call_command(TrainCommand(), "--evaluate-only", stdout=out)
    text = out.getvalue()
    n = len(load_heldout())
    assert "Held-out publishers (27 publishers, none in the corpus): accuracy" in text
    assert f"/{n}), macro F1" in text
    assert "confusion (rows: label, columns: prediction)" in text
    for category in CATEGORIES:
        assert f"  {category:<14}" in text
    assert "Held-out publishers, official prose: accuracy" in text
    assert "Held-out publishers, hotline operators' summaries: accuracy" in text
    assert "Colloquial complaints (the demo's fictional sentences" in text
    assert "training on" not in text
    assert MODEL_PATH.stat().st_mtime_ns == before


def test_the_readme_tables_are_what_evaluate_only_prints_in_markdown():
    out = io.StringIO()
    call_command(TrainCommand(), "--evaluate-only", "--markdown", stdout=out)
    readme = (MODEL_PATH.parent / "README.md").read_text(encoding="utf-8")
    tables = [block for block in out.getvalue().split("\n\n") if block.startswith("| ")]
    assert len(tables) >= 8
    for table in tables:
        assert table in readme, table
