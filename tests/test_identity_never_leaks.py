"""A complainant's identity never reaches the unit complained about (issue 5).

Unique markers are planted in the name, phone and ID number of complaints filed through
every channel; the complaints are taken through their whole life (triage, response, answer,
callback, reopen, escalation by the sweep); then, as each person of the handling unit (staff,
window, head), we crawl every page reachable by following links from their home page, fetch
every API and Open311 response and every export they can reach, and search each body for the
markers — whole and masked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from complaints import actions
from complaints.identity import Identity
from complaints.intake import hotline
from complaints.models import Complaint, HotlineSource
from zuofeng.duty.models import Notification
from zuofeng.duty.sweep import sweep
from zuofeng.masking import mask_id_number, mask_name, mask_phone

TZ = ZoneInfo("Asia/Shanghai")
NAME = "隐名测试员"
PHONE = "19999990017"
ID_NUMBER = "99999919900101002X"
CONTACT = "隐名测试街道17号"
MARKERS = [
    NAME,
    PHONE,
    ID_NUMBER,
    CONTACT,
    mask_name(NAME),
    mask_phone(PHONE),
    mask_id_number(ID_NUMBER),
    PHONE[-8:],
    ID_NUMBER[6:14],
]
SKIP = re.compile(r"^/(accounts/logout|admin|static|media|api/docs|api/schema|ratings/\d{4})")
# Filter and page variants of one path add little: a few of each, so the crawl reaches
# every page instead of every combination of filters.
VARIANTS_PER_PATH = 4


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=TZ)


def leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="ignore")
    return [marker for marker in MARKERS if marker in text]


def crawl(client: Client, start: str, limit: int = 600) -> dict[str, bytes]:
    """Every same-site page reachable by following links from `start`."""
    seen: dict[str, bytes] = {}
    variants: Counter[str] = Counter()
    queue = deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIP.match(path) or variants[path] >= VARIANTS_PER_PATH:
            continue
        variants[path] += 1
        response = client.get(url)
        seen[url] = response.content
        if response.status_code in (301, 302) and response.get("Location"):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.content.decode("utf-8", "ignore")):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and target not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.fixture
def planted(district):
    """Complaints about the market regulator, in every state, each carrying the markers."""
    identity = Identity(name=NAME, phone=PHONE, id_number=ID_NUMBER, contact=CONTACT)
    olivia, alice = district.olivia, district.alice
    made = []
    for channel, actor in [
        (Complaint.Channel.WEB, None),
        (Complaint.Channel.WEB, district.ruth),
        (Complaint.Channel.LETTER, olivia),
        (Complaint.Channel.VISIT, olivia),
        (Complaint.Channel.OPEN311, None),
    ]:
        complaint, _ = actions.file_complaint(
            actor=actor,
            channel=channel,
            text="窗口工作人员态度冷淡，让我来回跑了三趟",
            unit=district.market,
            subject_name="窗口的一位工作人员",
            identity=identity,
            at=at(2),
        )
        made.append(
            actions.triage(actor=olivia, complaint=complaint, category="service", at=at(2, 11))
        )
    _still_routed, responded, answered, reopened, closed = made
    actions.respond(actor=alice, complaint=responded, note="已联系核实", at=at(3))
    actions.answer(actor=alice, complaint=answered, text="已批评教育", at=at(3))
    actions.answer(actor=alice, complaint=reopened, text="已处理", at=at(3))
    actions.record_callback(
        actor=None, complaint=reopened, result="dissatisfied", by_complainant=True, at=at(4)
    )
    actions.reopen(complaint=reopened, reason="我不满意，仍然没有解决", at=at(5))
    actions.answer(actor=alice, complaint=closed, text="已整改到位", at=at(3))
    actions.record_callback(
        actor=alice, complaint=closed, result="satisfied", note="电话回访", at=at(4)
    )
    # A triage-stage complaint and one the office revealed: neither may leak either.
    waiting, _ = actions.file_complaint(
        actor=None,
        channel="web",
        text="办事大厅排队太久",
        unit=district.market,
        identity=identity,
        at=at(6),
    )
    imported = _import_from_the_hotline(district)
    actions.reveal_identity(actor=olivia, complaint=closed, reason="核实回访")
    sweep(now=at(25))  # escalations and notifications to the unit and its head
    return [*made, waiting, imported]


def _import_from_the_hotline(district) -> Complaint:
    """A 12345 export row carrying the markers, imported, triaged and answered."""
    headers = ["工单号", "来电时间", "反映内容", "涉及单位", "市民姓名", "联系电话", "证件号码"]
    row = ["GD-LEAK-1", "2026-11-02 09:00", "窗口办事拖拉，让我跑了四趟", district.market.name]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, [*row, NAME, PHONE, ID_NUMBER]])
    source = HotlineSource.objects.create(
        name="12345",
        column_map={
            "ticket": "工单号",
            "received_at": "来电时间",
            "text": "反映内容",
            "unit": "涉及单位",
            "caller_name": "市民姓名",
            "caller_phone": "联系电话",
            "caller_id_number": "证件号码",
        },
    )
    job = hotline.create_import(
        actor=district.olivia, source=source, name="12345.csv", data=buffer.getvalue().encode("gbk")
    )
    hotline.run_import(job)
    complaint = Complaint.objects.get(hotline_ticket="GD-LEAK-1")
    complaint = actions.triage(
        actor=district.olivia, complaint=complaint, category="service", at=at(2, 11)
    )
    return actions.answer(actor=district.alice, complaint=complaint, text="已督促整改", at=at(3))


@pytest.mark.django_db
def test_no_page_api_or_export_of_the_handling_unit_carries_the_identity(district, planted):
    for person in (district.alice, district.amy, district.ahead):
        client = district.client_for(person)
        pages = crawl(client, "/")
        complaint_pages = [url for url in pages if "complaint" in url]
        assert complaint_pages, "the crawl must reach the unit's complaint pages"
        for url, body in pages.items():
            assert not leaks(body), f"{person.username} sees {leaks(body)} on {url}"
        for complaint in planted:
            for url in (
                f"/api/complaints/{complaint.pk}/",
                f"/open311/v2/requests/{complaint.number}.json",
                f"/open311/v2/requests/{complaint.number}.xml",
            ):
                body = client.get(url).content
                assert not leaks(body), f"{person.username} sees {leaks(body)} on {url}"
        for url in ("/api/complaints/", "/open311/v2/requests.json", "/open311/v2/requests.xml"):
            body = client.get(url).content
            assert not leaks(body), f"{person.username} sees {leaks(body)} on {url}"


@pytest.mark.django_db
def test_exports_the_unit_can_download_carry_no_identity(district, planted):
    from openpyxl import load_workbook

    client = district.client_for(district.ahead)
    pages = crawl(client, "/")
    exports = [url for url, body in pages.items() if body[:2] == b"PK"]
    assert exports, "the crawl must reach the complaint export"
    for url in exports:
        workbook = load_workbook(io.BytesIO(pages[url]), read_only=True)
        cells = " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        assert not leaks(cells.encode()), f"{url} carries {leaks(cells.encode())}"


@pytest.mark.django_db
def test_notifications_to_the_unit_carry_no_identity(district, planted):
    texts = " ".join(
        f"{title} {link}"
        for title, link in Notification.objects.filter(unit=district.market).values_list(
            "title", "link"
        )
    )
    assert Notification.objects.filter(unit=district.market).exists()
    assert not leaks(texts.encode())


@pytest.mark.django_db
def test_the_office_can_reveal_it_so_the_markers_are_real(district, planted):
    """A control: the same search finds the markers where they are allowed to be, for a
    complaint from the web form and for one imported from the hotline."""
    for complaint in (planted[0], planted[-1]):
        identity = actions.reveal_identity(
            actor=district.olivia, complaint=complaint, reason="对照测试"
        )
        assert leaks(f"{identity.name} {identity.phone} {identity.id_number}".encode())
