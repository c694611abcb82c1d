"""The restore drill: a small district with a case month, a published scorecard and a
complaint with its complainant's identity and a photo is backed up, the database and the
uploads are emptied, and the backup is restored into the empty database. What residents and
the office rely on comes back identical, and the audit chains verify."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from complaints import actions as complaints
from complaints.identity import Identity, unseal
from complaints.models import ComplainantIdentity, Complaint, ComplaintAttachment
from ops.crypto import generate_key
from org.models import Unit
from scorecard.models import Scorecard, UnitScore
from scorecard.tests.factories import cases_of_november, computed
from tests.files import real_png
from zuofeng.audit.models import AuditEvent


def rankings() -> list[tuple[Any, ...]]:
    return list(
        UnitScore.objects.filter(scorecard__status=Scorecard.Status.PUBLISHED)
        .order_by("scorecard__month", "group", "rank", "unit_id")
        .values_list("scorecard__month", "unit__name", "group", "rank", "total")
    )


def identities() -> dict[str, Identity]:
    return {
        Complaint.objects.get(pk=row.complaint_id).number: unseal(row.sealed)
        for row in ComplainantIdentity.objects.all()
    }


def files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def empty_everything(media_root: Path) -> None:
    # The test settings switch the audit triggers' maintenance on, as for any test flush.
    # PostgreSQL truncates only once the deferred foreign-key checks have run.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def build(district: Any, media_root: Path, tmp_path: Path, *, month: bool) -> dict[str, Any]:
    if month:
        cases_of_november(district, overdue=1, on_time=2)
        computed(district, publish=True)
    complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="窗口工作人员态度恶劣，办理营业执照时推诿扯皮",
        unit=district.market,
        identity=Identity(name="张三丰", phone="13812345678", id_number="110101199001011234"),
        attachments=[SimpleUploadedFile("现场.png", real_png(), content_type="image/png")],
    )
    key_file = tmp_path / "backup.key"
    key_file.write_text(generate_key())
    return {
        "key_file": key_file,
        "archive": tmp_path / "out" / "zuofeng.zfb",
        "rankings": rankings(),
        "identities": identities(),
        "files": files(media_root),
        "events": AuditEvent.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def drill(district: Any, media_root: Path, tmp_path: Path) -> dict[str, Any]:
    """The district with a published month and a complaint with its identity and a photo."""
    return build(district, media_root, tmp_path, month=True)


@pytest.fixture
def small(district: Any, media_root: Path, tmp_path: Path) -> dict[str, Any]:
    """The same without the month (the refusals need something to back up, not a month)."""
    return build(district, media_root, tmp_path, month=False)


def backup(drill: dict[str, Any], *extra: str) -> None:
    call_command(
        "backup", str(drill["archive"]), "--key-file", str(drill["key_file"]), *extra, verbosity=0
    )


def restore(drill: dict[str, Any], *extra: str, key_file: Path | None = None) -> str:
    from io import StringIO

    out = StringIO()
    call_command(
        "restore",
        str(drill["archive"]),
        "--key-file",
        str(key_file or drill["key_file"]),
        *extra,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_restore_drill_brings_back_rankings_identities_files_and_a_valid_audit_chain(
    drill: dict[str, Any], media_root: Path
) -> None:
    assert drill["rankings"] and drill["identities"] and drill["files"]
    backup(drill)
    raw = drill["archive"].read_bytes()
    assert "张三丰".encode() not in raw and b"13812345678" not in raw  # encrypted
    assert ComplaintAttachment.objects.get().file.read() not in raw

    empty_everything(media_root)
    assert not User.objects.exists() and not AuditEvent.objects.exists()
    assert rankings() == [] and files(media_root) == {}

    output = restore(drill)

    assert "审计链完整" in output
    call_command("verify_audit", verbosity=0)
    assert rankings() == drill["rankings"]
    assert identities() == drill["identities"]
    assert identities()[next(iter(drill["identities"]))].phone == "13812345678"
    assert files(media_root) == drill["files"]
    # Everything, plus the backup's own event and the restore's.
    assert AuditEvent.objects.count() == drill["events"] + 2
    assert list(AuditEvent.objects.order_by("-id").values_list("action", flat=True)[:2]) == [
        "ops.restore",
        "ops.backup",
    ]
    assert User.objects.count() == drill["users"]
    # Work goes on after the restore: new rows get new keys (sequences moved on PostgreSQL),
    # and new audit events extend the restored chains.
    complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="恢复之后的新举报：办事窗口中午无人值守",
        unit=Unit.objects.get(code="MKT"),
    )
    call_command("verify_audit", verbosity=0)


@pytest.mark.django_db
def test_a_backup_is_not_written_over_without_force(small: dict[str, Any]) -> None:
    backup(small)
    first = small["archive"].read_bytes()
    with pytest.raises(CommandError, match="已经存在"):
        backup(small)
    assert small["archive"].read_bytes() == first
    backup(small, "--force")
    assert small["archive"].read_bytes() != first  # a fresh salt: a new file


@pytest.mark.django_db
def test_a_wrong_key_is_refused_and_changes_nothing(
    small: dict[str, Any], media_root: Path, tmp_path: Path
) -> None:
    backup(small)
    empty_everything(media_root)
    other = tmp_path / "other.key"
    other.write_text(generate_key())
    with pytest.raises(CommandError, match="备份密钥不对"):
        restore(small, key_file=other)
    assert not User.objects.exists() and files(media_root) == {}


@pytest.mark.parametrize("where", ["middle", "end"])
@pytest.mark.django_db
def test_a_tampered_or_cut_archive_is_refused_and_changes_nothing(
    small: dict[str, Any], media_root: Path, where: str
) -> None:
    backup(small)
    data = bytearray(small["archive"].read_bytes())
    if where == "middle":
        data[len(data) // 2] ^= 0x01
    else:
        del data[-100:]
    small["archive"].write_bytes(bytes(data))
    empty_everything(media_root)
    with pytest.raises(CommandError, match="篡改"):
        restore(small)
    assert not User.objects.exists() and files(media_root) == {}


@pytest.mark.django_db
def test_a_database_in_use_is_refused(small: dict[str, Any], media_root: Path) -> None:
    backup(small)
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        restore(small)
    # Checking a backup is allowed anywhere and changes nothing.
    assert "备份文件完整" in restore(small, "--check")
    assert AuditEvent.objects.count() == small["events"] + 1  # only the backup's own
    assert files(media_root) == small["files"]


@pytest.mark.django_db
def test_the_backup_key_must_not_be_an_application_key(
    small: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    key = generate_key()
    settings.AUDIT_KEYS = [key]
    small["key_file"].write_text(key)
    with pytest.raises(CommandError, match="不能与"):
        backup(small)
    assert not small["archive"].exists()


@pytest.mark.django_db
def test_a_backup_older_than_the_audit_checkpoints_is_restored_with_a_warning(
    small: dict[str, Any], media_root: Path, settings: Any, tmp_path: Path
) -> None:
    """The disaster case: the database is lost after the backup was made and after the sweep
    wrote a checkpoint of later events. The restore succeeds and says what was lost."""
    from zuofeng.audit.checkpoints import write_checkpoint

    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    backup(small)
    complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="备份之后的举报：窗口午休时间提前关门",
        unit=Unit.objects.get(code="MKT"),
    )
    write_checkpoint()
    empty_everything(media_root)

    output = restore(small)

    assert "检查点比备份新" in output
    assert AuditEvent.objects.count() == small["events"] + 2  # the backup's, the restore's
    assert identities() == small["identities"]


@pytest.mark.django_db
def test_force_replaces_a_database_in_use_by_the_backup(
    small: dict[str, Any], media_root: Path
) -> None:
    backup(small)
    later, _code = complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="备份之后的举报：窗口午休时间提前关门",
        unit=Unit.objects.get(code="MKT"),
        identity=Identity(name="李四", phone="13900000000"),
    )
    (media_root / "stray.txt").write_text("not in the backup")

    restore(small, "--force")

    assert not Complaint.objects.filter(pk=later.pk).exists()
    assert identities() == small["identities"]
    assert files(media_root) == small["files"]
    call_command("verify_audit", verbosity=0)
