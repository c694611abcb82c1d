"""Backup and restore of a whole installation: every table of every app, the uploaded files
and a manifest, in one encrypted file (ops/crypto.py).

Inside the encryption, a tar stream, written and read as a stream (memory stays bounded):

- `db/<app_label>.<model>.<part>.jsonl`: one JSON object per row, keyed by column (field
  attname), values as the ORM reads them (dates ISO 8601, decimals as strings, bytes as
  base64), so the same file loads into SQLite or PostgreSQL; at most PART_ROWS rows a part;
- `files/<root>/<path>`: the uploaded files (MEDIA_ROOT, and PRIVATE_MEDIA_ROOT if set);
- `manifest.json` last (it lists the hashes of everything before it): format, when, the
  application's version and commit, the database engine, the applied migrations, per table
  its row count and its parts' SHA-256, per file its size and SHA-256.

Not in it, on purpose: sessions (a restore logs everyone out), the audit checkpoints (they
must live off the machine), and the keys (SECRET_KEY, ZUOFENG_IDENTITY_KEYS,
ZUOFENG_AUDIT_KEY, the backup key itself), which the operator keeps separately.

Restore reads the file twice: once to authenticate every chunk and check every member
against the manifest, before anything is changed; then to load. Rows are inserted as they
were (primary keys, timestamps, audit hashes), in one transaction, audit events before their
chain heads (the head trigger wants the event to exist); PostgreSQL's sequences are then
moved past the restored keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from ops.crypto import BackupError, DecryptingReader, EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
# Not backed up: login sessions (restoring them would revive old cookies).
SKIPPED = {"sessions.session"}
# Loaded last: a chain head may only name an event that exists (audit migration 0005).
LOAD_LAST = ["audit.auditchainhead"]
BATCH = 1000
PART_ROWS = 20_000
NOT_INCLUDED = [
    "sessions",
    "audit checkpoints (AUDIT_CHECKPOINT_DIR)",
    "SECRET_KEY",
    "ZUOFENG_IDENTITY_KEYS",
    "ZUOFENG_AUDIT_KEY",
    "the backup key",
]


# ---------------------------------------------------------------- what is backed up


def backed_up_models() -> list[type[models.Model]]:
    """Every table the application owns (auto-created many-to-many tables included), in
    load order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower not in SKIPPED
    ]
    last = [m for label in LOAD_LAST for m in found if m._meta.label_lower == label]
    return [m for m in found if m not in last] + last


