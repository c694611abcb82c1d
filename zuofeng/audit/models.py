"""The audit chains: one append-only table of events for every state change.

Events are chained per unit (the "system" chain holds events about records without a unit):
each stores its chain, its position `seq` in it and the keyed hash (HMAC) of its content and
of its predecessor's hash, so editing or deleting any row in the database (bypassing Django)
breaks its chain there, which `verify_audit` reports. Each chain's head row says where the
chain ends; checkpoints written outside the database (zuofeng/audit/checkpoints.py) say where
it ended before, so that a cut tail is found even when the head was moved back too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加，不能删除")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    # Kept as text too: the chain must verify even if a user is later renamed.
    actor_label = models.CharField("操作人名称", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    object_label = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", default=dict, blank=True)
    after = models.JSONField("变更后", default=dict, blank=True)
    reason = models.TextField("原因", blank=True)
    # Which chain (see chain.chain_for), the position in it (1, 2, ...), and the id of the
    # key that sealed the hash (empty: a legacy plain SHA-256 event from before keyed hashing).
    chain = models.CharField("审计链", max_length=40, default="system")
    seq = models.BigIntegerField("链内序号")
    key_id = models.CharField("密钥编号", max_length=16, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        indexes = [
            # The history panel of any record: events for one object, oldest first.
            models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
        ]
        constraints = [
            # One event per position of a chain: two writers that both read the same head
            # (had the head lock failed) could not both append; verification walks a chain
            # by this index (WHERE chain = %s AND seq > %s ORDER BY seq).
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditChainHead(models.Model):
    """Where one chain ends: locked by each writer of that chain (and only that chain), so
    that two events never share a parent while writers of other units go on in parallel.

    In the database too it may only move forward (migration 0005's triggers)."""

    chain = models.CharField("审计链", max_length=40, primary_key=True)
    seq = models.BigIntegerField("链内序号", default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
