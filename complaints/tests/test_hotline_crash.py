"""A 12345 import that stops half-way keeps its committed batches and says so; running the
same file again completes it with every ticket stored exactly once. Once with an error raised
inside the second batch's transaction (every engine), once with the import process killed by
SIGKILL in the middle of that transaction (every engine: on PostgreSQL the process works in
the test's database, on SQLite in a copy of it)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from complaints.intake import hotline
from complaints.models import ComplainantIdentity, Complaint, ComplaintEvent, HotlineImport
from complaints.tests.test_hotline import csv_bytes, source
from conftest import PASSWORD
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent

ROOT = Path(settings.BASE_DIR)
SOURCE = "12345市民热线"
USER = ("--user", "olivia")


def export(count: int) -> bytes:
    """`count` distinct tickets, a day apart in text so none groups with another."""
    rows = [
        [
            f"GD{n:04d}",
            f"2026-11-{1 + n % 28:02d} {8 + n % 10:02d}:{n % 60:02d}",
            f"第{n}号来电：窗口工作人员办理第{n}件业务时推诿拖延，要求跑{n % 7 + 2}趟",
            "市场监管局",
            "",
            "",
            "柯星澜" if n % 2 else "",
            "13912345678" if n % 2 else "",
            "",
            "电话",
        ]
        for n in range(count)
    ]
    return csv_bytes(rows)


def import_file(district, data: bytes, src) -> HotlineImport:
    job = hotline.create_import(actor=district.olivia, source=src, name="export.csv", data=data)
    return hotline.run_import(job)


def assert_each_ticket_once(count: int) -> None:
    per_ticket = Complaint.objects.values("hotline_ticket").annotate(n=Count("id"))
    assert {row["hotline_ticket"] for row in per_ticket} == {f"GD{n:04d}" for n in range(count)}
    assert {row["n"] for row in per_ticket} == {1}
    assert ComplaintEvent.objects.count() == count
    assert AuditEvent.objects.filter(action="complaints.file_complaint").count() == count
    assert ComplainantIdentity.objects.count() == count // 2
    assert verify_chain() is None


@pytest.mark.django_db
class TestAnErrorHalfWay:
    def test_rerunning_the_file_completes_it_with_each_ticket_once(self, district, monkeypatch):
        src = source()
        insert_rows = hotline.insert_rows
        batches: list[int] = []
        store_batch = hotline._store_batch

        def counting(*args, **kwargs):
            batches.append(len(args[1]))
            return store_batch(*args, **kwargs)

        def breaks_in_the_second_batch(model, rows):
            insert_rows(model, rows)  # the complaints are written, then the batch fails
            if len(batches) == 2:
                raise RuntimeError("disk full")

        monkeypatch.setattr(hotline, "CHUNK", 4)
        monkeypatch.setattr(hotline, "_store_batch", counting)
        monkeypatch.setattr(hotline, "insert_rows", breaks_in_the_second_batch)
        with pytest.raises(RuntimeError):
            import_file(district, export(10), src)
        job = HotlineImport.objects.get()
        assert job.status == HotlineImport.Status.FAILED
        assert (job.processed_rows, job.created_count) == (4, 4)
        assert job.message.startswith("导入因系统错误中断。共 10 行，已处理 4 行：新增 4 件已保存")
        assert "其余 6 行未导入。请重新上传同一文件" in job.message
        # The second batch left nothing: its complaints, steps and audit events rolled back.
        assert Complaint.objects.count() == ComplaintEvent.objects.count() == 4

        monkeypatch.setattr(hotline, "insert_rows", insert_rows)
        again = import_file(district, export(10), src)
        assert again.status == HotlineImport.Status.DONE
        assert (again.created_count, again.duplicate_count, again.error_count) == (6, 4, 0)
        assert again.message == "共 10 行：新增 6 件，已导入过 4 件，错误 0 行。"
        assert_each_ticket_once(10)


@pytest.mark.django_db
class TestAStalledJob:
    def running_job(self, district, progress_at):
        job = hotline.create_import(
            actor=district.olivia, source=source(), name="export.csv", data=export(3)
        )
        HotlineImport.objects.filter(pk=job.pk).update(
            status=HotlineImport.Status.RUNNING,
            total_rows=3,
            processed_rows=2,
            created_count=2,
            progress_at=progress_at,
        )
        return job

    def test_its_page_says_it_was_interrupted_and_stops_polling(self, district, client):
        job = self.running_job(district, timezone.now() - dt.timedelta(minutes=11))
        client.login(username="olivia", password=PASSWORD)
        page = client.get(reverse("complaints:hotline_progress", args=[job.pk])).content
        page = page.decode()
        assert "导入中断：导入进程意外终止" in page and "新增 2 件已保存" in page
        assert "其余 1 行未导入" in page and "hx-get" not in page
        job.refresh_from_db()
        assert job.status == HotlineImport.Status.FAILED and job.finished_at is not None

    def test_a_job_still_making_progress_is_left_running(self, district, client):
        job = self.running_job(district, timezone.now() - dt.timedelta(minutes=2))
        client.login(username="olivia", password=PASSWORD)
        page = client.get(reverse("complaints:hotline_progress", args=[job.pk])).content
        assert "hx-get" in page.decode()
        job.refresh_from_db()
        assert job.status == HotlineImport.Status.RUNNING


# The import process, killed while it is inside its second batch's transaction: the
# complaints of that batch are written, not committed.
KILLED_IMPORT = """
import os, sys, time
import django

