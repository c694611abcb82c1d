"""Checkpoints of the audit chains' heads, written outside the database.

One line of JSON per checkpoint, appended to `<AUDIT_CHECKPOINT_DIR>/checkpoints-YYYY-MM.jsonl`
(UTC month):

    {"v": 1, "at": "2026-12-02T20:00:00+00:00", "key": "<key id>",
     "heads": [["system", 1234, "<hash>"], ["unit:7", 88, "<hash>"], ...], "mac": "<hex>"}

`mac` is HMAC-SHA256, under the audit key named by `key`, of the line without `mac`. The
file is only as safe as the place it is kept: an operator ships it off the machine (rsync,
syslog, WORM storage) so that someone who rewrites the database cannot rewrite it too.
`verify_audit` checks that every head of every checkpoint is still in the database with the
same hash at the same position.

Written by `manage.py audit_checkpoint` and by the sweep every AUDIT_CHECKPOINT_MINUTES.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from zuofeng.audit.keys import current_key, key_by_id, sign_line
from zuofeng.audit.models import AuditChainHead

VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    at: dt.datetime
    heads: list[tuple[str, int, str]]
    label: str  # file and line, for messages


def checkpoint_dir() -> Path | None:
    """Where checkpoints go; None when the operator (or the test settings) turned them off."""
    value = getattr(settings, "AUDIT_CHECKPOINT_DIR", None)
    return Path(value) if value else None


def write_checkpoint(
    now: dt.datetime | None = None, directory: Path | None = None
) -> tuple[Path, int]:
    """Append the current head of every chain; return the file and the number of chains."""
    directory = directory or checkpoint_dir()
    if directory is None:
        raise RuntimeError("AUDIT_CHECKPOINT_DIR is not set")
    now = now or timezone.now()
    # One query: the heads of one committed state (each head moves with its events).
    heads = [
        [chain, seq, last_hash]
        for chain, seq, last_hash in AuditChainHead.objects.filter(seq__gt=0)
        .order_by("chain")
        .values_list("chain", "seq", "last_hash")
    ]
    kid, key = current_key()
    body: dict[str, Any] = {"v": VERSION, "at": now.astimezone(dt.UTC).isoformat(), "key": kid}
    body["heads"] = heads
    line = json.dumps({**body, "mac": sign_line(key, body)}, separators=(",", ":")) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoints-{now.astimezone(dt.UTC):%Y-%m}.jsonl"
    with open(path, "a", encoding="utf-8") as handle:
        # Two writers at once (the sweep and the command) append whole lines, one at a time.
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    return path, len(heads)


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("checkpoints-*.jsonl")) if directory.is_dir() else []


def read_checkpoints(directory: Path) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in `directory`, oldest first, and a problem for each line that does
    not parse or whose MAC does not verify."""
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    for path in _files(directory):
        with open(path, encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                label = f"{path.name} 第 {number} 行"
                if not text.strip():
                    continue
                checkpoint = _parse(text, label)
                if checkpoint is None:
                    problems.append(f"检查点 {label} 无法解析或签名无效（被篡改或密钥不对）")
                else:
                    checkpoints.append(checkpoint)
    return checkpoints, problems


def _parse(text: str, label: str) -> Checkpoint | None:
    try:
        line = json.loads(text)
        mac = line.pop("mac")
        key = key_by_id(line["key"])
        if key is None or sign_line(key, line) != mac:
            return None
        heads = [(str(c), int(s), str(h)) for c, s, h in line["heads"]]
        return Checkpoint(dt.datetime.fromisoformat(line["at"]), heads, label)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def latest_checkpoint_at(directory: Path) -> dt.datetime | None:
    """When the newest checkpoint was written (its file's last line, read from the end: the
    sweep asks every pass, and a month's file may hold megabytes)."""
    files = _files(directory)
    if not files:
        return None
    try:
        return dt.datetime.fromisoformat(json.loads(_last_line(files[-1]))["at"])
    except (ValueError, KeyError, TypeError):
        return None


def _last_line(path: Path, block: int = 65536) -> str:
    with open(path, "rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        tail = b""
        while end > 0:
            start = max(0, end - block)
            handle.seek(start)
            tail = handle.read(end - start) + tail
            end = start
            lines = tail.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or start == 0:
                return lines[-1].decode("utf-8")
    return ""


def checkpoint_step(now: dt.datetime) -> dict[str, int]:
    """The sweep's step: a checkpoint when the newest is AUDIT_CHECKPOINT_MINUTES old."""
    directory = checkpoint_dir()
    if directory is None:
        return {}
    latest = latest_checkpoint_at(directory)
    every = dt.timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)
    if latest is not None and now - latest < every:
        return {}
    _path, chains = write_checkpoint(now, directory)
    return {"checkpoints": 1, "chains": chains}
