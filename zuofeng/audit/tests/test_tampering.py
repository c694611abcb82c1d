"""verify_audit against someone who can write to the database but holds neither the audit key
nor the checkpoint file: every rewrite below must be reported.

The test settings leave the maintenance switch on, so these statements get past the triggers,
as they would for an attacker with the database's owner role.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zuofeng.audit import chain as chain_module
from zuofeng.audit.chain import compute_hash, verify_chain
from zuofeng.audit.checkpoints import write_checkpoint
from zuofeng.audit.keys import legacy_digest
from zuofeng.audit.models import AuditEvent
from zuofeng.audit.tests import helpers

pytestmark = pytest.mark.django_db


def unit_events(count: int, chain: str = "unit:1") -> list[AuditEvent]:
    return helpers.make_events(count, chain)


@pytest.fixture(autouse=True)
def checkpoints(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    return tmp_path


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def move_head(chain: str, seq: int, last_hash: str) -> None:
    sql(
        "UPDATE audit_auditchainhead SET seq = %s, last_hash = %s WHERE chain = %s",
        [seq, last_hash, chain],
    )


def rewrite(chain: str, *, key_id: str | None = None, edit_seq: int = 0) -> None:
    """Recompute a chain from its first event with whatever digest is patched in (editing
    one event's reason on the way), and move its head to match: a complete forgery."""
    prev = "0" * 64
    for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
        event.prev_hash = prev
        if key_id is not None:
            event.key_id = key_id
        if event.seq == edit_seq:
            event.reason = "forged"
        event.hash = compute_hash(event)
        sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = %s, reason = %s "
            "WHERE id = %s",
            [event.prev_hash, event.hash, event.key_id, event.reason, event.id],
        )
        prev = event.hash
    move_head(chain, event.seq, prev)


def problems() -> str:
    broken = verify_chain()
    assert broken is not None, "verify_chain passed a tampered chain"
    return broken.problem


def test_an_intact_chain_verifies_and_the_command_names_its_checkpoint() -> None:
    unit_events(3)
    unit_events(2, chain="system")
    write_checkpoint()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "2 条链共 5 条记录" in out.getvalue()
    assert "与 1 个外部检查点一致" in out.getvalue()


def test_an_edited_event_is_reported() -> None:
    events = unit_events(3)
    sql("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"n": 9}', events[1].id])
    assert "记录被篡改" in problems()
    with pytest.raises(CommandError, match=f"#{events[1].id}"):
        call_command("verify_audit", stderr=StringIO())


def test_an_event_deleted_from_the_middle_is_reported() -> None:
    events = unit_events(4)
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    assert "序号从 1 跳到 3" in problems()


def test_an_event_resealed_after_an_edit_breaks_the_link_to_the_next() -> None:
    # Whoever re-seals one edited event (with the key) still cannot make its successor
    # point at it.
    events = unit_events(3)
    event = events[1]
    event.reason = "forged"
    event.hash = compute_hash(event)
    sql(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s",
        [event.reason, event.hash, event.id],
    )
    broken = verify_chain()
    assert broken is not None and broken.event_id == events[2].id
    assert "上一条记录的哈希不匹配" in broken.problem


def test_a_cut_tail_with_the_head_moved_back_is_reported_against_the_checkpoint() -> None:
    events = unit_events(5)
    write_checkpoint()
    sql("DELETE FROM audit_auditevent WHERE chain = 'unit:1' AND seq > 3")
    move_head("unit:1", 3, events[2].hash)
    assert "外部检查点" in problems() and "已到第 5 条" in problems()


def test_without_a_checkpoint_a_cut_tail_with_its_head_moved_back_goes_unseen() -> None:
    # Why checkpoints exist: the same cut as above, with no checkpoint, verifies.
    events = unit_events(5)
    sql("DELETE FROM audit_auditevent WHERE chain = 'unit:1' AND seq > 3")
    move_head("unit:1", 3, events[2].hash)
    assert verify_chain() is None


def test_a_cut_tail_is_reported_by_the_head_when_the_head_was_left() -> None:
    unit_events(4)
    sql("DELETE FROM audit_auditevent WHERE chain = 'unit:1' AND seq = 4")
    assert "链头与最后一条记录不符" in problems()


def test_everything_deleted_is_reported_against_the_checkpoint() -> None:
    unit_events(3)
    unit_events(2, chain="system")
    write_checkpoint()
    sql("DELETE FROM audit_auditevent")
    sql("DELETE FROM audit_auditchainhead")
    assert "数据库只有 0 条" in problems()


def test_a_deleted_head_of_a_chain_with_events_is_reported() -> None:
    unit_events(2)
    sql("DELETE FROM audit_auditchainhead WHERE chain = 'unit:1'")
    assert "链头记录缺失" in problems()


def test_a_chain_rewritten_with_the_key_from_any_row_is_reported_against_the_checkpoint() -> None:
    # Even someone holding the key (a leaked key, an insider) cannot rewrite what a shipped
    # checkpoint already covers: links and HMACs verify, the checkpoint's hash does not.
    unit_events(4)
    write_checkpoint()
    rewrite("unit:1", edit_seq=2)
    assert "与外部检查点" in problems()


def test_a_chain_recomputed_with_plain_sha256_is_reported(monkeypatch: Any) -> None:
    unit_events(3)
    monkeypatch.setattr(chain_module, "keyed_digest", lambda key, payload: legacy_digest(payload))
    rewrite("unit:1", edit_seq=2)
    monkeypatch.undo()
    assert "记录被篡改" in problems()


def test_a_unit_chain_recomputed_as_legacy_sha256_is_reported() -> None:
    unit_events(3)
    rewrite("unit:1", key_id="", edit_seq=2)
    assert "旧格式记录只能位于系统链开头" in problems()


def test_the_system_chain_recomputed_as_legacy_sha256_is_reported() -> None:
    # Legacy events are accepted only before a keyed seal naming them; a forger cannot
    # write that seal without the key.
    unit_events(3, chain="system")
    rewrite("system", key_id="", edit_seq=2)
    assert "缺少封存记录" in problems()


def test_a_chain_recomputed_with_another_key_is_reported(monkeypatch: Any) -> None:
    unit_events(3)
    monkeypatch.setattr(chain_module, "key_by_id", lambda kid: b"the attacker's key")
    rewrite("unit:1", edit_seq=2)
    monkeypatch.undo()
    assert "记录被篡改" in problems()


def test_a_chain_recomputed_under_a_made_up_key_id_is_reported(monkeypatch: Any) -> None:
    unit_events(3)
    monkeypatch.setattr(chain_module, "key_by_id", lambda kid: b"the attacker's key")
    rewrite("unit:1", key_id="0badc0de")
    monkeypatch.undo()
    assert "密钥编号 0badc0de 未配置" in problems()


def test_an_edited_checkpoint_line_is_reported(checkpoints: Path) -> None:
    unit_events(3)
    path, _chains = write_checkpoint()
    line = json.loads(path.read_text())
    line["heads"] = [["unit:1", 2, line["heads"][0][2]]]
    path.write_text(json.dumps(line) + "\n")
    assert "签名无效" in problems()