def file_roots() -> dict[str, Path]:
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def app_version() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("zuofeng")
    except PackageNotFoundError:
        number = _pyproject_version()
    commit = os.environ.get("ZUOFENG_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "HEAD"],
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            commit = ""
    return {"version": number, "commit": commit or "unknown"}


def _pyproject_version() -> str:
    try:
        import tomllib

        data = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
        return str(data["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "unknown"


# ---------------------------------------------------------------- values


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, memoryview | bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    return value


def _columns(model: type[models.Model]) -> list[models.Field]:
    # Generated columns are computed by the database, never inserted.
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _decoder(f: models.Field) -> Any:
    if isinstance(f, models.JSONField):
        return lambda value: value
    if isinstance(f, models.BinaryField):
        return lambda value: None if value is None else base64.b64decode(value)
    return lambda value: None if value is None else f.to_python(value)


# ---------------------------------------------------------------- backup


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


def _table_parts(model: type[models.Model]) -> Iterator[tuple[bytes, int]]:
    """One table as JSON lines in primary-key order, in parts of at most PART_ROWS rows (a
    part is held in memory while it is written)."""
    names = [f.attname for f in _columns(model)]
    out = io.BytesIO()
    rows = 0
    query = model._base_manager.order_by("pk").values_list(*names)
    for row in query.iterator(chunk_size=2000):
        record = {name: _encode(value) for name, value in zip(names, row, strict=True)}
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        rows += 1
        if rows == PART_ROWS:
            yield out.getvalue(), rows
            out, rows = io.BytesIO(), 0
    if rows or out.tell() == 0:
        yield out.getvalue(), rows


def _walk(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class _Hashing:
    """A file read through, hashed on the way (tar reads exactly `size` bytes)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, source: Path) -> tuple[int, str]:
    with source.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        hashing = _Hashing(handle)
        try:
            tar.addfile(info, hashing)  # type: ignore[arg-type]
        except OSError as exc:  # the file shrank while it was read
            raise BackupError(f"备份过程中文件 {source} 被改动（{exc}），请重新备份") from None
    return stat.st_size, hashing.digest.hexdigest()


def create_backup(path: Path, key: bytes, *, force: bool = False) -> BackupResult:
    """Write the encrypted backup to `path` (refused if it exists, unless `force`)."""
    if path.exists() and not force:
        raise BackupError(f"{path} 已经存在：换一个文件名，或加 --force 覆盖")
    if path.is_dir():
        raise BackupError(f"{path} 是一个目录：请给出备份文件的路径")
    for root in file_roots().values():
        if path.resolve().is_relative_to(root.resolve()):
            raise BackupError(f"备份文件不能写在上传文件目录 {root} 之内：请换一个目录")
    now = timezone.now()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Who took a full copy of everyone's data, and where to: recorded first, so the backup
    # holds its own event.
    _record("ops.backup", path, {"at": now.isoformat()})
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".backup-", suffix=".part")
    tables: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    try:
        with os.fdopen(handle, "wb") as out:
            writer = EncryptingWriter(out, key)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[arg-type]
                mtime = now.timestamp()
                # One consistent snapshot of every table (PostgreSQL: REPEATABLE READ for the
                # length of this transaction; SQLite's read transaction sees one state too).
                outermost = not connection.in_atomic_block
                with transaction.atomic():
                    if connection.vendor == "postgresql" and outermost:
                        with connection.cursor() as cursor:
                            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    migrations = applied_migrations()
                    for model in backed_up_models():
                        label = model._meta.label_lower
                        entry: dict[str, Any] = {
                            "model": label,
                            "table": model._meta.db_table,
                            "rows": 0,
                            "parts": [],
                        }
                        for number, (data, rows) in enumerate(_table_parts(model), start=1):
                            name = f"db/{label}.{number:04d}.jsonl"
                            _add_bytes(tar, name, data, mtime)
                            entry["rows"] += rows
                            entry["parts"].append(
                                {"member": name, "rows": rows, "sha256": _sha(data)}
                            )
                        tables.append(entry)
                for root_name, root in file_roots().items():
                    for file_path in _walk(root):
                        relative = file_path.relative_to(root).as_posix()
                        size, digest = _add_file(tar, f"files/{root_name}/{relative}", file_path)
                        files.append(
                            {"root": root_name, "path": relative, "size": size, "sha256": digest}
                        )
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "app": app_version(),
                    "database": {"vendor": connection.vendor, "migrations": migrations},
                    "tables": tables,
                    "files": files,
                    "not_included": NOT_INCLUDED,
                }
                # Last: it lists the hashes of everything before it.
                _add_bytes(
                    tar,
                    MANIFEST,
                    json.dumps(manifest, ensure_ascii=False, indent=1).encode(),
                    mtime,
                )
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables),
        files=len(files),
        size=path.stat().st_size,
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    rows: int = 0
    files: int = 0
    audit_chains: int = 0
    audit_events: int = 0
    audit_problems: list[str] = field(default_factory=list)
    # Only checkpoints newer than the backup disagree: expected after losing data.
    older_than_checkpoints: bool = False
    notes: list[str] = field(default_factory=list)


def _open(path: Path, key: bytes) -> tuple[IO[bytes], DecryptingReader]:
    try:
        source = path.open("rb")
    except OSError as exc:
        raise BackupError(f"无法打开备份文件 {path}：{exc}") from None
    try:
        return source, DecryptingReader(source, key)
    except BaseException:
        source.close()
        raise


def _members(reader: DecryptingReader) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[arg-type]
            for info in tar:
                if not info.isfile():
                    raise BackupError(f"备份文件中有不该有的条目：{info.name}")
                handle = tar.extractfile(info)
                assert handle is not None
                yield info, handle
    except tarfile.TarError as exc:
        raise BackupError(f"备份文件内容无法读取（{exc}）") from None


def _expected(manifest: dict[str, Any]) -> dict[str, str]:
    expected = {
        part["member"]: part["sha256"] for table in manifest["tables"] for part in table["parts"]
    }
    expected |= {f"files/{f['root']}/{f['path']}": f["sha256"] for f in manifest["files"]}
    return expected


def read_manifest_checked(path: Path, key: bytes) -> dict[str, Any]:
    """First pass: authenticate the whole file and check every member against the manifest
    (the last member); nothing is changed. Returns the manifest."""
    source, reader = _open(path, key)
    with source:
        manifest: dict[str, Any] | None = None
        seen: dict[str, str] = {}
        for info, handle in _members(reader):
            if manifest is not None:
                raise BackupError(f"备份文件中清单之后还有条目：{info.name}")
            if info.name == MANIFEST:
                try:
                    manifest = json.loads(handle.read())
                except ValueError:
                    raise BackupError("备份清单（manifest.json）无法读取") from None
                continue
            if info.name in seen:
                raise BackupError(f"备份文件中条目重复：{info.name}")
            digest = hashlib.sha256()
            for block in iter(partial(handle.read, 1024 * 1024), b""):
                digest.update(block)
            seen[info.name] = digest.hexdigest()
        reader.drain()
    if manifest is None:
        raise BackupError("备份文件缺少清单（manifest.json）")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式版本：{manifest.get('format')}")
    expected = _expected(manifest)
    for name, digest in seen.items():
        if name not in expected:
            raise BackupError(f"备份文件中有清单之外的条目：{name}")
        if digest != expected[name]:
            raise BackupError(f"备份文件中 {name} 与清单的 SHA-256 不符")
    missing = set(expected) - set(seen)
    if missing:
        raise BackupError(f"备份文件缺少清单中的 {len(missing)} 个条目，例如 {sorted(missing)[0]}")
    for entry in manifest["files"]:
        _safe_relative(entry["path"])
    return manifest


def _safe_relative(relative: str) -> Path:
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        raise BackupError(f"备份清单中的文件路径不安全：{relative}")
    return candidate


def data_tables_with_rows() -> list[str]:
    """Which tables hold what only the application writes (users, audit events). A database
    that a fresh `migrate` produced has none: migrations fill only lookup tables (content
    types, permissions, seeded categories and standards), which a restore replaces."""
    from django.contrib.auth import get_user_model

    from zuofeng.audit.models import AuditChainHead, AuditEvent

    found = []
    for model in (get_user_model(), AuditEvent, AuditChainHead):
        if model._base_manager.exists():
            found.append(model._meta.label_lower)
    return found


def check_migrations(manifest: dict[str, Any]) -> None:
    here = set(applied_migrations())
    there = set(manifest["database"]["migrations"])
    commit = manifest["app"].get("commit", "unknown")
    if there - here:
        raise BackupError(
            f"备份来自更新的版本（多出 {len(there - here)} 个迁移，如 {sorted(there - here)[0]}）："
            f"请先部署备份清单中的版本（commit {commit}），再恢复"
        )
    if here - there:
        raise BackupError(
            f"备份来自较旧的版本（缺少 {len(here - there)} 个迁移，如 {sorted(here - there)[0]}）："
            f"请用备份清单中的版本（commit {commit}）恢复到空库，再升级到当前版本"
        )


def _wipe(models_: list[type[models.Model]]) -> None:
    """Remove every row (inside the restore's transaction; foreign keys are deferred)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in reversed(models_):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        for label in SKIPPED:
            model = apps.get_model(label)
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def _allow_audit_maintenance() -> None:
    """For --force only: let this transaction remove audit rows. PostgreSQL: works only when
    the restoring role is a member of zuofeng_audit_maintainer (audit migration 0005)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL zuofeng.audit_maintenance = 'on'")


def _load_member(model: type[models.Model], data: bytes) -> int:
    columns = _columns(model)
    decoders = [(f.attname, _decoder(f)) for f in columns]
    batch: list[models.Model] = []
    count = 0

    def flush() -> None:
        if batch:
            size = connection.ops.bulk_batch_size(columns, batch) or len(batch)
            for start in range(0, len(batch), size):
                model._base_manager._insert(  # type: ignore[attr-defined]
                    batch[start : start + size], fields=columns, using=connection.alias, raw=True
                )
            batch.clear()

    for line in data.splitlines():
        if not line:
            continue
        record = json.loads(line)
        instance = model.__new__(model)
        instance._state = models.base.ModelState()
        for attname, decode in decoders:
            setattr(instance, attname, decode(record.get(attname)))
        batch.append(instance)
        count += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return count


def restore_backup(
    path: Path,
    key: bytes,
    *,
    force: bool = False,
    progress: Any = None,
    migrate: Any = None,
) -> RestoreReport:
    """Restore into this database. Refused when it already holds users or audit events,
    unless `force`. `migrate` (the command passes `manage.py migrate`) runs once the whole
    file has been checked, so a wrong key or a damaged file changes nothing at all."""
    say = progress or (lambda message: None)
    manifest = read_manifest_checked(path, key)
    if migrate is not None:
        migrate()
    say(
        f"备份文件完整：{manifest['created_at']} 的备份，版本 {manifest['app']['version']}"
        f"（commit {manifest['app']['commit'][:12]}），{len(manifest['tables'])} 张表，"
        f"{len(manifest['files'])} 个文件"
    )
    check_migrations(manifest)
    occupied = data_tables_with_rows()
    if occupied and not force:
        raise BackupError(
            "目标数据库不是空的（已有 "
            + "、".join(occupied)
            + " 的数据）：恢复只写入空库。若确实要用备份替换现有全部数据，加 --force"
            "（PostgreSQL 上需以 zuofeng_audit_maintainer 角色的成员运行，才能清除审计记录）"
        )
    by_label = {m._meta.label_lower: m for m in backed_up_models()}
    wanted = {t["model"] for t in manifest["tables"]}
    if set(by_label) != wanted:
        unknown = sorted(wanted - set(by_label)) or sorted(set(by_label) - wanted)
        raise BackupError(
            f"备份中的表与当前版本不一致（如 {unknown[0]}）：请用备份清单中的版本恢复"
        )
    report = RestoreReport(manifest=manifest)
    roots = file_roots()
    unknown_roots = {f["root"] for f in manifest["files"]} - set(roots)
    if unknown_roots:
        raise BackupError(
            f"备份中有 {'、'.join(sorted(unknown_roots))} 目录的文件，但当前配置没有该目录"
            "（PRIVATE_MEDIA_ROOT）：请按备份时的配置设置后再恢复"
        )
    staging: dict[str, Path] = {}
    member_model = {
        part["member"]: by_label[t["model"]] for t in manifest["tables"] for part in t["parts"]
    }
    order = list(by_label.values())
    pending_last: dict[str, bytes] = {}
    last_labels = set(LOAD_LAST)
    try:
        for root_name, root in roots.items():
            root.mkdir(parents=True, exist_ok=True)
            staging[root_name] = Path(
                tempfile.mkdtemp(dir=root.parent, prefix=f".restore-{root_name}-")
            )
        source, reader = _open(path, key)
        with source, transaction.atomic():
            if occupied:
                _allow_audit_maintenance()
            try:
                _wipe(order)
            except DatabaseError as exc:
                raise BackupError(
                    f"无法清空目标数据库（{exc}）：审计记录只有维护角色能清除。请改用一个空库恢复"
                ) from None
            for info, handle in _members(reader):
                if info.name == MANIFEST:
                    continue
                if info.name.startswith("db/"):
                    model = member_model[info.name]
                    if model._meta.label_lower in last_labels:
                        pending_last[info.name] = handle.read()
                    else:
                        report.rows += _load_member(model, handle.read())
                    continue
                _, root_name, relative = info.name.split("/", 2)
                target = staging[root_name] / _safe_relative(relative)
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    shutil.copyfileobj(handle, out, 1024 * 1024)
                report.files += 1
            for name, data in pending_last.items():
                report.rows += _load_member(member_model[name], data)
            reader.drain()
            try:
                connection.check_constraints()
            except IntegrityError as exc:
                raise BackupError(f"恢复的数据外键不一致（{exc}）：已回滚") from None
            if connection.vendor == "postgresql":
                statements = connection.ops.sequence_reset_sql(no_style(), order)
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
            _verify_counts(manifest, by_label)
            _verify_staged_files(manifest, staging)
            # Files go in place last, still inside the transaction: a failure here rolls the
            # database back too.
            for root_name, root in roots.items():
                _swap_in(staging[root_name], root)
    finally:
        for stage in staging.values():
            if stage.exists():
                _remove_tree(stage)
    try:
        cache.clear()
    except Exception as exc:  # a cache that is not there yet (no createcachetable) is no loss
        report.notes.append(f"缓存未能清空（{exc}）：请重启应用进程")
    from zuofeng.workdays import calendar

    calendar.clear_cache()
    _verify_audit(report)
    # The restored chains go on with the restore itself.
    _record(
        "ops.restore",
        path,
        {
            "backup_created_at": manifest["created_at"],
            "commit": manifest["app"].get("commit", ""),
            "rows": report.rows,
            "files": report.files,
            "forced": bool(occupied),
        },
    )
    return report


def _record(action: str, path: Path, after: dict[str, Any]) -> None:
    import getpass

    from zuofeng.audit.chain import SYSTEM_CHAIN, record

    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = "unknown"
    with transaction.atomic():
        record(
            actor=None,
            action=action,
            object_type="ops.backup",
            object_id=path.name[-64:],
            after={**after, "path": str(path.resolve()), "os_user": operator},
            chain=SYSTEM_CHAIN,
        )


def _verify_counts(manifest: dict[str, Any], by_label: dict[str, type[models.Model]]) -> None:
    for table in manifest["tables"]:
        count = by_label[table["model"]]._base_manager.count()
        if count != table["rows"]:
            raise BackupError(
                f"恢复后表 {table['model']} 有 {count} 行，清单记录 {table['rows']} 行：已回滚"
            )


def _verify_staged_files(manifest: dict[str, Any], staging: dict[str, Path]) -> None:
    for entry in manifest["files"]:
        staged = staging[entry["root"]] / entry["path"]
        if not staged.is_file() or _sha256_file(staged) != entry["sha256"]:
            raise BackupError(f"恢复的文件 {entry['path']} 与清单的 SHA-256 不符：已回滚")


def _swap_in(stage: Path, root: Path) -> None:
    """Replace the content of `root` by that of `stage` (old content removed)."""
    for child in list(root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            _remove_tree(child)
        else:
            child.unlink()
    for child in list(stage.iterdir()):
        os.replace(child, root / child.name)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _verify_audit(report: RestoreReport) -> None:
    from zuofeng.audit.verify import verify_all

    result = verify_all()
    report.audit_chains = result.chains
    report.audit_events = result.events
    for broken in result.problems:
        where = f"审计链 {broken.chain}" if broken.chain else "检查点"
        report.audit_problems.append(f"{where}：{broken.problem}")
    if result.problems and all(
        p.event_id == 0 and "外部检查点" in p.problem for p in result.problems
    ):
        report.older_than_checkpoints = True
        report.notes.append(
            "检查点比备份新：备份之后写入的审计记录不在备份中（恢复点之后的数据已丢失），"
            "数据库内的审计链本身完整"
        )
