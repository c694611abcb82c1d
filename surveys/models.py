"""Surveys (调研问卷), one-time tokens, anonymous responses and the tallies results read.

Anonymity by construction: `Token` and `Response` share no key and no foreign key. Redeeming
a token flips its `used` flag and writes the response in one transaction, but nothing written
names the token: the response's primary key is a random UUID (no sequence that could be lined
up with the order tokens were used), it carries the day it was given (never a time) and the
token keeps no time of use either. Results and exports order responses by that random key.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

# Unambiguous characters for codes typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_link_key() -> str:
    return secrets.token_urlsafe(9)


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "收集中"
        CLOSED = "closed", "已结束"

    class Audience(models.TextChoices):
        RESIDENTS = "residents", "群众"
        ENTERPRISES = "enterprises", "企业"
        PARTICIPANTS = "participants", "座谈会参会人员"
        STAFF = "staff", "机关干部"
        OTHER = "other", "其他"

    title = models.CharField("问卷标题", max_length=100)
    description = models.TextField("说明", blank=True)
    audience = models.CharField(
        "调查对象", max_length=16, choices=Audience.choices, default=Audience.RESIDENTS
    )
    status = models.CharField(
        "状态", max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The FormSpec (surveys/spec.py) as JSON: the builder, XLSForm import and export all edit
    # this one representation. Frozen once the survey opens (actions refuse edits), so every
    # response and tally of a survey belongs to one version of its questions.
    definition = models.JSONField("问卷定义", default=dict)
    allow_link = models.BooleanField("公开链接作答", default=True)
    allow_tokens = models.BooleanField("一次性答题码作答", default=False)
    # The open link's key: a random slug rather than the id, so a draft or another survey
    # cannot be reached by counting.
    link_key = models.CharField(max_length=16, unique=True, default=new_link_key)
    # The single-choice question whose answer is the respondent's 乡镇/街道 (filters results).
    area_question = models.CharField("所在区域题", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("开始收集", null=True, blank=True)
    closed_at = models.DateTimeField("结束收集", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "调研问卷"
        verbose_name_plural = "调研问卷"

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"问卷{self.pk}"


class Quota(models.Model):
    """A cap on answers for one choice of one question (配额): once `filled` reaches `cap`,
    a respondent who picks that choice is told `message` and the answer is not taken."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    question = models.CharField("题目", max_length=64)
    choice = models.CharField("选项", max_length=64)
    cap = models.PositiveIntegerField("上限")
    filled = models.PositiveIntegerField("已收", default=0)
    message = models.CharField("额满提示", max_length=200, blank=True)

    class Meta:
        ordering = ["question", "choice"]
        constraints = [
            # One cap per branch; the answering path claims a place with a conditional UPDATE
            # (filled < cap), so two concurrent answers cannot both take the last place.
            models.UniqueConstraint(
                fields=["survey", "question", "choice"], name="surveys_quota_one_per_choice"
            ),
            models.CheckConstraint(
                condition=models.Q(filled__lte=models.F("cap")),
                name="surveys_quota_filled_within_cap",
            ),
        ]
        verbose_name = "配额"
        verbose_name_plural = "配额"

    def __str__(self) -> str:
        return f"{self.question}={self.choice} ≤ {self.cap}"

    def full_message(self) -> str:
        return self.message or "该类别的答卷已收满，感谢您的参与。"


class TokenBatch(models.Model):
    """One printing of one-time codes (a stack of sheets for a forum or a village)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="token_batches")
    label = models.CharField("用途", max_length=60, blank=True)
    size = models.PositiveIntegerField("份数")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "答题码批次"
        verbose_name_plural = "答题码批次"

    def __str__(self) -> str:
        return f"{self.label or '答题码'}（{self.size}份）"


class Token(models.Model):
    """A one-time code printed on a sheet. No time of use and no key into responses: the
    only thing answering writes here is `used` (by a conditional UPDATE that matches only an
    unused code, so a second answer with the same code changes nothing and is refused)."""

    batch = models.ForeignKey(TokenBatch, on_delete=models.CASCADE, related_name="tokens")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    code = models.CharField("答题码", max_length=16, unique=True)
    used = models.BooleanField("已使用", default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = "一次性答题码"
        verbose_name_plural = "一次性答题码"

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One anonymous answer sheet. A random UUID key, the day (never the time), the area the
    respondent picked, the answers by question name. No token, no user, no address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    day = models.DateField("作答日期")
    area = models.CharField("所在区域", max_length=64, blank=True)
    answers = models.JSONField("答案", default=dict)

    class Meta:
        # Random order: listing by insertion would line answers up with token use.
        ordering = ["id"]
        indexes = [models.Index(fields=["survey", "area"], name="surveys_resp_survey_area")]
        verbose_name = "答卷"
        verbose_name_plural = "答卷"

    def __str__(self) -> str:
        return f"答卷 {self.day}"


class Tally(models.Model):
    """Running counts the results page reads instead of scanning every response (10,000
    answers render from a few hundred rows). One row per (question, part, value, area):

    - single/multiple/likert/integer/decimal/date: part "", value = the answer (`_other` for
      an "other" text);
    - matrix: part = row name, value = column;
    - ranking: part = position (1-based, as text), value = item;
    - text: part "category", value = the classifier's category;
    - question "_total": the number of responses (per area).

    Incremented in the answering transaction by one INSERT … ON CONFLICT DO UPDATE."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    question = models.CharField(max_length=64)
    part = models.CharField(max_length=64, blank=True)
    value = models.CharField(max_length=64)
    area = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # The upsert's conflict target.
            models.UniqueConstraint(
                fields=["survey", "question", "part", "value", "area"], name="surveys_tally_key"
            )
        ]
        verbose_name = "统计"
        verbose_name_plural = "统计"

    def __str__(self) -> str:
        return f"{self.question}/{self.part}/{self.value}: {self.count}"


class NumberStat(models.Model):
    """Count, sum, minimum and maximum of a number question's answers per area, kept in the
    answering transaction like the tallies (numbers are not tallied by value: an amount or
    an id would make a row per answer)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="number_stats")
    question = models.CharField(max_length=64)
    area = models.CharField(max_length=64, blank=True)
    n = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    low = models.FloatField()
    high = models.FloatField()

    class Meta:
        constraints = [
            # The upsert's conflict target.
            models.UniqueConstraint(
                fields=["survey", "question", "area"], name="surveys_numberstat_key"
            )
        ]
        verbose_name = "数值统计"
        verbose_name_plural = "数值统计"

    def __str__(self) -> str:
        return f"{self.question}: n={self.n}"


class TextAnswer(models.Model):
    """A free-text answer with the complaint classifier's category (computed once, when the
    answer is given), so the results page lists and groups them without classifying again."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="text_answers")
    question = models.CharField(max_length=64)
    text = models.TextField()
    day = models.DateField()
    area = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=16, blank=True)
    confidence = models.FloatField(default=0)
    words = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The results page's list of one question's texts, optionally one category.
            models.Index(fields=["survey", "question", "category"], name="surveys_text_q_cat")
        ]
        verbose_name = "文字答案"
        verbose_name_plural = "文字答案"

    def __str__(self) -> str:
        return self.text[:30]
