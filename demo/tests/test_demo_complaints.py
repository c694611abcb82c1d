"""The demo's complaints: a year of bulk-loaded complaints from every channel, in every
category and state, with sealed identities and hot spots; live complaints through the
actions; the 12345 export sample and its saved column mapping.

One build of 2,000 historical cases (and so MIN_COMPLAINTS complaints) is shared by the
class and rolled back afterwards, with the clock frozen, as in test_demo_ratings.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
from collections import Counter

import pytest
from django.db.models import Count, F

from complaints.handling.stats import rates_by_unit
from complaints.identity import unseal
from complaints.models import (
    ComplainantIdentity,
    Complaint,
    ComplaintCategory,
    ComplaintCluster,
)
from demo import data
from demo.complaints_history import MIN_COMPLAINTS
from demo.complaints_live import LIVE_COMPLAINTS
from demo.hotline_sample import (
    HOTLINE_COLUMNS,
    HOTLINE_SAMPLE,
    HOTLINE_SOURCE,
    hotline_csv,
    hotline_rows,
)
from demo.tests.conftest import CUTOFF, NOW
from org.models import Unit
from zuofeng.audit.chain import verify_chain
from zuofeng.audit.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.usefixtures("built")
class TestDemoComplaints:
    def test_a_year_of_complaints_and_the_live_ones(self, built: str) -> None:
        live = AuditEvent.objects.filter(action="complaints.file_complaint").count()
        assert live >= len(LIVE_COMPLAINTS)
        assert Complaint.objects.count() == MIN_COMPLAINTS + live
        assert f"举报 {MIN_COMPLAINTS + live} 件" in built
        history = Complaint.objects.filter(received_at__lt=CUTOFF)
        first = history.order_by("received_at").first()
        assert first is not None and first.received_at >= CUTOFF - dt.timedelta(days=366)
        assert not Complaint.objects.filter(received_at__gt=NOW).exists()

    def test_every_state_channel_and_category(self) -> None:
        statuses = set(Complaint.objects.values_list("status", flat=True))
        assert statuses == set(Complaint.Status.values)
        assert set(Complaint.objects.values_list("channel", flat=True)) == set(
            Complaint.Channel.values
        )
        categories = set(Complaint.objects.values_list("category", flat=True))
        assert categories - {None} == set(ComplaintCategory.objects.values_list("pk", flat=True))
        reopened = Complaint.objects.filter(reopen_count=1)
        assert reopened.filter(status=Complaint.Status.CLOSED).exists()
        assert reopened.exclude(status=Complaint.Status.CLOSED).exists()
        callbacks = set(Complaint.objects.values_list("callback", flat=True))
        assert set(Complaint.Callback.values) <= callbacks

    def test_routing_follows_the_rules(self) -> None:
        discipline = Unit.objects.get(code=data.DISCIPLINE.code)
        office = Unit.objects.get(code=data.SUPERVISION.code)
        routed = Complaint.objects.exclude(handling_unit=None)
        integrity = routed.filter(category="integrity")
        assert integrity.exists()
        assert not integrity.exclude(handling_unit=discipline).exists()
        about_heads = routed.filter(subject_is_head=True).exclude(category="integrity")
        assert about_heads.exists()
        assert not about_heads.exclude(handling_unit=office).exists()
        ordinary = routed.filter(subject_is_head=False).exclude(category="integrity")
        assert not ordinary.exclude(handling_unit=F("unit")).exists()
        assert routed.exclude(subject_name="").exists()  # named cadres

    def test_triage_confirms_or_corrects_the_suggestion(self) -> None:
        triaged = Complaint.objects.exclude(category=None)
        corrected = triaged.exclude(category=F("suggested_category")).count()
        assert 0 < corrected < triaged.count() / 2
        assert not Complaint.objects.filter(category_words=[]).exclude(confidence=0).exists()

    def test_hot_spots_are_grouped(self) -> None:
        big = ComplaintCluster.objects.filter(size__gte=3)
        assert big.count() >= 5
        for cluster in big[:10]:
            members = Complaint.objects.filter(cluster=cluster)
            assert members.count() == cluster.size
            assert members.filter(pk=cluster.first_id).exists()
            assert set(members.values_list("unit", flat=True)) == {cluster.unit_id}
        # The current hot spot is in the last weeks, as the office would see it now.
        assert big.filter(last_at__gte=CUTOFF - dt.timedelta(days=10), size__gte=10).exists()

    def test_identities_are_sealed_and_never_on_the_complaint(self) -> None:
        total = Complaint.objects.count()
        identified = ComplainantIdentity.objects.count()
        assert 0.45 <= identified / total <= 0.75
        rows = list(
            Complaint.objects.values_list("text", "subject_name", "place", "answer", "number")
        )
        columns = "\n".join("\n".join(row) for row in rows)
        for sealed in ComplainantIdentity.objects.values_list("sealed", flat=True)[:300]:
            identity = unseal(sealed)
            assert identity.phone.startswith("1380000"), identity.phone
            assert identity.name and identity.name not in sealed
            assert identity.phone not in sealed and identity.phone not in columns
            if identity.id_number:
                assert identity.id_number[:6] == "999999"
                assert identity.id_number not in columns

    def test_numbers_tokens_and_tickets_are_unique(self) -> None:
        for name in ("number", "token", "receipt_hash"):
            assert not Complaint.objects.values(name).annotate(n=Count("pk")).filter(n__gt=1)
        tickets = Complaint.objects.exclude(hotline_ticket=None)
        assert tickets.count() == tickets.filter(channel=Complaint.Channel.HOTLINE).count() > 0

    def test_the_slow_unit_responds_and_answers_worst(self) -> None:
        slow = Unit.objects.get(code=data.SLOW_UNIT)
        late, total = Counter(), Counter()
        for unit_id, responded, due in Complaint.objects.exclude(responded_at=None).values_list(
            "handling_unit", "responded_at", "respond_due_at"
        ):
            key = "slow" if unit_id == slow.pk else "rest"
            total[key] += 1
            late[key] += responded > due
        assert late["slow"] / total["slow"] > 2 * late["rest"] / total["rest"]
        # And the three rates show it, month after month, summed over the year.
        on_time, counted = Counter(), Counter()
        for month in range(12):
            first = dt.date(2024 + (5 + month) // 12, (5 + month) % 12 + 1, 1)
            for unit_id, rates in rates_by_unit(first, now=NOW).items():
                key = "slow" if unit_id == slow.pk else "rest"
                on_time[key] += rates.response_numerator
                counted[key] += rates.response_denominator
        assert on_time["slow"] / counted["slow"] < on_time["rest"] / counted["rest"] - 0.2

    def test_the_audit_chain_verifies(self) -> None:
        assert verify_chain() is None
        assert AuditEvent.objects.filter(action="demo.load_complaints").exists()
        assert AuditEvent.objects.filter(action="complaints.triage").count() >= 10

    def test_the_hotline_source_maps_the_sample_file(self) -> None:
        from complaints.models import HotlineSource

        source = HotlineSource.objects.get(name=HOTLINE_SOURCE)
        headers = next(csv.reader(io.StringIO(HOTLINE_SAMPLE.read_bytes().decode("gbk"))))
        assert set(source.column_map.values()) <= set(headers)


@pytest.mark.django_db  # the working-day calendar's overrides live in the database
def test_the_hotline_sample_is_a_gbk_export_with_two_bad_rows() -> None:
    rows = hotline_rows(1, dt.date(2025, 6, 16), 200)
    raw = hotline_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(raw.decode("gbk"))))
    assert len(parsed) == len(rows) == 201
    tickets = Counter(row[HOTLINE_COLUMNS["ticket"]] for row in parsed)
    assert sum(n - 1 for n in tickets.values()) == 1  # one ticket exported twice
    assert sum(not row[HOTLINE_COLUMNS["text"]] for row in parsed) == 1
    assert all(row[HOTLINE_COLUMNS["unit"]] for row in parsed)
    assert hotline_rows(1, dt.date(2025, 6, 16), 200) == rows  # deterministic
    shipped = HOTLINE_SAMPLE.read_bytes().decode("gbk")
    assert len(list(csv.DictReader(io.StringIO(shipped)))) >= 300


@pytest.mark.skipif(
    importlib.util.find_spec("complaints.intake.hotline") is None, reason="no hotline importer yet"
)
def test_the_hotline_sample_parses_with_the_importer() -> None:
    from complaints.intake import hotline

    table = hotline.read_table(HOTLINE_SAMPLE.read_bytes(), ".csv")
    found = hotline.columns(table, HOTLINE_COLUMNS)
    assert set(found) == set(HOTLINE_COLUMNS)
    assert len(table.rows) >= 300
    assert hotline.guess_mapping(table.headers).keys() >= {"ticket", "received_at", "text"}