django.setup()
from django.core.management import call_command
from complaints.intake import hotline

hotline.CHUNK = int(os.environ["CHUNK"])
insert_rows, store_batch, batches = hotline.insert_rows, hotline._store_batch, []

def counting(*args, **kwargs):
    batches.append(1)
    return store_batch(*args, **kwargs)

def hangs_in_the_second_batch(model, rows):
    insert_rows(model, rows)
    if len(batches) == 2:
        open(os.environ["MARK"], "w").close()
        time.sleep(120)

hotline._store_batch, hotline.insert_rows = counting, hangs_in_the_second_batch
call_command("import_hotline", sys.argv[1], source=os.environ["SOURCE"], user="olivia")
"""


def shared_database(tmp_path: Path) -> tuple[str, Callable[[str], list[tuple]]]:
    """The test's database for another process, and a way to read what that process left.
    PostgreSQL: the test database itself (the test commits). SQLite: the test's in-memory
    database is copied to a file, read back with sqlite3."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

        def query_pg(sql: str) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else []

        return url, query_pg
    database = tmp_path / "copy.sqlite3"
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)

    def query_sqlite(sql: str) -> list[tuple]:
        with sqlite3.connect(database) as db:
            return db.execute(sql).fetchall()

    return f"sqlite:///{database}", query_sqlite


@pytest.mark.django_db(transaction=True)  # committed, so that another process sees it
class TestAKilledImport:
    def test_rerunning_the_file_completes_it_with_each_ticket_once(self, district, tmp_path):
        source()
        url, query = shared_database(tmp_path)
        path = tmp_path / "export.csv"
        path.write_bytes(export(30))
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zuofeng.settings_test",
            "DATABASE_URL": url,
            "ZUOFENG_VAR_DIR": str(tmp_path / "var"),
            "CHUNK": "12",
            "MARK": str(tmp_path / "in-batch-2"),
            "SOURCE": SOURCE,
        }
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", KILLED_IMPORT, str(path)], cwd=ROOT, env=env
        )
        while not (tmp_path / "in-batch-2").exists():
            assert process.poll() is None, "the import ended before its second batch"
            assert time.monotonic() - started < 60
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL

        assert query("SELECT count(*) FROM complaints_complaint") == [(12,)]
        # What the user sees until someone looks after STALLED_AFTER: the job still running
        # with the first batch's counts.
        assert query(
            "SELECT status, total_rows, processed_rows, created_count FROM complaints_hotlineimport"
        ) == [("running", 30, 12, 12)]
        # Ten minutes and more without progress (the clock cannot be moved in another process).
        query("UPDATE complaints_hotlineimport SET progress_at = '2026-01-01 00:00:00+00:00'")

        rerun = subprocess.run(
            [sys.executable, "manage.py", "import_hotline", str(path), "--source", SOURCE, *USER],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert "共 30 行：新增 18 件，已导入过 12 件，错误 0 行。" in rerun.stdout
        per_ticket = query(
            "SELECT hotline_ticket, count(*) FROM complaints_complaint GROUP BY hotline_ticket"
        )
        assert sorted(per_ticket) == [(f"GD{n:04d}", 1) for n in range(30)]
        assert query("SELECT count(*) FROM complaints_complaintevent") == [(30,)]
        [(killed,), (done,)] = query("SELECT message FROM complaints_hotlineimport ORDER BY id")
        assert killed.startswith("导入中断：导入进程意外终止（超过 10 分钟没有进展）。")
        assert "已处理 12 行：新增 12 件已保存" in killed and "其余 18 行未导入" in killed
        assert done == "共 30 行：新增 18 件，已导入过 12 件，错误 0 行。"
        assert time.monotonic() - started < 30
