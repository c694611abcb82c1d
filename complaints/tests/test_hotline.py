"""12345 hotline import: the same complaints from GBK, UTF-8 and Excel exports, no duplicates
on re-import, bad rows by number, refused files store nothing, identities sealed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import Workbook

from complaints import actions
from complaints.identity import Identity, unseal
from complaints.intake import hotline
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintEvent,
    HotlineImport,
    HotlineSource,
)
from conftest import PASSWORD
from org.models import Unit
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent

TZ = ZoneInfo("Asia/Shanghai")
HEADERS = [
    "工单号",
    "来电时间",
    "反映内容",
    "涉及单位",
    "被反映人",
    "地址",
    "市民姓名",
    "联系电话",
    "证件号码",
    "渠道",
]
MAPPING = {
    "ticket": "工单号",
    "received_at": "来电时间",
    "text": "反映内容",
    "unit": "涉及单位",
    "subject_name": "被反映人",
    "place": "地址",
    "caller_name": "市民姓名",
    "caller_phone": "联系电话",
    "caller_id_number": "证件号码",
    "channel_detail": "渠道",
}
MARK_NAME, MARK_PHONE, MARK_ID = "柯星澜", "13912345678", "99999919800101777X"
ROWS = [
    [
        "GD001",
        "2026-11-02 09:15:00",
        "市场监管局窗口态度很差，问三遍都不耐烦",
        "市场监管局",
        "",
        "政务大厅",
        MARK_NAME,
        MARK_PHONE,
        MARK_ID,
        "电话",
    ],
    [
        "GD002",
        "2026/11/2 10:30",
        "营业执照跑了五趟还没办下来",
        "区市场监督管理局",
        "",
        "",
        "",
        "",
        "",
        "微信",
    ],
    [
        "GD003",
        "2026年11月3日 14时05分",
        "路灯坏了一个月没人修",
        "不存在的单位",
        "",
        "青石路",
        "",
        "",
        "",
        "",
    ],
]


@pytest.fixture(autouse=True)
def short_name(db, request):
    if "district" in request.fixturenames:
        district = request.getfixturevalue("district")
        Unit.objects.filter(pk=district.market.pk).update(short_name="市场监管局")


def source(name="12345市民热线") -> HotlineSource:
    return HotlineSource.objects.create(name=name, column_map=MAPPING)


def csv_bytes(rows, encoding="gbk", headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(district, data: bytes, name="export.csv", src=None) -> HotlineImport:
    job = hotline.create_import(actor=district.olivia, source=src or source(), name=name, data=data)
    return hotline.run_import(job)


def stored(complaint: Complaint) -> tuple:
    return (
        complaint.channel,
        complaint.text,
        complaint.place,
        complaint.unit_id,
        complaint.received_at,
        complaint.suggested_category_id,
        complaint.status,
    )


@pytest.mark.django_db
class TestFormats:
    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("export.csv", csv_bytes(ROWS, "gbk")),
            ("export.csv", csv_bytes(ROWS, "gb18030")),
            ("export.csv", csv_bytes(ROWS, "utf-8-sig")),
            ("export.csv", csv_bytes(ROWS, "utf-8")),
            ("export.xlsx", xlsx_bytes(ROWS)),
        ],
    )
    def test_gbk_utf8_bom_and_excel_exports_import_the_same(self, district, name, data):
        job = run(district, data, name)
        assert job.status == HotlineImport.Status.DONE, job.message
        assert job.errors == []
        assert (job.created_count, job.duplicate_count, job.error_count) == (3, 0, 0)
        assert job.processed_rows == job.total_rows == 3
        by_ticket = {c.hotline_ticket: c for c in Complaint.objects.all()}
        first = by_ticket["GD001"]
        assert first.text == ROWS[0][2]
        assert first.unit == district.market  # by short name
        assert by_ticket["GD002"].unit == district.market  # by full name
        assert by_ticket["GD003"].unit is None  # unknown unit: left for triage
        assert first.received_at == dt.datetime(2026, 11, 2, 9, 15, tzinfo=TZ)
        assert by_ticket["GD003"].received_at == dt.datetime(2026, 11, 3, 14, 5, tzinfo=TZ)
        assert all(c.channel == Complaint.Channel.HOTLINE for c in by_ticket.values())
        assert all(c.status == Complaint.Status.TRIAGE for c in by_ticket.values())


@pytest.mark.django_db
class TestSameAsFiled:
    def test_an_imported_complaint_is_stored_exactly_like_one_filed_by_hand(self, district):
        when = dt.datetime(2026, 11, 2, 9, 15, tzinfo=TZ)
        identity = Identity(name=MARK_NAME, phone=MARK_PHONE, id_number=MARK_ID)
        filed, _ = actions.file_complaint(
            actor=district.olivia,
            channel=Complaint.Channel.HOTLINE,
            text=ROWS[0][2],
            unit=district.market,
            place="政务大厅",
            identity=identity,
            at=when,
        )
        run(district, csv_bytes(ROWS[:1]))
        imported = Complaint.objects.get(hotline_ticket="GD001")
        skip = {"id", "number", "receipt_hash", "token", "hotline_ticket", "cluster"}
        for field in Complaint._meta.concrete_fields:
            if field.name not in skip:
                assert getattr(imported, field.attname) == getattr(filed, field.attname), field.name
        assert imported.number == f"JB20261102{imported.pk:06d}"
        assert len(imported.receipt_hash) == 64 and imported.receipt_hash != filed.receipt_hash
        assert len(imported.token) == 32
        # The same near-duplicate group: the import joined the hand-filed complaint's.
        filed.refresh_from_db()
        assert imported.cluster_id is not None and imported.cluster_id == filed.cluster_id
        for complaint in (filed, imported):
            event = ComplaintEvent.objects.get(complaint=complaint)
            assert event.kind == ComplaintEvent.Kind.FILED and event.actor == district.olivia
            assert event.public_note == "已收到您的举报（12345热线），正在甄别分办。"
            sealed = ComplainantIdentity.objects.get(complaint=complaint).sealed
            assert unseal(sealed) == identity
        audits = AuditEvent.objects.filter(action="complaints.file_complaint")
        filed_audit = audits.get(object_id=str(filed.pk))
        imported_audit = audits.get(object_id=str(imported.pk))
        assert imported_audit.after == filed_audit.after
        assert imported_audit.actor == filed_audit.actor == district.olivia
        assert imported_audit.object_label == imported.number
        assert verify_chain() is None


@pytest.mark.django_db
class TestReimport:
    def test_the_same_file_twice_creates_no_duplicates(self, district):
        src = source()
        first = run(district, csv_bytes(ROWS), src=src)
        second = run(district, csv_bytes(ROWS), src=src)
        assert first.created_count == 3
        assert (second.created_count, second.duplicate_count) == (0, 3)
        assert Complaint.objects.count() == 3
        assert ComplaintEvent.objects.count() == 3
        assert AuditEvent.objects.filter(action="complaints.file_complaint").count() == 3

    def test_an_overlapping_export_adds_only_the_new_tickets(self, district):
        src = source()
        run(district, csv_bytes(ROWS[:2]), src=src)
        newer = [
            *ROWS[1:],
            ["GD004", "2026-11-04 08:00", "社保窗口一问三不知", "", "", "", "", "", "", ""],
        ]
        job = run(district, xlsx_bytes(newer), "newer.xlsx", src=src)
        assert (job.created_count, job.duplicate_count) == (2, 1)
        assert sorted(Complaint.objects.values_list("hotline_ticket", flat=True)) == [
            "GD001",
            "GD002",
            "GD003",
            "GD004",
        ]

    def test_a_batch_retried_after_a_concurrent_import_keeps_later_batches_grouping(
        self, district, monkeypatch
    ):
        # The index rebuilt for the retry must still cover the later batches' units.
        filed, _ = actions.file_complaint(
            actor=district.olivia,
            channel=Complaint.Channel.HOTLINE,
            text=ROWS[0][2],
            unit=district.market,
            at=dt.datetime(2026, 11, 1, 9, tzinfo=TZ),
        )
        rows = [
            ["GD101", "2026-11-02 08:00", "社保窗口一问三不知", district.hr.name, *[""] * 6],
            ["GD102", "2026-11-02 09:15", ROWS[0][2], "市场监管局", *[""] * 6],
        ]
        store_batch = hotline._store_batch
        calls = []

        def first_batch_collides(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise IntegrityError("another import stored a ticket meanwhile")
            return store_batch(*args, **kwargs)

        monkeypatch.setattr(hotline, "CHUNK", 1)
        monkeypatch.setattr(hotline, "_store_batch", first_batch_collides)
        job = run(district, csv_bytes(rows))
        assert (job.created_count, len(calls)) == (2, 3)
        filed.refresh_from_db()
        imported = Complaint.objects.get(hotline_ticket="GD102")
        assert filed.cluster_id is not None and imported.cluster_id == filed.cluster_id


@pytest.mark.django_db
class TestBadRows:
    def test_bad_rows_are_reported_by_row_number_and_the_good_ones_imported(self, district):
        rows = [
            ROWS[0],
            ["", "2026-11-02 09:00", "没有工单号", "", "", "", "", "", "", ""],  # row 3
            ["GD010", "", "没有时间", "", "", "", "", "", "", ""],  # row 4
            ["GD011", "上周二", "时间看不懂", "", "", "", "", "", "", ""],  # row 5
            ["GD012", "2026-11-02 09:00", "", "", "", "", "", "", "", ""],  # row 6
            ["GD013", "2026-11-02 09:00", "慢" * 3000, "", "", "", "", "", "", ""],  # row 7
            ["GD014", "2026-11-02 09:00", "<script>alert(1)</script>", "", "", "", "", "", "", ""],
            [
                "GD001",
                "2026-11-02 09:00",
                "同一工单又出现一次",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],  # row 9
            ["GD015", "2026-11-02 09:00", "电话号码不对", "", "", "", "", "12", "", ""],  # row 10
            ROWS[1],  # row 11
        ]
        job = run(district, csv_bytes(rows))
        assert job.status == HotlineImport.Status.DONE
        assert (job.total_rows, job.created_count, job.error_count) == (10, 2, 8)
        assert job.processed_rows == job.total_rows
        messages = {e["row"]: e["message"] for e in job.errors}
        assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9, 10]
        assert "工单编号" in messages[3]
        assert "受理时间" in messages[4] and "无法识别" in messages[5]
        assert "诉求内容" in messages[6] or "举报内容" in messages[6]
        assert "不能超过" in messages[7]
        assert "网页代码" in messages[8]
        assert messages[9] == "工单编号 GD001 与第 2 行重复"
        assert "联系电话" in messages[10]
        assert set(Complaint.objects.values_list("hotline_ticket", flat=True)) == {"GD001", "GD002"}


@pytest.mark.django_db
class TestRefusedFiles:
    def assert_nothing_stored(self):
        assert not Complaint.objects.exists()
        assert not ComplaintEvent.objects.exists()
        assert not AuditEvent.objects.filter(action="complaints.file_complaint").exists()
        assert not HotlineImport.objects.exists()

    def test_a_file_in_an_unreadable_encoding_is_refused_as_a_whole(self, district):
        with pytest.raises(hotline.HotlineRefused, match="无法识别文件编码"):
            run(district, csv_bytes(ROWS, "utf-16"))
        self.assert_nothing_stored()

    def test_a_file_without_a_mapped_column_is_refused_as_a_whole(self, district):
        headers = [h if h != "反映内容" else "内容摘要" for h in HEADERS]
        with pytest.raises(hotline.HotlineRefused, match="文件缺少以下列：“反映内容”（诉求内容）"):
            run(district, csv_bytes(ROWS, headers=headers))
        self.assert_nothing_stored()

    def test_a_file_that_is_not_excel_is_refused(self, district):
        with pytest.raises(hotline.HotlineRefused, match="无法打开 Excel"):
            run(district, b"not a workbook", "export.xlsx")
        self.assert_nothing_stored()

    def test_only_the_office_imports(self, district):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            hotline.create_import(
                actor=district.alice, source=source(), name="x.csv", data=csv_bytes(ROWS)
            )


@pytest.mark.django_db
class TestIdentity:
    def test_the_callers_identity_is_sealed_and_absent_from_the_complaint(self, district):
        run(district, csv_bytes(ROWS))
        complaint = Complaint.objects.get(hotline_ticket="GD001")
        identity = actions.reveal_identity(
            actor=district.olivia, complaint=complaint, reason="核实情况需要回电"
        )
        assert identity == Identity(name=MARK_NAME, phone=MARK_PHONE, id_number=MARK_ID)
        sealed = ComplainantIdentity.objects.get(complaint=complaint).sealed
        for marker in (MARK_NAME, MARK_PHONE, MARK_ID):
            assert marker not in sealed
            for row in Complaint.objects.values():
                assert marker not in str(row)
            for row in ComplaintEvent.objects.values():
                assert marker not in str(row)
            for row in AuditEvent.objects.values():
                assert marker not in str(row)

    def test_rows_without_caller_data_store_no_identity(self, district):
        run(district, csv_bytes(ROWS))
        assert ComplainantIdentity.objects.count() == 1


@pytest.mark.django_db
class TestCommand:
    def test_the_command_imports_in_the_foreground(self, district, tmp_path, capsys):
        source()
        path = tmp_path / "export.csv"
        path.write_bytes(csv_bytes(ROWS))
        call_command("import_hotline", str(path), source="12345市民热线", user="olivia")
        out = capsys.readouterr().out
        assert "已处理 3/3 行" in out and "新增 3 件" in out
        assert Complaint.objects.count() == 3

    def test_the_command_refuses_a_wrong_file_with_the_reason(self, district, tmp_path):
        source()
        path = tmp_path / "export.csv"
        path.write_bytes(csv_bytes(ROWS, "utf-16"))
        with pytest.raises(CommandError, match="无法识别文件编码"):
            call_command("import_hotline", str(path), source="12345市民热线", user="olivia")


@pytest.mark.django_db
class TestTask:
    def test_a_task_delivered_twice_imports_once(self, district):
        from complaints.intake.tasks import import_hotline_file

        job = hotline.create_import(
            actor=district.olivia, source=source(), name="export.csv", data=csv_bytes(ROWS)
        )
        import_hotline_file.call(job.pk)
        import_hotline_file.call(job.pk)
        job.refresh_from_db()
        assert job.status == HotlineImport.Status.DONE
        assert (job.created_count, job.duplicate_count) == (3, 0)
        assert Complaint.objects.count() == 3

    def test_a_job_claimed_by_another_worker_is_left_to_it(self, district):
        from complaints.intake.tasks import import_hotline_file

        job = hotline.create_import(
            actor=district.olivia, source=source(), name="export.csv", data=csv_bytes(ROWS)
        )
        HotlineImport.objects.filter(pk=job.pk).update(status=HotlineImport.Status.RUNNING)
        import_hotline_file.call(job.pk)
        assert not Complaint.objects.exists()


@pytest.mark.django_db
class TestPages:
    def test_upload_runs_in_the_background_and_shows_progress_and_bad_rows(
        self, district, client, django_capture_on_commit_callbacks
    ):
        src = source()
        client.login(username="olivia", password=PASSWORD)
        rows = [*ROWS, ["GD009", "明天", "时间不对", "", "", "", "", "", "", ""]]
        upload = SimpleUploadedFile("export.csv", csv_bytes(rows), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("complaints:hotline_upload"), {"source": src.pk, "file": upload}
            )
        job = HotlineImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("complaints:hotline_import", args=[job.pk])
        assert job.status == HotlineImport.Status.DONE
        page = client.get(response["Location"]).content.decode()
        assert "新增 3 件" in page and "第 5 行" in page
        progress = client.get(reverse("complaints:hotline_progress", args=[job.pk]))
        assert 'value="4"' in progress.content.decode()

    def test_a_refused_file_is_answered_on_the_upload_page(self, district, client):
        src = source()
        client.login(username="olivia", password=PASSWORD)
        upload = SimpleUploadedFile("export.csv", csv_bytes(ROWS, "utf-16"))
        response = client.post(
            reverse("complaints:hotline_upload"), {"source": src.pk, "file": upload}
        )
        assert response.status_code == 200
        assert "无法识别文件编码" in response.content.decode()
        assert not HotlineImport.objects.exists()

    def test_the_mapping_page_previews_a_file_and_saves_the_mapping(self, district, client):
        client.login(username="olivia", password=PASSWORD)
        upload = SimpleUploadedFile("export.csv", csv_bytes(ROWS))
        response = client.post(
            reverse("complaints:hotline_source_new"),
            {"name": "青石镇热线", "preview": "1", "sample": upload},
        )
        page = response.content.decode()
        assert "GD001" in page and "来电时间" in page
        assert MARK_PHONE not in page  # the preview masks callers' data
        data = {"name": "青石镇热线", **MAPPING}
        response = client.post(reverse("complaints:hotline_source_new"), data)
        assert response.status_code == 302
        assert HotlineSource.objects.get(name="青石镇热线").column_map == MAPPING

    def test_unit_staff_cannot_reach_the_hotline_pages(self, district, client):
        client.login(username="alice", password=PASSWORD)
        assert client.get(reverse("complaints:hotline_upload")).status_code == 404
