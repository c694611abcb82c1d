"""Every text message the platform sends, with its delivery status."""

from __future__ import annotations

from django.db import models

from zuofeng.masking import mask_phone


class SmsMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    class Purpose(models.TextChoices):
        RATING_LINK = "rating_link", "评价链接"
        NOTICE = "notice", "一次性告知"
        COMPLAINT_RECEIPT = "complaint_receipt", "举报回执"
        COMPLAINT_ANSWER = "complaint_answer", "举报答复"
        RECTIFICATION_RESULT = "rectification_result", "整改结果"
        OTHER = "other", "其他"

    phone = models.CharField("手机号", max_length=20)
    text = models.TextField("内容")
    purpose = models.CharField("用途", max_length=24, choices=Purpose.choices)
    # What the message is about, as "app_label.model" and its key (like Escalation's duty).
    related_type = models.CharField("关联对象类型", max_length=100, blank=True)
    related_id = models.CharField("关联对象编号", max_length=64, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField("失败原因", max_length=300, blank=True)
    backend = models.CharField("发送通道", max_length=100, blank=True)
    provider_id = models.CharField("网关回执号", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    # Where a secret (a complaint's receipt code) sits in `text`: it is blanked out once the
    # text has been handed to the gateway, so a copy of the database cannot follow anything.
    secret_at = models.PositiveIntegerField(null=True, blank=True, editable=False)
    secret_length = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "短信"
        verbose_name_plural = "短信"
        indexes = [
            # "Which texts went out about this case / complaint" (the record's pages, support).
            models.Index(fields=["related_type", "related_id"], name="sms_related_idx"),
            # The retry/overview of what is stuck or failed.
            models.Index(fields=["status", "created_at"], name="sms_status_time_idx"),
        ]

    def __str__(self) -> str:
        status = self.get_status_display()
        return f"{mask_phone(self.phone)} {self.get_purpose_display()}（{status}）"
