"""Reading Open311 parameters: the GET filters of `requests` and the form fields of a POST.
Every problem is an `Open311Error` whose descriptions name the parameter, for the client's
developer, and say in Chinese what is wrong, for the person using it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.identity import Identity
from complaints.intake.open311.payloads import SUBJECT_ATTRIBUTE, UNIT_ATTRIBUTE
from complaints.models import ComplaintCategory
from org.models import Unit

MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100
STATUSES = ("open", "closed")
LOCATION = "lat/long/address_string"
NO_LOCATION = (
    "缺少位置：GeoReport v2 要求提供举报地点，请填写 address_string（地址或场所，"
    "如“区政务服务中心二楼”），或同时提供 lat 和 long（WGS84 经纬度）"
)
NO_ADDRESS_IDS = (
    "本系统没有地址编号目录，无法识别 address_id：请改用 address_string（地址或场所），"
    "或同时提供 lat 和 long（WGS84 经纬度）"
)
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]*)\](\[\])?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese field labels of the shared checks (complaints.intake.actions) → the Open311 parameter.
PARAMETER_OF_LABEL = {
    "举报内容": "description",
    "地点": "address_string",
    "被举报干部": f"attribute[{SUBJECT_ATTRIBUTE}]",
    "被举报单位": f"attribute[{UNIT_ATTRIBUTE}]",
    "姓名": "first_name / last_name",
    "联系电话": "phone",
    "其他联系方式": "email / device_id / account_id",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)


def invalid(parameter: str, message: str) -> Open311Error:
    return Open311Error(400, f"{parameter}: {message}")


def from_validation(error: ValidationError) -> Open311Error:
    if not hasattr(error, "error_dict"):
        return Open311Error(400, *error.messages)
    return Open311Error(
        400,
        *(
            f"{PARAMETER_OF_LABEL.get(label, label)}: {message}"
            for label, messages in error.message_dict.items()
            for message in messages
        ),
    )


def _value(params: QueryDict, name: str) -> str:
    # "Optional" in the spec: an empty parameter is the same as a missing one.
    return (params.get(name) or "").strip()


def _list(params: QueryDict, name: str) -> list[str]:
    return [part.strip() for part in _value(params, name).split(",") if part.strip()]


def _datetime(params: QueryDict, name: str) -> dt.datetime | None:
    raw = _value(params, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise invalid(
            name,
            f"时间格式不正确：{raw[:40]!r}。请使用带时区的 W3C 格式，如 2026-01-01T00:00:00+08:00",
        )
    return value


@dataclass(frozen=True)
class RequestFilter:
    ids: list[str]
    service_codes: list[str]
    start: dt.datetime
    end: dt.datetime
    statuses: list[str]


def request_filter(params: QueryDict) -> RequestFilter:
    """The filters of GET requests: service_request_id (overrides the others), service_code,
    start_date/end_date (at most 90 days apart; the last 90 days by default), status."""
    ids = [value.upper() for value in _list(params, "service_request_id")]
    if len(ids) > MAX_IDS:
        raise invalid("service_request_id", f"一次最多查询 {MAX_IDS} 个编号")
    codes = _list(params, "service_code")
    unknown = sorted(set(codes) - set(ComplaintCategory.objects.values_list("code", flat=True)))
    if unknown:
        raise invalid("service_code", f"没有这个举报类别：{', '.join(unknown)[:100]}")
    statuses = [value.lower() for value in _list(params, "status")]
    if any(value not in STATUSES for value in statuses):
        raise invalid("status", "只能是 open 或 closed（可用逗号分隔）")
    start, end = _datetime(params, "start_date"), _datetime(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise invalid("end_date", "结束时间不能早于开始时间")
    if end - start > MAX_SPAN:
        raise invalid("start_date", "查询范围不能超过 90 天")
    return RequestFilter(ids=ids, service_codes=codes, start=start, end=end, statuses=statuses)


# --- POST ---------------------------------------------------------------------------------


def _coordinate(params: QueryDict, name: str, limit: int) -> Decimal | None:
    raw = _value(params, name)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > limit:
        raise invalid(name, f"应为 -{limit} 到 {limit} 之间的十进制度数（WGS84）")
    return value.quantize(Decimal("0.000001"))


def _attributes(params: QueryDict) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name in params:
        if not name.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(name)
        code = match.group(1) if match else ""
        if match is None or code not in (UNIT_ATTRIBUTE, SUBJECT_ATTRIBUTE) or match.group(2):
            known = f"attribute[{UNIT_ATTRIBUTE}]、attribute[{SUBJECT_ATTRIBUTE}]"
            raise invalid(name[:60], f"未知的属性；可用 {known}")
        attributes[code] = (params.get(name) or "").strip()
    return attributes


def _short(params: QueryDict, name: str, max_chars: int) -> str:
    value = _value(params, name)
    if len(value) > max_chars:
        raise invalid(name, f"不能超过 {max_chars} 个字符")
    return value


def _identity(params: QueryDict) -> Identity:
    first, last = _short(params, "first_name", 20), _short(params, "last_name", 20)
    if _CJK.search(first + last):
        name = last + first  # 张 + 小明
    else:
        name = " ".join(part for part in (first, last) if part)
    email = _short(params, "email", 80)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise invalid("email", "电子邮箱格式不正确") from None
    contact = "; ".join(
        f"{label}: {value}"
        for label, value in (
            ("email", email),
            ("device_id", _short(params, "device_id", 40)),
            ("account_id", _short(params, "account_id", 40)),
        )
        if value
    )
    return Identity(name=name, phone=_short(params, "phone", 20), contact=contact)


def filing(params: QueryDict) -> dict[str, Any]:
    """The keyword arguments of `actions.file_complaint` for one POST (channel and actor
    aside). GeoReport v2 requires a location: lat and long together, or address_string, or
    address_id. We keep no address directory, so an address_id alone cannot be resolved and
    is refused with the same advice as a missing location."""
    repeated = sorted(name for name, values in params.lists() if len(values) > 1)
    if repeated:
        raise invalid(repeated[0][:60], "同一参数只能提供一个值，请去掉重复的参数")
    code = _value(params, "service_code")
    if not code:
        raise invalid("service_code", "缺少举报类别代码（见 services 接口）")
    if not ComplaintCategory.objects.filter(code=code).exists():
        raise Open311Error(404, f"service_code: 没有这个举报类别：{code[:40]}")
    if not _value(params, "description"):
        raise invalid("description", "必须填写举报内容")
    latitude = _coordinate(params, "lat", 90)
    longitude = _coordinate(params, "long", 180)
    if (latitude is None) != (longitude is None):
        raise invalid("lat/long", "经度和纬度需要同时提供")
    if latitude is None and not _value(params, "address_string"):
        raise invalid(LOCATION, NO_ADDRESS_IDS if _value(params, "address_id") else NO_LOCATION)
    attributes = _attributes(params)
    unit = None
    if attributes.get(UNIT_ATTRIBUTE):
        unit = Unit.objects.active().filter(code=attributes[UNIT_ATTRIBUTE]).first()
        if unit is None:
            raise invalid(
                f"attribute[{UNIT_ATTRIBUTE}]", "没有这个单位（可选值见 services/{代码} 接口）"
            )
    return {
        "text": params.get("description") or "",
        "place": _value(params, "address_string"),
        "latitude": latitude,
        "longitude": longitude,
        "unit": unit,
        "subject_name": attributes.get(SUBJECT_ATTRIBUTE, ""),
        "identity": _identity(params),
    }
