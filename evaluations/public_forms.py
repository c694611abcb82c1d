"""The one rating form every channel shows: the applicant's page, the SMS link, the hall
rating device and staff entering a rating given by phone.

The form checks what it can show next to an input (a level, known tags, the comment rules of
`evaluations.actions.clean_comment`); `rate_case` checks all of it again, so a channel that
skipped the form could still not store a bad rating.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from cases.models import Case
from evaluations.actions import RATER_ANSWERS, clean_comment, tags_for
from evaluations.models import Level, Rectification

# Bulma colours of the level buttons, from green (非常满意) to red (非常不满意).
LEVEL_COLOURS = {
    Level.VERY_SATISFIED: "is-success",
    Level.SATISFIED: "is-success is-light",
    Level.BASIC: "is-info is-light",
    Level.DISSATISFIED: "is-warning is-light",
    Level.VERY_DISSATISFIED: "is-danger is-light",
}
LEVEL_ERROR = "请选择评价等级：从“非常满意”到“非常不满意”五级中选一项"


def comment_max_chars() -> int:
    return int(settings.ZUOFENG["RATING_COMMENT_MAX_CHARS"])


class RatingForm(forms.Form):
    """A level (5 first, as the national 好差评 scale is read), the case's indicator tags, an
    optional comment, and the rater's two choices about their name and publication."""

    level = forms.TypedChoiceField(
        label="评价等级",
        choices=[(level.value, level.label) for level in sorted(Level, reverse=True)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": LEVEL_ERROR, "invalid_choice": LEVEL_ERROR},
    )
    tags = forms.MultipleChoiceField(
        label="评价指标",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选：您认为做得好或需要改进的方面",
        error_messages={"invalid_choice": "请只勾选页面列出的评价指标"},
    )
    comment = forms.CharField(
        label="评价内容（选填）",
        required=False,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 4}),
    )
    anonymous = forms.BooleanField(label="匿名评价", required=False)
    allow_publication = forms.BooleanField(
        label="同意公开评价内容（公开时隐去姓名、电话、证件号等个人信息）", required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["tags"].choices = [(tag, tag) for tag in tags_for(case)]
        limit = comment_max_chars()
        comment = self.fields["comment"]
        comment.help_text = f"不超过 {limit} 字；请用文字描述，不要输入网页代码"
        comment.widget.attrs["maxlength"] = str(limit)

    def level_buttons(self) -> list[tuple[forms.BoundField, str]]:
        """Each level's radio with its button colour."""
        return [(radio, LEVEL_COLOURS[int(radio.data["value"])]) for radio in self["level"]]

    def clean_comment(self) -> str:
        try:
            return clean_comment(self.cleaned_data.get("comment", ""))
        except ValidationError as exc:
            # The action names its field; here the message belongs next to the textarea.
            raise ValidationError(exc.messages) from None

    def rating_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `rate_case` this form supplies."""
        data = self.cleaned_data
        return {
            "level": data["level"],
            "tags": list(data["tags"]),
            "comment": data["comment"],
            "anonymous": data["anonymous"],
            "allow_publication": data["allow_publication"],
        }


class RaterAnswerForm(forms.Form):
    """The rater's answer to the rectification result, on the link they rated with."""

    answer = forms.ChoiceField(
        label="您对整改结果的意见",
        choices=[(answer, Rectification.CallbackAnswer(answer).label) for answer in RATER_ANSWERS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择您对整改结果的意见",
            "invalid_choice": "请选择满意、基本满意或不满意",
        },
    )
    note = forms.CharField(
        label="补充意见（选填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3, "maxlength": "2000"}),
    )
