"""Verify every audit chain, and compare it with the checkpoints kept outside the database.

Per chain, in `seq` order: positions 1, 2, 3 ... without a gap; each event's `prev_hash` is
its predecessor's hash; each hash recomputes under the key its `key_id` names (an event
whose key is not configured, or which was recomputed with plain SHA-256 or another key,
fails); the head row names the last event. Legacy events (empty key id: plain SHA-256 from
before keyed hashing) may only open the system chain, and must be followed by the keyed seal
event migration 0004 wrote, which names their number and last hash.

Then every chain head any checkpoint recorded (chain, seq, hash) must still be in the
database with that hash: a cut tail, a chain rewritten from any row, or everything deleted is
found even when the attacker also moved the head rows back, as long as the checkpoint file
is out of reach (ship it off the machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zuofeng.audit.checkpoints import Checkpoint, checkpoint_dir, read_checkpoints
from zuofeng.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"
LEGACY_SEAL_ACTION = "audit.seal_legacy"


@dataclass(frozen=True)
class BrokenLink:
    event_id: int  # the first event that does not verify; 0 for a problem of a whole chain
    problem: str
    chain: str = ""


@dataclass
class Report:
    problems: list[BrokenLink] = field(default_factory=list)
    chains: int = 0
    events: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)
    directory: Path | None = None


def verify_chain(batch_size: int = 2000, *, directory: Path | None = None) -> BrokenLink | None:
    """The first problem `verify_all` finds, or None if every chain verifies."""
    report = verify_all(batch_size, directory=directory)
    return report.problems[0] if report.problems else None


def verify_all(batch_size: int = 2000, *, directory: Path | None = None) -> Report:
    from zuofeng.audit.chain import compute_hash

    report = Report(directory=directory or checkpoint_dir())
    # What the checkpoints say: chain → seq → (hash, which checkpoint said so).
    expected: dict[str, dict[int, tuple[str, str]]] = {}
    if report.directory is not None:
        report.checkpoints, bad_lines = read_checkpoints(report.directory)
        report.problems += [BrokenLink(0, problem) for problem in bad_lines]
        for checkpoint in report.checkpoints:
            for chain, seq, digest in checkpoint.heads:
                if seq > 0:
                    expected.setdefault(chain, {})[seq] = (digest, checkpoint.label)
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    chains = set(heads) | set(expected)
    chains |= set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    report.chains = len(chains)
    for chain in sorted(chains):
        problem, count = _verify_one(
            chain, heads.get(chain), expected.get(chain, {}), batch_size, compute_hash
        )
        report.events += count
        if problem is not None:
            report.problems.append(problem)
    return report


def _verify_one(
    chain: str,
    head: AuditChainHead | None,
    expected: dict[int, tuple[str, str]],
    batch_size: int,
    compute_hash: object,
) -> tuple[BrokenLink | None, int]:
    prev, seq, legacy, keyed, last_id = GENESIS_HASH, 0, 0, False, 0
    for event in _iter_chain(chain, batch_size):
        last_id = event.id
        problem = None
        if event.seq != seq + 1:
            problem = f"序号从 {seq} 跳到 {event.seq}（记录被删除）"
        elif event.prev_hash != prev:
            problem = "上一条记录的哈希不匹配（记录被删除或插入）"
        elif not event.key_id:
            if chain != SYSTEM_CHAIN or keyed:
                problem = "无密钥的旧格式记录只能位于系统链开头（链被用无密钥的哈希重算）"
            legacy += 1
        else:
            if legacy and not keyed and not _seals(event, legacy, prev):
                problem = "旧格式记录之后缺少封存记录（链被用无密钥的哈希重算）"
            keyed = True
        if problem is None:
            digest = compute_hash(event)  # type: ignore[operator]
            said = expected.get(event.seq)
            if digest is None:
                problem = f"密钥编号 {event.key_id} 未配置（密钥已移除，或记录被伪造）"
            elif digest != event.hash:
                problem = "记录内容与哈希不符（记录被篡改，或链被用其他密钥重算）"
            elif said is not None and said[0] != event.hash:
                problem = f"与外部检查点（{said[1]}）记录的哈希不符（链被重写）"
        if problem is not None:
            return BrokenLink(event.id, problem, chain), event.seq
        prev, seq = event.hash, event.seq
    if legacy and not keyed:
        return BrokenLink(last_id, "旧格式记录之后缺少封存记录（末尾记录被删除）", chain), seq
    beyond = [s for s in expected if s > seq]
    if beyond:
        said = expected[max(beyond)]
        return BrokenLink(
            0,
            f"外部检查点（{said[1]}）记录该链已到第 {max(beyond)} 条，数据库只有 {seq} 条"
            "（末尾记录被删除）",
            chain,
        ), seq
    if head is None:
        if seq:
            return BrokenLink(0, "链头记录缺失（链头被删除）", chain), seq
    elif head.seq != seq or head.last_hash != prev:
        return BrokenLink(0, "链头与最后一条记录不符（末尾记录被删除）", chain), seq
    return None, seq


def _seals(event: AuditEvent, legacy: int, last_legacy_hash: str) -> bool:
    return event.action == LEGACY_SEAL_ACTION and event.after == {
        "legacy_events": legacy,
        "last_legacy_hash": last_legacy_hash,
    }


def _iter_chain(chain: str, batch_size: int) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(chain=chain, seq__gt=last_seq).order_by("seq")[:batch_size]
        )
        if not batch:
            return
        yield from batch
        last_seq = batch[-1].seq
