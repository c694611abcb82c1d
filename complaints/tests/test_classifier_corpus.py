"""The training corpus is official text with its provenance, kept apart from the held-out
publishers; retraining never silently replaces a better model, and can be rolled back."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.classifier import lexicon
from complaints.classifier.evaluate import (
    CORPUS_PATH,
    load_corpus,
    load_heldout,
    organ,
    overlapping_records,
)
from complaints.classifier.model import Classifier
from complaints.classifier.seed_corpus import CATEGORIES
from complaints.management.commands.train_classifier import Command as TrainCommand
from complaints.management.commands.train_classifier import previous_path

# Small and quick, but the same pipeline as the shipped model.
QUICK = ("--per-category", "120", "--folds", "0", "--no-staff")


def test_every_corpus_record_is_official_text_with_its_source_and_the_reason_for_its_label():
    records = load_corpus()
    assert len(records) >= 150
    assert len({r.id for r in records}) == len(records)
    for r in records:
        assert r.label in CATEGORIES and r.reason.strip() and r.kind in ("official", "hotline")
        assert r.source["url"].startswith("http") and r.source["title"] and r.source["date"]
    counts = Counter(r.label for r in records)
    assert set(counts) == set(CATEGORIES), counts
    assert len({r.source["publisher"] for r in records}) >= 50


def test_the_corpus_is_one_json_record_a_line():
    lines = CORPUS_PATH.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["id"] for line in lines)


def test_held_out_publishers_and_documents_are_never_in_the_corpus():
    corpus, heldout = load_corpus(), load_heldout()
    assert {organ(r.source["publisher"]) for r in corpus}.isdisjoint(
        organ(r.source["publisher"]) for r in heldout
    )
    assert {r.source["url"] for r in corpus}.isdisjoint(r.source["url"] for r in heldout)
    assert {r.source["title"] for r in corpus}.isdisjoint(r.source["title"] for r in heldout)
    # No held-out text shares a run of eight characters with a corpus text either.
    assert overlapping_records(heldout, [r.text for r in corpus]) == []


def test_set_phrases_are_found_whole_and_only_within_one_text():
    assert lexicon.phrases_in("部门之间推诿扯皮，以会议落实会议") == [
        "推诿",
        "推诿扯皮",
        "扯皮",
        "以会议落实会议",
    ]
    assert lexicon.phrases_in("推诿") == ["推诿"] and lexicon.phrases_in("推") == []
    model = Classifier.load(
        __import__("complaints.classifier.model", fromlist=["MODEL_PATH"]).MODEL_PATH
    )
    # Two texts side by side: 推 ending one and 诿 starting the next make no phrase.
    X = model.transform(["这事推", "诿给别人"])
    phrase_columns = X.cols >= X.shape[1] - len(model.phrases)
    assert not phrase_columns.any()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained on the true labels, standing in for the shipped one."""
    folder = tmp_path_factory.mktemp("models")
    target = folder / "model.npz"
    call_command(TrainCommand(), *QUICK, "--output", str(target), stdout=io.StringIO())
    return target


@pytest.mark.django_db
def test_retraining_on_corrupted_labels_does_not_replace_the_shipped_model(trained, tmp_path):
    before = trained.read_bytes()
    records = [json.loads(line) for line in CORPUS_PATH.read_text("utf-8").splitlines()]
    rotate = dict(zip(CATEGORIES, CATEGORIES[1:] + CATEGORIES[:1], strict=True))
    for record in records:  # every label wrong: mindset → service → … → other → mindset
        record["label"] = rotate[record["label"]]
    corrupted = tmp_path / "corpus.jsonl"
    corrupted.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    bad_staff = tmp_path / "labels.tsv"
    bad_staff.write_text("integrity\t路灯坏了没人修\n" * 40, encoding="utf-8")
    with pytest.raises(CommandError, match=r"would drop, so .* was not replaced"):
        call_command(
            TrainCommand(),
            *QUICK, "--corpus", str(corrupted), "--labels", str(bad_staff),
            "--output", str(trained),
            stdout=io.StringIO(),
        )  # fmt: skip
    assert trained.read_bytes() == before
    assert not previous_path(trained).exists()


@pytest.mark.django_db
def test_a_replaced_model_can_be_rolled_back_and_the_rollback_undone(trained):
    first = trained.read_bytes()
    out = io.StringIO()
    call_command(TrainCommand(), *QUICK, "--force", "--output", str(trained), stdout=out)
    assert "held-out accuracy: current model" in out.getvalue()
    assert previous_path(trained).read_bytes() == first
    second = trained.read_bytes()
    call_command(TrainCommand(), "--rollback", "--output", str(trained), stdout=out)
    assert "rolled back" in out.getvalue()
    assert trained.read_bytes() == first
    call_command(TrainCommand(), "--rollback", "--output", str(trained), stdout=out)
    assert trained.read_bytes() == second


def test_rollback_without_a_previous_model_says_so(tmp_path):
    with pytest.raises(CommandError, match="no previous model"):
        call_command(
            TrainCommand(), "--rollback", "--output", str(tmp_path / "m.npz"), stdout=io.StringIO()
        )
