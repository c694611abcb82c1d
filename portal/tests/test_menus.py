"""Menus show only what the role may use: every link in the bar opens for that role
(issue 11 item 10 and friction: menus, the 12345 import link, the inbox link)."""

from __future__ import annotations

import re

import pytest

from conftest import District

pytestmark = pytest.mark.django_db


def nav_links(html: str) -> dict[str, str]:
    nav = html[html.index('<nav class="navbar') : html.index("</nav>")]
    links = re.findall(r'<a class="navbar-(?:item|link)[^"]*" href="([^"]+)"[^>]*>([^<]+)', nav)
    return {label.strip(): href for href, label in links}


@pytest.mark.parametrize("who", ["alice", "amy", "ahead", "bob", "olivia", "dora", "ruth"])
def test_every_menu_link_opens_for_that_role(district: District, who: str) -> None:
    client = district.client_for(getattr(district, who))
    links = nav_links(client.get("/staff/" if who != "ruth" else "/", follow=True).content.decode())
    assert "消息" in links
    for label, href in links.items():
        status = client.get(href).status_code
        assert status == 200, f"{who}: {label} → {href} answered {status}"


def test_discipline_sees_no_counter_and_no_casework(district: District) -> None:
    links = nav_links(district.client_for(district.dora).get("/staff/").content.decode())
    assert "窗口受理" not in links and "办件队列" not in links and "差评整改" not in links
    assert "监督举报" in links


def test_the_office_has_the_12345_import_and_triage_in_the_menu(district: District) -> None:
    links = nav_links(district.client_for(district.olivia).get("/staff/").content.decode())
    assert links["12345 导入"] == "/staff/complaints/hotline/"
    assert links["甄别分办"] == "/staff/complaints/triage/"
    clerk = nav_links(district.client_for(district.alice).get("/staff/").content.decode())
    assert "12345 导入" not in clerk and "甄别分办" not in clerk and "超期升级" not in clerk
    head = nav_links(district.client_for(district.ahead).get("/staff/").content.decode())
    assert head["超期升级"] == "/staff/cases/escalated/"


def test_supervision_and_follow_ups_are_in_each_role_s_menu(district: District) -> None:
    office = nav_links(district.client_for(district.olivia).get("/staff/").content.decode())
    assert office["决策部署"] == "/staff/supervision/"
    assert office["超期督办"] == "/staff/followup/overdue/"
    clerk = nav_links(district.client_for(district.alice).get("/staff/").content.decode())
    assert clerk["督办任务"] == "/staff/supervision/mine/" and "超期督办" not in clerk
    assert clerk["催办督办"] == "/staff/followup/"
    discipline = nav_links(district.client_for(district.dora).get("/staff/").content.decode())
    assert "督办任务" not in discipline and "催办督办" in discipline
    public = nav_links(district.client_for(district.ruth).get("/").content.decode())
    assert public["重点工作"] == "/supervision/"


def test_investigation_is_in_each_role_s_menu(district: District) -> None:
    office = nav_links(district.client_for(district.olivia).get("/staff/").content.decode())
    assert office["调研问卷"] == "/staff/surveys/" and office["调研报告"] == "/staff/reports/"
    assert office["疑点复核"] == "/staff/visits/flags/" and office["座谈会"] == "/staff/forums/"
    clerk = nav_links(district.client_for(district.alice).get("/staff/").content.decode())
    assert clerk["登记走访"] == "/staff/visits/new/"
    assert clerk["调研发现问题"] == "/staff/problems/"
    # Surveys, forums, reports and the review of shallow visits are the office's alone.
    assert not {"调研问卷", "调研报告", "疑点复核", "座谈会"} & set(clerk)
    public = nav_links(district.client_for(district.ruth).get("/").content.decode())
    assert public["问题查询"] == "/problems/follow/" and public["填写问卷"] == "/surveys/code/"
