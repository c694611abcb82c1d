"""The lean paths of the two busiest pages keep their answers: the public lookup (one query,
prepared on PostgreSQL; the site's frame rendered once for anonymous visitors; the API limited
with django-ratelimit) and the staff queue (rows and count in one query, plain selects)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cases.models import Case, CaseEvent
from cases.tests.test_public_lookup import fresh_rate_limits  # noqa: F401  (autouse)
from cases.tests.test_staff_pages import accepted, numbers_in, submit
from cases.views import public
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import District

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(district.market, name="食品经营许可", promised_limit_days=5)


def look_up(case: Case, client: Client | None = None, code: str | None = None) -> Any:
    return (client or Client()).post(
        "/cases/lookup/", {"number": case.number, "query_code": code or case.query_code}
    )


# --- the lookup page ------------------------------------------------------------------------


def test_an_anonymous_answer_equals_the_full_render_byte_for_byte(
    district: District, matter: Matter, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = accepted(district, matter)
    public._frames.clear()
    lean = look_up(case).content
    lean_again = look_up(case).content  # from the frame rendered for the first answer
    monkeypatch.setattr(public, "_is_plain_visitor", lambda request: False)
    full = look_up(case).content

    assert lean == lean_again == full
    html = full.decode()
    assert f"办件 {case.number} 的办理进度" in html and "登录" in html and "已受理，办理中" in html


def test_a_miss_is_the_same_page_on_both_paths(
    district: District, matter: Matter, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = submit(district, matter)
    lean = look_up(case, code="WRONG234").content
    monkeypatch.setattr(public, "_is_plain_visitor", lambda request: False)

    assert look_up(case, code="WRONG234").content == lean


def test_a_logged_in_visitor_keeps_their_own_navigation(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    client = district.client_for(district.ruth)

    html = look_up(case, client=client).content.decode()

    assert "已提交，待受理" in html
    assert "退出" in html and "我的办件" in html
    assert "注册" not in html
    # ...and the next anonymous visitor does not get them.
    anonymous = look_up(case).content.decode()
    assert "退出" not in anonymous and "注册" in anonymous


def test_a_case_without_any_event_is_still_found(district: District, matter: Matter) -> None:
    case = submit(district, matter)
    CaseEvent.objects.filter(case=case).delete()

    html = look_up(case).content.decode()
    api = Client().post(
        "/api/lookup/",
        json.dumps({"number": case.number, "query_code": case.query_code}),
        content_type="application/json",
    )

    assert "暂无办理记录" in html
    assert api.status_code == 200 and api.json()["timeline"] == []


def test_the_page_and_the_api_count_in_separate_budgets(
    district: District, matter: Matter, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "LOOKUP_RATE": "2/m"}
    case = submit(district, matter)
    client = Client(REMOTE_ADDR="203.0.113.9")
    body = json.dumps({"number": case.number, "query_code": case.query_code})

    statuses = [look_up(case, client=client).status_code for _ in range(3)]
    api = [client.post("/api/lookup/", body, content_type="application/json") for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert [response.status_code for response in api] == [200, 200, 429]
    assert api[2]["Retry-After"] == "60"
    assert api[2].json() == {"detail": public.LIMITED}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_prepared_lookup_survives_losing_its_statement(
    district: District, matter: Matter
) -> None:
    case = submit(district, matter)
    assert look_up(case).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [public._PREPARED_NAME]
        )
        assert cursor.fetchone() == (1,)
        cursor.execute(f"DEALLOCATE {public._PREPARED_NAME}")  # as a pooler would lose it

    assert "已提交，待受理" in look_up(case).content.decode()
    assert "已提交，待受理" in look_up(case).content.decode()  # prepared again


# --- the staff queue ------------------------------------------------------------------------


def test_the_queue_counts_every_case_and_pages_like_get_page(
    district: District, matter: Matter
) -> None:
    for _ in range(23):
        submit(district, matter)
    client = district.client_for(district.alice)

    first = client.get("/staff/cases/").content.decode()
    second = client.get("/staff/cases/?page=2").content.decode()
    past_the_end = client.get("/staff/cases/?page=9").content.decode()
    not_a_number = client.get("/staff/cases/?page=abc").content.decode()

    assert "共 23 件" in first and "共 23 件" in second
    assert len(numbers_in(first)) == 20 and len(numbers_in(second)) == 3
    assert "第 2 / 2 页" in second and "第 1 / 2 页" in first
    assert numbers_in(past_the_end) == numbers_in(second)
    assert numbers_in(not_a_number) == numbers_in(first)


def test_the_queue_offers_the_units_matters_and_keeps_the_chosen_one(
    district: District, matter: Matter
) -> None:
    other = make_matter(district.market, name="药品经营许可")
    make_matter(district.hr, name="社保登记")
    client = district.client_for(district.alice)

    html = client.get(f"/staff/cases/?matter={other.pk}").content.decode()

    assert f'<option value="{other.pk}" selected>{other}</option>' in html
    assert f'<option value="{matter.pk}">{matter}</option>' in html
    assert "社保登记" not in html
    assert '<option value="">全部事项</option>' in html


def test_the_office_picks_units_by_code(district: District, matter: Matter) -> None:
    html = district.client_for(district.olivia).get("/staff/cases/?unit=MKT").content.decode()

    assert re.search(r'<option value="MKT" selected>[^<]+</option>', html)
    assert '<option value="">全部单位</option>' in html
    assert f"{matter}</option>" in html
