"""The public catalogue and matter pages are cached, and a committed change shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from catalog import actions
from catalog.models import Matter
from catalog.tests.factories import make_matter, real_pdf
from conftest import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(district: District, django_capture_on_commit_callbacks: Any) -> Matter:
    # Committed as in production: the page a visitor sees next is built after it.
    with django_capture_on_commit_callbacks(execute=True):
        matter = make_matter(district.market, code="MKT-0001", name="个体工商户营业执照办理")
        make_matter(district.hr, code="HR-0001", name="失业保险金申领")
    return matter


def edit(matter: Matter, actor: Any, **changes: Any) -> None:
    actions.update_matter(actor=actor, matter=matter, changes=changes)


def test_an_anonymous_visitor_s_second_visit_is_served_from_the_cache(
    licence: Matter, django_assert_num_queries: Any
) -> None:
    first = Client().get("/matters/")
    assert "个体工商户营业执照办理" in first.content.decode()

    with django_assert_num_queries(0):
        second = Client().get("/matters/")

    assert second.status_code == 200
    assert second.content == first.content


def test_a_matter_page_is_served_from_the_cache_with_the_time_of_printing(
    licence: Matter, django_assert_num_queries: Any
) -> None:
    Client().get("/matters/MKT-0001/")

    with django_assert_num_queries(0):
        page = Client().get("/matters/MKT-0001/").content.decode()

    assert "个体工商户营业执照办理" in page
    assert "打印于 20" in page  # the time, filled in per request
    assert "catalog-printed-at" not in page


def test_editing_a_matter_through_its_action_changes_the_pages_at_once(
    district: District, licence: Matter, django_capture_on_commit_callbacks: Any
) -> None:
    assert "个体工商户营业执照办理" in Client().get("/matters/").content.decode()
    assert "个体工商户营业执照办理" in Client().get("/matters/MKT-0001/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        edit(licence, district.olivia, name="个体工商户营业执照（新版）")

    catalogue = Client().get("/matters/").content.decode()
    page = Client().get("/matters/MKT-0001/").content.decode()
    assert "个体工商户营业执照（新版）" in catalogue
    assert "个体工商户营业执照办理" not in catalogue
    assert "个体工商户营业执照（新版）" in page


def test_archiving_and_adding_a_form_show_at_once(
    district: District, licence: Matter, django_capture_on_commit_callbacks: Any
) -> None:
    assert "空白表格" not in Client().get("/matters/MKT-0001/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_form_file(
            actor=district.olivia,
            matter=licence,
            upload=SimpleUploadedFile("申请表.pdf", real_pdf(), "application/pdf"),
            kind="blank",
        )
    assert "空白表格" in Client().get("/matters/MKT-0001/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        actions.archive_matter(actor=district.olivia, matter=licence, reason="已取消")
    assert "个体工商户营业执照办理" not in Client().get("/matters/").content.decode()
    assert Client().get("/matters/MKT-0001/").status_code == 404


def test_a_rolled_back_edit_does_not_invalidate_the_cache(
    district: District,
    licence: Matter,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    Client().get("/matters/")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        edit(licence, district.olivia, name="不该出现的名称")
        raise RuntimeError("rolled back")

    assert callbacks == []  # no bump was left to run
    with django_assert_num_queries(0):
        page = Client().get("/matters/").content.decode()
    assert "个体工商户营业执照办理" in page
    assert "不该出现的名称" not in page


def test_different_queries_do_not_share_a_page(licence: Matter) -> None:
    everything = Client().get("/matters/").content.decode()
    hr_only = Client().get("/matters/?unit=HRS").content.decode()
    searched = Client().get("/matters/?q=失业").content.decode()
    searched_again = Client().get("/matters/?q=失业").content.decode()

    assert "个体工商户营业执照办理" in everything and "失业保险金申领" in everything
    assert "失业保险金申领" in hr_only and "个体工商户营业执照办理" not in hr_only
    assert "失业保险金申领" in searched and "个体工商户营业执照办理" not in searched
    assert searched_again == searched


def test_unknown_parameters_neither_split_the_cache_nor_reach_the_links(
    district: District, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(25):
            make_matter(district.market, name=f"营业执照事项{number}")
    Client().get("/matters/?q=营业执照")

    with django_assert_num_queries(0):
        page = Client().get("/matters/?q=营业执照&evil=%22x").content.decode()

    assert "evil" not in page
    assert "page=2" in page  # the next-page link keeps the search, nothing else


def test_a_logged_in_user_never_gets_another_user_s_page(
    district: District, licence: Matter
) -> None:
    anonymous = Client().get("/matters/").content.decode()
    ruth = district.client_for(district.ruth).get("/matters/").content.decode()
    olivia = district.client_for(district.olivia).get("/matters/MKT-0001/").content.decode()
    ruth_again = district.client_for(district.ruth).get("/matters/MKT-0001/").content.decode()
    anonymous_again = Client().get("/matters/MKT-0001/").content.decode()

    # Each sees their own name (and only theirs) around the same guide.
    assert "路思" in ruth and "欧丽" not in ruth and "退出" in ruth
    assert "欧丽" in olivia and "路思" not in olivia and "工作台" in olivia
    assert "路思" in ruth_again and "欧丽" not in ruth_again
    assert "登录" in anonymous and "路思" not in anonymous and "退出" not in anonymous
    assert "欧丽" not in anonymous_again and "路思" not in anonymous_again
    assert "csrfmiddlewaretoken" not in anonymous + anonymous_again
    # Each logged-in page has its own CSRF token in the logout form, not a cached one.
    assert "csrfmiddlewaretoken" in ruth and "csrfmiddlewaretoken" in olivia


def test_a_message_waiting_for_an_anonymous_visitor_is_shown_not_a_cached_page(
    licence: Matter, client: Client
) -> None:
    client.get("/matters/")  # cached
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(request=None)  # type: ignore[arg-type]
    storage.add(constants.SUCCESS, "您已退出登录")
    client.cookies[storage.cookie_name] = storage._encode(storage._queued_messages)

    assert "您已退出登录" in client.get("/matters/").content.decode()


def test_a_unit_archived_in_org_leaves_the_cached_catalogue_at_once(
    district: District, licence: Matter, django_capture_on_commit_callbacks: Any
) -> None:
    from org import actions as org_actions

    assert "失业保险金申领" in Client().get("/matters/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        org_actions.archive_unit(actor=district.root, unit=district.hr, reason="机构改革")

    page = Client().get("/matters/").content.decode()
    assert "失业保险金申领" not in page
    assert "区人力资源和社会保障局" not in page  # nor in the unit list


def test_a_matter_saved_in_the_admin_shows_at_once(
    district: District, licence: Matter, django_capture_on_commit_callbacks: Any
) -> None:
    assert "个体工商户营业执照办理" in Client().get("/matters/MKT-0001/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        licence.refresh_from_db()
        licence.hours = "周六上午也可办理"
        licence.save()  # what the admin's change form does

    assert "周六上午也可办理" in Client().get("/matters/MKT-0001/").content.decode()
