"""The audit key (rotation, the deploy warning) and the checkpoints written outside the database."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from zuofeng.audit.chain import record, verify_chain
from zuofeng.audit.checkpoints import checkpoint_step, read_checkpoints
from zuofeng.audit.keys import DEMO_KEY, key_id
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.registry import registered_steps

pytestmark = pytest.mark.django_db

OLD_KEY = "f" * 64
NEW_KEY = "e" * 64


def event(n: int = 0, chain: str = "unit:1") -> AuditEvent:
    return record(actor=None, action="t", object_type="t", object_id=str(n), chain=chain)


def test_events_are_sealed_with_the_newest_key_and_still_verify_after_a_rotation(
    settings: Any,
) -> None:
    settings.AUDIT_KEYS = [OLD_KEY]
    first = event(1)
    settings.AUDIT_KEYS = [NEW_KEY, OLD_KEY]
    second = event(2)
    assert (first.key_id, second.key_id) == (key_id(OLD_KEY), key_id(NEW_KEY))
    assert verify_chain() is None
    # Dropping the old key from the list leaves its events unverifiable: keep old keys.
    settings.AUDIT_KEYS = [NEW_KEY]
    broken = verify_chain()
    assert broken is not None and broken.event_id == first.id
    assert f"密钥编号 {first.key_id} 未配置" in broken.problem


def test_a_chain_sealed_with_one_key_does_not_verify_under_another(settings: Any) -> None:
    settings.AUDIT_KEYS = [OLD_KEY]
    event()
    # An operator who lost the key and puts a new one under the old id cannot pass either.
    settings.AUDIT_KEYS = [NEW_KEY]
    assert verify_chain() is not None


def test_the_deploy_check_warns_while_the_demo_key_is_in_use(settings: Any) -> None:
    settings.AUDIT_CHECKPOINT_DIR = "/var/lib/zuofeng/audit-checkpoints"
    for keys, warned in (([], True), ([DEMO_KEY], True), ([NEW_KEY], False)):
        settings.AUDIT_KEYS = keys
        ids = {message.id for message in run_checks(include_deployment_checks=True)}
        assert ("audit.W001" in ids) is warned, keys
    assert "audit.W002" not in ids
    settings.AUDIT_CHECKPOINT_DIR = ""
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "audit.W002" in ids


def test_the_checkpoint_command_appends_one_signed_line_with_every_head(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    a = event(1, chain="unit:1")
    b = event(2, chain="system")
    call_command("audit_checkpoint", stdout=StringIO())
    event(3, chain="unit:1")
    call_command("audit_checkpoint", stdout=StringIO())
    [path] = tmp_path.glob("checkpoints-*.jsonl")
    lines = [json.loads(text) for text in path.read_text().splitlines()]
    assert len(lines) == 2
    assert lines[0]["heads"] == [["system", 1, b.hash], ["unit:1", 1, a.hash]]
    assert lines[1]["heads"][1][:2] == ["unit:1", 2]
    assert all(len(line["mac"]) == 64 for line in lines)
    checkpoints, problems = read_checkpoints(tmp_path)
    assert len(checkpoints) == 2 and problems == []


def test_the_checkpoint_command_refuses_without_a_directory(settings: Any) -> None:
    settings.AUDIT_CHECKPOINT_DIR = ""
    with pytest.raises(CommandError, match="检查点目录"):
        call_command("audit_checkpoint")


def test_verify_audit_says_when_there_is_no_checkpoint_yet_and_passes(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "none-yet")
    event()
    out, err = StringIO(), StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    assert "还没有检查点" in err.getvalue()
    assert "全部校验通过" in out.getvalue()


def test_the_sweep_writes_a_checkpoint_when_the_last_is_older_than_the_setting(
    settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    assert "audit.checkpoint" in dict(registered_steps())
    event()
    now = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    assert checkpoint_step(now) == {"checkpoints": 1, "chains": 1}
    assert checkpoint_step(now + dt.timedelta(minutes=59)) == {}
    assert checkpoint_step(now + dt.timedelta(minutes=60)) == {"checkpoints": 1, "chains": 1}
    checkpoints, _problems = read_checkpoints(tmp_path)
    assert [c.at for c in checkpoints] == [now, now + dt.timedelta(minutes=60)]


def test_the_sweep_writes_no_checkpoint_when_checkpoints_are_off(settings: Any) -> None:
    settings.AUDIT_CHECKPOINT_DIR = ""
    assert checkpoint_step(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)) == {}
