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
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from complaints import actions as complaints
from complaints.identity import Identity, unseal
from complaints.models import ComplainantIdentity, Complaint, ComplaintAttachment
from ops.crypto import generate_key
from org.models import Unit
from scorecard.models import Scorecard, UnitScore
from scorecard.tests.factories import cases_of_november, computed
from zuofeng.audit.models import AuditEvent

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # stored bytes, not checked here


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


@pytest.fixture
def drill(district: Any, media_root: Path, tmp_path: Path) -> dict[str, Any]:
    cases_of_november(district, overdue=1, on_time=2)
    computed(district, publish=True)
    complaint, _code = complaints.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text="窗口工作人员态度恶劣，办理营业执照时推诿扯皮",
        unit=district.market,
        identity=Identity(name="张三丰", phone="13812345678", id_number="110101199001011234"),
    )
    # Stored as `zuofeng.uploads.store_upload` stores a checked upload (the checker is not
    # what this drill is about).
    attachment = ComplaintAttachment(
        complaint=complaint,
        token="a" * 32,
        extension=".jpg",
        original_name="现场.jpg",
        content_type="image/jpeg",
        size=len(PHOTO),
        uploaded_at=timezone.now(),
    )
    attachment.file.save("a" * 32 + ".jpg", ContentFile(PHOTO), save=False)
    attachment.save()
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
    assert PHOTO not in raw

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
    assert AuditEvent.objects.count() == drill["events"]
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
def test_a_backup_is_not_written_over_without_force(drill: dict[str, Any]) -> None:
    backup(drill)
    first = drill["archive"].read_bytes()
    with pytest.raises(CommandError, match="已经存在"):
        backup(drill)
    assert drill["archive"].read_bytes() == first
    backup(drill, "--force")
    assert drill["archive"].read_bytes() != first  # a fresh salt: a new file


@pytest.mark.django_db
def test_a_wrong_key_is_refused_and_changes_nothing(
    drill: dict[str, Any], media_root: Path, tmp_path: Path
) -> None:
    backup(drill)
    empty_everything(media_root)
    other = tmp_path / "other.key"
    other.write_text(generate_key())
    with pytest.raises(CommandError, match="备份密钥不对"):
        restore(drill, key_file=other)
    assert not User.objects.exists() and files(media_root) == {}


@pytest.mark.parametrize("where", ["middle", "end"])
@pytest.mark.django_db
def test_a_tampered_or_cut_archive_is_refused_and_changes_nothing(
    drill: dict[str, Any], media_root: Path, where: str
) -> None:
    backup(drill)
    data = bytearray(drill["archive"].read_bytes())
    if where == "middle":
        data[len(data) // 2] ^= 0x01
    else:
        del data[-100:]
    drill["archive"].write_bytes(bytes(data))
    empty_everything(media_root)
    with pytest.raises(CommandError, match="篡改"):
        restore(drill)
    assert not User.objects.exists() and files(media_root) == {}


@pytest.mark.django_db
def test_a_database_in_use_is_refused(drill: dict[str, Any], media_root: Path) -> None:
    backup(drill)
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        restore(drill)
    assert AuditEvent.objects.count() == drill["events"]
    assert files(media_root) == drill["files"]


@pytest.mark.django_db
def test_the_backup_key_must_not_be_an_application_key(
    drill: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    key = generate_key()
    settings.AUDIT_KEYS = [key]
    drill["key_file"].write_text(key)
    with pytest.raises(CommandError, match="不能与"):
        backup(drill)
    assert not drill["archive"].exists()
