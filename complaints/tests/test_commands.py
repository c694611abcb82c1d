from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.classifier import CATEGORIES
from complaints.classifier.model import Classifier
from complaints.management.commands.classify import Command as ClassifyCommand
from complaints.management.commands.train_classifier import Command as TrainCommand


def run_classify(text: str, *args) -> list[dict]:
    out = io.StringIO()
    call_command(ClassifyCommand(), *args, stdin=io.StringIO(text), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_classify_writes_one_json_object_per_input_line():
    lines = [
        "办事人员吃拿卡要，不给红包就不盖章",
        "",
        "<script>alert(1)</script>",
        "路灯坏了好几个月",
        "窗口人員態度冷漠",
    ]
    rows = run_classify("\n".join(lines) + "\n", "--batch", "2")
    assert len(rows) == len(lines)
    for row in rows:
        assert row["category"] in CATEGORIES
        assert 0.0 <= row["confidence"] <= 1.0
        assert isinstance(row["words"], list)
    assert rows[0]["category"] == "integrity"
    assert rows[1] == {
        "category": "other",
        "confidence": 0.0,
        "alternatives": [],
        "words": [],
        "error": "空文本",
    }
    assert rows[2]["error"] == "空文本"
    assert rows[3]["category"] == "other"
    assert rows[4]["category"] == "service"


def test_classify_on_empty_stdin_writes_nothing():
    assert run_classify("") == []


@pytest.mark.django_db
def test_train_classifier_writes_a_loadable_model_and_reports_accuracy(tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("service\t办个证跑了五趟\nintegrity\t收了钱才给办\n" * 10, encoding="utf-8")
    target = tmp_path / "model.npz"
    out = io.StringIO()
    call_command(
        TrainCommand(),
        "--per-category", "60",
        "--folds", "2",
        "--labels", str(labels),
        "--output", str(target),
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "and 16 staff-confirmed labels" in text
    for name in ("unseen templates", "held-out staff-confirmed"):
        assert f"{name}" in text and "accuracy:" in text
    assert "Held-out publishers (27 publishers" in text and "confusion (rows: label" in text
    assert "Corpus by publisher (" in text and "in 2 folds), official prose" in text
    assert "Colloquial complaints" in text
    clf = Classifier.load(target)
    assert clf.classify("窗口工作人员态度冷漠，一问三不知").category in CATEGORIES
    assert clf.meta["staff_labels"] == 16


@pytest.mark.django_db
def test_train_classifier_rejects_an_unknown_category(tmp_path):
    labels = tmp_path / "labels.tsv"
    labels.write_text("rudeness\t态度差\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown category 'rudeness'"):
        call_command(
            TrainCommand(),
            "--labels", str(labels), "--output", str(tmp_path / "m.npz"), "--folds", "0",
            stdout=io.StringIO(),
        )  # fmt: skip


def test_train_classifier_learns_from_triage_confirmed_complaints(tmp_path, district):
    from complaints import actions
    from complaints.models import Complaint

    for text in ("办事大厅的空调坏了一个月", "社区门口的井盖丢了"):
        complaint, _ = actions.file_complaint(
            actor=None, channel=Complaint.Channel.WEB, text=text, unit=district.town
        )
        actions.triage(actor=district.olivia, complaint=complaint, category="other")
    actions.file_complaint(actor=None, channel="web", text="还没分办的举报", unit=district.town)
    out = io.StringIO()
    call_command(
        TrainCommand(),
        "--per-category", "60", "--folds", "0", "--output", str(tmp_path / "m.npz"),
        stdout=out,
    )  # fmt: skip
    assert "and 2 staff-confirmed labels" in out.getvalue()


def test_manage_py_classify_runs_without_setting_up_django_and_answers_the_same():
    # The shell's `manage.py classify` skips Django's set-up of every app (its start-up cost
    # more than classifying 10,000 lines): with settings that cannot even be imported it still
    # answers, line for line what the management command answers.
    text = "窗口态度很差，问三遍都不耐烦\n\n办事人员吃拿卡要\n"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings"}
    shell = subprocess.run(
        [sys.executable, "manage.py", "classify", "--batch", "2"],
        cwd=settings.BASE_DIR,
        input=text,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert [json.loads(line) for line in shell.stdout.splitlines()] == run_classify(text)
