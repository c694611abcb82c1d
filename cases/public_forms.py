"""Forms of the public and applicant pages: lookup, registration, online application and the
supply of missing materials. Uploads are checked here with the same rules the actions apply,
so a bad file is reported next to its input and nothing reaches the disk."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from cases.models import Case
from zuofeng.forms import FileInput
from zuofeng.uploads import FILE_ACCEPT, check_upload, upload_help
from zuofeng.validation import (
    MOBILE_PATTERN,
    PHONE_PATTERN,
    credit_code_is_valid,
    resident_id_is_valid,
)


def _text_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "input", **attrs})


def _file_field(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=upload_help(),
        widget=FileInput(attrs={"accept": FILE_ACCEPT}),
    )


def _check_uploads(form: forms.Form, field_names: list[str]) -> list[tuple[str, Any]]:
    """Check each chosen file; errors go next to their input. Returns (label, upload) pairs."""
    chosen = []
    for name in field_names:
        upload = form.cleaned_data.get(name)
        if not upload:
            continue
        try:
            check_upload(upload)
        except ValidationError as exc:
            form.add_error(name, exc)
        else:
            chosen.append((str(form.fields[name].label), upload))
    return chosen


def chinese_password_message(error: ValidationError) -> str:
    """Django's validators, in Chinese. Django 5.2's "too short" message no longer matches its
    zh_Hans catalogue (ticket #36378) and would show in English; the others are reworded to
    the same plain style."""
    params = error.params or {}
    if error.code == "password_too_short":
        return f"密码太短，至少需要 {params.get('min_length', 8)} 个字符"
    if error.code == "password_too_similar":
        return f"密码与{params.get('verbose_name', '个人信息')}太相似，请换一个"
    if error.code == "password_too_common":
        return "这个密码太常见，容易被猜到，请换一个"
    if error.code == "password_entirely_numeric":
        return "密码不能全是数字"
    return " ".join(error.messages)


class LookupForm(forms.Form):
    number = forms.CharField(
        label="办件编号",
        max_length=20,
        widget=_text_input(
            autocomplete="off", inputmode="numeric", placeholder="如 20250301000123"
        ),
    )
    query_code = forms.CharField(
        label="查询码",
        max_length=12,
        widget=_text_input(autocomplete="off", placeholder="8 位字母或数字"),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split())

    def clean_query_code(self) -> str:
        # Codes are read out over the phone and typed on phones: spaces and case do not count.
        return "".join(self.cleaned_data["query_code"].split()).upper()


class RegistrationForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="登录时使用，可用字母、数字和 @ . + - _",
        widget=_text_input(autocomplete="username"),
    )
    full_name = forms.CharField(
        label="姓名", max_length=50, widget=_text_input(autocomplete="name")
    )
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=_text_input(autocomplete="tel", inputmode="numeric"),
    )
    password1 = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "input", "autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="再次输入密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "input", "autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # Case-insensitive: "Ruth" and "ruth" would be the same person to anyone reading them.
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被注册，请换一个")
        return username

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not MOBILE_PATTERN.fullmatch(phone):
            raise ValidationError("请填写 11 位中国大陆手机号码")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "两次输入的密码不一致")
        elif password1:
            candidate = User(
                username=data.get("username", ""), first_name=data.get("full_name", "")
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as exc:
                for error in exc.error_list:
                    self.add_error("password1", chinese_password_message(error))
        return data


class ApplicationForm(forms.Form):
    """An online application: who applies, and one file input per required material."""

    applicant_kind = forms.ChoiceField(
        label="申请人类型",
        choices=Case.ApplicantKind.choices,
        initial=Case.ApplicantKind.RESIDENT,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label="申请人姓名 / 企业名称", max_length=100, widget=_text_input(autocomplete="name")
    )
    applicant_phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=_text_input(autocomplete="tel", inputmode="tel"),
    )
    applicant_id_number = forms.CharField(
        label="身份证号码 / 统一社会信用代码",
        max_length=18,
        help_text="个人填写 18 位居民身份证号码；企业填写 18 位统一社会信用代码",
        widget=_text_input(autocomplete="off"),
    )

    def __init__(self, *args: Any, materials: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.materials = materials
        self.material_fields = [f"material_{material.pk}" for material in materials]
        for material, name in zip(materials, self.material_fields, strict=True):
            self.fields[name] = _file_field(material.name)
        self.files_to_store: list[tuple[str, Any]] = []

    def material_inputs(self) -> list[forms.BoundField]:
        return [self[name] for name in self.material_fields]

    def clean_applicant_phone(self) -> str:
        phone = self.cleaned_data["applicant_phone"].strip()
        if not PHONE_PATTERN.fullmatch(phone):
            raise ValidationError("请填写 11 位手机号码，或带区号的固定电话（如 010-12345678）")
        return phone

    def clean_applicant_id_number(self) -> str:
        return "".join(self.cleaned_data["applicant_id_number"].split()).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, number = data.get("applicant_kind"), data.get("applicant_id_number")
        if number and kind == Case.ApplicantKind.RESIDENT and not resident_id_is_valid(number):
            self.add_error(
                "applicant_id_number", "身份证号码不正确：应为 18 位，请核对出生日期和最后一位"
            )
        if number and kind == Case.ApplicantKind.ENTERPRISE and not credit_code_is_valid(number):
            self.add_error(
                "applicant_id_number", "统一社会信用代码不正确：应为 18 位字母或数字，请逐位核对"
            )
        self.files_to_store = _check_uploads(self, self.material_fields)
        # A file refused above was still chosen: its own message says what to do.
        uploaded_any = any(data.get(name) or name in self.errors for name in self.material_fields)
        if self.material_fields and not uploaded_any:
            raise ValidationError("请至少上传一份申请材料")
        return data


class SupplyForm(forms.Form):
    """The answer to a one-time notice: one file input per listed material, and a note."""

    note = forms.CharField(
        label="说明",
        required=False,
        max_length=2000,
        help_text="如已到窗口当面提交部分材料，请在此说明",
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 3}),
    )

    def __init__(self, *args: Any, materials: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.material_fields = [f"material_{index}" for index in range(len(materials))]
        for material, name in zip(materials, self.material_fields, strict=True):
            self.fields[name] = _file_field(material)
        # The note goes last on the page, after the files it explains.
        self.order_fields([*self.material_fields, "note"])
        self.files_to_store: list[tuple[str, Any]] = []

    def material_inputs(self) -> list[forms.BoundField]:
        return [self[name] for name in self.material_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.files_to_store = _check_uploads(self, self.material_fields)
        # A file refused above was still chosen: its own message says what to do.
        uploaded_any = any(data.get(name) or name in self.errors for name in self.material_fields)
        if not uploaded_any and not (data.get("note") or "").strip():
            raise ValidationError("请上传补正材料，或在说明中写明已当面提交")
        return data
