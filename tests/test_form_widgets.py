"""Pages speak Chinese whatever the browser's language: file and date inputs included.

A native file input's button says "Choose Files" and a native date input "mm/dd/yyyy" in an
English browser; the shared widgets label them in Chinese instead."""

from __future__ import annotations

import datetime as dt

from django import forms

from zuofeng.forms import FileInput, MultipleFileField, date_input, month_input


class _Upload(forms.Form):
    one = forms.FileField(widget=FileInput())
    many = MultipleFileField()
    day = forms.DateField(widget=date_input())
    month = forms.DateField(widget=month_input(), input_formats=["%Y-%m"])


def test_file_inputs_are_labelled_in_chinese() -> None:
    html = _Upload().as_div()
    assert html.count("data-file-picker") == 2
    assert "选择文件</span>" in html and "选择文件（可多选）" in html
    assert html.count("未选择文件") == 2
    assert 'class="file-input"' in html and "multiple" in html


def test_dates_are_typed_with_a_chinese_hint_and_parsed() -> None:
    html = _Upload().as_div()
    assert 'type="date"' not in html and 'type="month"' not in html
    assert "年-月-日，如 2026-12-03" in html and "年-月，如 2026-11" in html
    form = _Upload(data={"day": "2026-12-03", "month": "2026-11"}, files={"one": None})
    form.is_valid()
    assert form.cleaned_data["day"] == dt.date(2026, 12, 3)
    assert form.cleaned_data["month"] == dt.date(2026, 11, 1)


def test_the_application_form_uses_the_chinese_file_box() -> None:
    from cases.public_forms import _file_field

    html = _file_field("营业执照").widget.render("licence", None)
    assert "选择文件" in html and 'class="file-input"' in html
