"""The raiser follows a problem with the receipt code on a public page: status, the unit's
report and the public steps, never anyone's contact; a wrong code says only "not found";
guessing is rate-limited like the complaint follow-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.identity import Identity
from problems import actions

PHONE = "13611112222"


@pytest.fixture
def opened(district: Any) -> tuple[Any, str]:
    return actions.open_problem(
        actor=district.olivia,
        source=district.town,
        unit=district.market,
        title="小区门口垃圾堆放",
        description="石桥社区东门垃圾三天没人清运，夏天气味很大",
        raised_by=Identity(name="测试居民", phone=PHONE),
    )


def lookup(client: Client, code: str) -> Any:
    return client.post(reverse("problems:follow"), {"step": "lookup", "code": code}, follow=True)


@pytest.mark.django_db
class TestFollow:
    def test_the_raiser_sees_progress_with_the_code(self, district: Any, opened: Any) -> None:
        problem, code = opened
        actions.report_problem(problem, actor=district.alice, report="已安排每日清运两次")
        client = Client()
        body = lookup(client, code.lower().replace("-", " ")).content.decode()
        assert "小区门口垃圾堆放" in body and "已办理待回访" in body
        assert "已安排每日清运两次" in body and district.market.name in body
        assert PHONE not in body and "测试居民" not in body
        assert code not in body  # the code is never echoed back

    def test_the_page_follows_the_problem_to_its_callback(self, district: Any, opened: Any) -> None:
        problem, code = opened
        client = Client()
        lookup(client, code)
        actions.report_problem(problem, actor=district.alice, report="已清运")
        actions.record_callback(problem, actor=district.olivia, result="satisfied", note="已干净")
        body = client.get(reverse("problems:follow")).content.decode()
        assert "已解决" in body and "满意" in body

    def test_a_wrong_code_finds_nothing(self, district: Any, opened: Any) -> None:
        body = lookup(Client(), "AAAA-BBBB-CCCC").content.decode()
        assert "未找到该问题，请核对查询码" in body and "小区门口垃圾堆放" not in body

    def test_an_empty_code_is_asked_for(self, district: Any) -> None:
        response = Client().post(reverse("problems:follow"), {"step": "lookup", "code": ""})
        assert response.status_code == 400 and "请输入查询码" in response.content.decode()

    def test_forget_ends_the_view(self, district: Any, opened: Any) -> None:
        _, code = opened
        client = Client()
        lookup(client, code)
        client.post(reverse("problems:follow"), {"step": "forget"})
        assert "小区门口垃圾堆放" not in client.get(reverse("problems:follow")).content.decode()

    def test_guessing_is_rate_limited(self, district: Any, opened: Any, settings: Any) -> None:
        settings.ZUOFENG = {**settings.ZUOFENG, "COMPLAINT_FOLLOW_RATE": "3/m"}
        client = Client()
        codes = [lookup(client, "AAAA-BBBB-CCCC").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        _, code = opened
        assert lookup(client, code).status_code == 429
