"""Who may rate through which channel, what a published comment may not contain, and how
the on-time share treats work orders still within their time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from catalog.tests.factories import make_matter
from conftest import District
from evaluations import actions
from evaluations.models import Evaluation
from evaluations.stats import monthly_results, scrub_comment
from evaluations.tests.test_rating_channels import decided_case

pytestmark = pytest.mark.django_db


def test_staff_of_another_unit_cannot_enter_a_rating_for_the_case(district: District) -> None:
    case = decided_case(district.alice, make_matter(district.market))
    for source in (Evaluation.Source.HALL_DEVICE, Evaluation.Source.PHONE):
        with pytest.raises(PermissionDenied):
            actions.rate_case(actor=district.bob, case=case, level=5, source=source)
    assert not Evaluation.objects.exists()


def test_only_the_applicant_rates_from_the_applicant_page(district: District) -> None:
    matter = make_matter(district.market, online=True)
    case = decided_case(district.alice, matter, channel="online", applicant_user=district.ruth)
    with pytest.raises(PermissionDenied):
        actions.rate_case(actor=district.alice, case=case, level=1, source="applicant_page")
    actions.rate_case(actor=district.ruth, case=case, level=4, source="applicant_page")
    assert Evaluation.objects.get().level == 4


@pytest.mark.parametrize(
    "comment",
    [
        "窗口电话138-0013-8000打不通",
        "我的身份证 110101 19900101 002X 被多复印了",
        "请回复到 someone@example.cn",
        "我是张 三，态度很差",
    ],
)
def test_published_comments_lose_phones_ids_emails_and_the_raters_name(comment: str) -> None:
    scrubbed = scrub_comment(comment, "张三")
    assert "[已隐去]" in scrubbed
    for secret in ("8000", "002X", "someone", "张 三"):
        assert secret not in scrubbed


def test_ordinary_numbers_in_a_comment_stay(db: object) -> None:
    assert scrub_comment("排队20分钟，等了3天，2026年11月") == "排队20分钟，等了3天，2026年11月"


def test_an_open_work_order_within_its_time_is_not_counted_late(district: District) -> None:
    case = decided_case(district.alice, make_matter(district.market))
    actions.rate_case(actor=None, case=case, level=1, source="sms_link")
    now = timezone.now()
    local = timezone.localtime(now)
    [result] = monthly_results(local.year, local.month, now=now)
    assert result.rectifications == 0 and result.rectified_on_time_rate is None
    later = now + dt.timedelta(days=40)  # far past the 15 working days
    [result] = monthly_results(local.year, local.month, now=later)
    assert result.rectifications == 1 and result.rectified_on_time == 0
