from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "请输入验证码。"},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()
