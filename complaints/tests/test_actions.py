"""The complaint lifecycle: filing, triage and routing, response, answer, callback, reopen,
and the sealed identity."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import actions
from complaints.identity import Identity
from complaints.models import ComplainantIdentity, Complaint, ComplaintEvent
from zuofeng.audit.models import AuditEvent
from zuofeng.duty.models import WarningLevel
from zuofeng.transitions import Conflict

TZ = ZoneInfo("Asia/Shanghai")
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"


def at(day: int, hour: int = 10, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def file(district, text=ATTITUDE, **kwargs):
    kwargs.setdefault("unit", district.market)
    kwargs.setdefault("channel", Complaint.Channel.WEB)
    kwargs.setdefault("at", at(2))
    return actions.file_complaint(actor=kwargs.pop("actor", None), text=text, **kwargs)


@pytest.mark.django_db
class TestFiling:
    def test_a_web_complaint_is_classified_numbered_and_waits_for_triage(self, district):
        complaint, code = file(district)
        assert complaint.number.startswith("JB20261102")
        assert complaint.status == Complaint.Status.TRIAGE
        assert complaint.suggested_category_id == "service"
        assert 0 < complaint.confidence <= 1
        assert complaint.category_words
        assert complaint.handling_unit is None
        assert actions.find_by_receipt(complaint.number, code) == complaint

    def test_the_receipt_code_reads_over_the_phone_and_only_its_hash_is_stored(self, district):
        complaint, code = file(district)
        # Issue 11: 12 characters in groups of four, none of 0/O/1/I/L (was 26 mixing l and 1).
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
        assert complaint.receipt_hash == actions.receipt_hash(code)
        assert len(complaint.receipt_hash) == 64
        stored = str(Complaint.objects.filter(pk=complaint.pk).values().get())
        assert code.replace("-", "") not in stored.replace("-", "")
        # Case, dashes and spaces do not matter when a complainant types it back.
        typed = " ".join(code.lower().replace("-", ""))
        assert actions.find_by_receipt(complaint.number.lower(), typed) == complaint

    def test_codes_differ_and_use_the_whole_alphabet(self, district):
        codes = {actions.new_receipt_code() for _ in range(300)}
        assert len(codes) == 300
        assert set("".join(codes).replace("-", "")) == set(actions.RECEIPT_ALPHABET)

    def test_a_receipt_code_issued_before_the_short_codes_still_works(self, district):
        complaint, _ = file(district)
        old = "mfrg-gzdf-mztw-q2lk-nnwg-23tp-oe"  # the former 26-character base32 form
        legacy = hashlib.sha256(old.replace("-", "").encode()).hexdigest()
        Complaint.objects.filter(pk=complaint.pk).update(receipt_hash=legacy)
        assert actions.find_by_receipt(complaint.number, old) == complaint
        assert actions.find_by_receipt(complaint.number, old.upper().replace("-", " ")) == complaint
        assert actions.find_by_receipt(complaint.number, old[:-1] + "x") is None

    def test_a_wrong_code_and_an_unknown_number_get_the_same_none(self, district):
        complaint, code = file(district)
        # One character changed (a fixed "X" would leave a code starting with "X" intact).
        wrong = ("Y" if code[0] == "X" else "X") + code[1:]
        assert actions.find_by_receipt(complaint.number, wrong) is None
        assert actions.find_by_receipt("JB20990101999999", code) is None

    def test_identity_is_sealed_apart_from_the_complaint(self, district):
        identity = Identity(name="张小明", phone="13800001234", id_number="11010519900101123X")
        complaint, _ = file(district, identity=identity)
        sealed = ComplainantIdentity.objects.get(complaint=complaint).sealed
        assert "张小明" not in sealed and "13800001234" not in sealed
        assert (
            actions.reveal_identity(
                actor=district.olivia, complaint=complaint, reason="核实举报内容需要联系举报人"
            )
            == identity
        )

    def test_an_anonymous_complaint_stores_no_identity(self, district):
        complaint, _ = file(district)
        assert not ComplainantIdentity.objects.filter(complaint=complaint).exists()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "必须填写举报内容"),
            ("   ", "必须填写举报内容"),
            ("太慢了" * 40000, "不能超过"),
            ("<script>alert(1)</script>窗口态度差", "网页代码"),
        ],
    )
    def test_bad_text_is_refused_and_nothing_is_stored(self, district, text, message):
        with pytest.raises(ValidationError, match=message):
            file(district, text=text)
        assert not Complaint.objects.exists()
        assert not AuditEvent.objects.filter(action="complaints.file_complaint").exists()

    def test_bad_identity_is_refused(self, district):
        with pytest.raises(ValidationError, match="身份证号"):
            file(district, identity=Identity(id_number="123"))
        with pytest.raises(ValidationError, match="联系电话"):
            file(district, identity=Identity(phone="call me"))
        assert not Complaint.objects.exists()

    def test_letters_and_visits_are_entered_by_the_office(self, district):
        with pytest.raises(PermissionDenied):
            file(district, channel=Complaint.Channel.LETTER, actor=district.alice)
        complaint, _ = file(district, channel=Complaint.Channel.LETTER, actor=district.olivia)
        assert complaint.get_channel_display() == "来信"

    def test_an_archived_unit_cannot_be_complained_about(self, district):
        district.town.archived = True
        district.town.save()
        with pytest.raises(ValidationError, match="已撤销"):
            file(district, unit=district.town)

    def test_public_filings_are_audited_without_an_actor(self, district):
        district.ruth.refresh_from_db()
        complaint, _ = file(district, actor=district.ruth)
        event = AuditEvent.objects.get(action="complaints.file_complaint")
        assert event.actor_id is None and "ruth" not in str(event.__dict__)
        # The applicant still finds it among their own complaints.
        assert ComplainantIdentity.objects.get(complaint=complaint).user == district.ruth


@pytest.mark.django_db
class TestRouting:
    def triage(self, district, complaint, category, **kwargs):
        return actions.triage(
            actor=district.olivia, complaint=complaint, category=category, at=at(2, 14), **kwargs
        )

    def test_by_default_the_unit_complained_about_answers(self, district):
        complaint, _ = file(district)
        complaint = self.triage(district, complaint, "service")
        assert complaint.handling_unit == district.market
        assert complaint.status == Complaint.Status.ROUTED

    def test_integrity_goes_to_discipline_inspection(self, district):
        complaint, _ = file(district, text="办证时工作人员暗示要给好处费才给办")
        complaint = self.triage(district, complaint, "integrity")
        assert complaint.handling_unit == district.discipline

    def test_a_complaint_about_the_head_goes_to_the_office(self, district):
        complaint, _ = file(district, subject_name="安海")
        assert complaint.subject_is_head  # recognised by name
        complaint = self.triage(district, complaint, "service")
        assert complaint.handling_unit == district.office

    def test_the_office_head_as_subject_goes_to_discipline(self, district):
        from org.actions import set_unit_head

        set_unit_head(actor=None, unit=district.office, head=district.olivia)
        district.office.refresh_from_db()
        complaint, _ = file(district, unit=district.office, subject_name="欧丽")
        complaint = self.triage(district, complaint, "service")
        assert complaint.handling_unit == district.discipline

    def test_triage_needs_a_unit_when_the_channel_gave_none(self, district):
        complaint, _ = file(district, unit=None)
        with pytest.raises(ValidationError, match="被举报单位"):
            self.triage(district, complaint, "service")
        complaint = self.triage(district, complaint, "service", unit=district.hr)
        assert complaint.handling_unit == district.hr

    def test_only_the_office_triages(self, district):
        complaint, _ = file(district)
        with pytest.raises(PermissionDenied):
            actions.triage(actor=district.alice, complaint=complaint, category="service")

    def test_a_unit_never_sees_a_complaint_routed_elsewhere_about_itself(self, district):
        complaint, _ = file(district, text="窗口人员收了红包才给加快办理")
        self.triage(district, complaint, "integrity")
        assert not Complaint.objects.visible_to(district.alice).exists()
        assert Complaint.objects.visible_to(district.dora).get() == complaint
        assert Complaint.objects.visible_to(district.olivia).get() == complaint

    def test_nothing_is_visible_to_the_unit_before_triage(self, district):
        file(district)
        assert not Complaint.objects.visible_to(district.alice).exists()


@pytest.mark.django_db
class TestLifecycle:
    def routed(self, district, **kwargs):
        complaint, code = file(district, **kwargs)
        complaint = actions.triage(
            actor=district.olivia, complaint=complaint, category="service", at=at(2, 14)
        )
        return complaint, code

    def test_respond_within_a_working_day_then_resolve_by_the_category_limit(self, district):
        complaint, _ = self.routed(district)  # Monday 2 November 2026
        assert complaint.respond_due_at.astimezone(TZ).date() == dt.date(2026, 11, 3)
        # service: 5 working days from triage
        assert complaint.resolve_due_at.astimezone(TZ).date() == dt.date(2026, 11, 9)
        complaint = actions.respond(
            actor=district.alice, complaint=complaint, note="已联系窗口核实", at=at(3)
        )
        assert complaint.status == Complaint.Status.HANDLING
        assert complaint.due_at == complaint.resolve_due_at
        complaint = actions.answer(
            actor=district.alice, complaint=complaint, text="已批评教育当事人", at=at(5)
        )
        assert complaint.status == Complaint.Status.ANSWERED
        assert complaint.clock_stopped_at == at(5)

    def test_the_clock_counts_working_days_across_national_day(self, district):
        complaint, _ = file(district, at=dt.datetime(2026, 9, 30, 10, tzinfo=TZ))
        complaint = actions.triage(
            actor=district.olivia,
            complaint=complaint,
            category="service",
            at=dt.datetime(2026, 9, 30, 11, tzinfo=TZ),
        )
        # 1 October–7 October is the holiday; 8 October the first working day after it.
        assert complaint.respond_due_at.astimezone(TZ).date() == dt.date(2026, 10, 8)

    def test_only_the_handling_unit_responds_and_answers(self, district):
        complaint, _ = self.routed(district)
        with pytest.raises(PermissionDenied):
            actions.respond(actor=district.bob, complaint=complaint, note="看看")
        with pytest.raises(PermissionDenied):
            actions.answer(actor=district.bob, complaint=complaint, text="处理了")

    def test_satisfied_callback_closes_it(self, district):
        complaint, _ = self.routed(district)
        actions.answer(actor=district.alice, complaint=complaint, text="已整改", at=at(4))
        complaint = actions.record_callback(
            actor=None, complaint=complaint, result="satisfied", by_complainant=True, at=at(5)
        )
        assert complaint.status == Complaint.Status.CLOSED
        assert complaint.callback == "satisfied"

    def test_a_dissatisfied_complainant_reopens_once(self, district):
        complaint, _ = self.routed(district)
        actions.answer(actor=district.alice, complaint=complaint, text="已整改", at=at(4))
        complaint = actions.record_callback(
            actor=None, complaint=complaint, result="dissatisfied", by_complainant=True, at=at(5)
        )
        assert complaint.can_reopen
        complaint = actions.reopen(complaint=complaint, reason="根本没有人联系我", at=at(6))
        assert complaint.status == Complaint.Status.HANDLING
        assert complaint.due_at.astimezone(TZ).date() == dt.date(2026, 11, 13)
        assert complaint.first_answered_at == at(4)
        actions.answer(actor=district.alice, complaint=complaint, text="已上门道歉", at=at(9))
        complaint = actions.record_callback(
            actor=None, complaint=complaint, result="dissatisfied", by_complainant=True, at=at(10)
        )
        # The second time, dissatisfied is final.
        assert complaint.status == Complaint.Status.CLOSED
        with pytest.raises(Conflict):
            actions.reopen(complaint=complaint, reason="还是不满意")

    def test_out_of_order_steps_are_refused(self, district):
        complaint, _ = file(district)
        with pytest.raises(PermissionDenied):
            actions.answer(actor=district.alice, complaint=complaint, text="好")
        complaint, _ = self.routed(district)
        with pytest.raises(Conflict, match="不能登记回访结果"):
            actions.record_callback(actor=district.olivia, complaint=complaint, result="satisfied")

    def test_the_sweep_escalates_an_unanswered_complaint(self, district):
        from zuofeng.duty.sweep import sweep

        complaint, _ = self.routed(district)
        sweep(now=at(20))
        complaint.refresh_from_db()
        assert complaint.warning_level == WarningLevel.RED
        assert complaint.escalation_level >= 1

    def test_every_step_is_audited_and_on_the_timeline(self, district):
        complaint, _ = self.routed(district)
        actions.respond(actor=district.alice, complaint=complaint, note="收到", at=at(3))
        actions.answer(actor=district.alice, complaint=complaint, text="已处理", at=at(4))
        actions.record_callback(
            actor=district.olivia, complaint=complaint, result="basic", at=at(5)
        )
        kinds = list(complaint.events.values_list("kind", flat=True))
        assert kinds == ["filed", "triaged", "responded", "answered", "callback"]
        actions_logged = set(
            AuditEvent.objects.filter(object_id=str(complaint.pk)).values_list("action", flat=True)
        )
        assert {
            "complaints.file_complaint",
            "complaints.triage",
            "complaints.respond",
            "complaints.answer",
            "complaints.record_callback",
        } <= actions_logged


@pytest.mark.django_db
class TestReveal:
    def test_the_handling_unit_may_not_reveal(self, district):
        complaint, _ = file(district, identity=Identity(name="张小明"))
        with pytest.raises(PermissionDenied):
            actions.reveal_identity(actor=district.alice, complaint=complaint, reason="想知道")
        with pytest.raises(PermissionDenied):
            actions.reveal_identity(actor=district.ahead, complaint=complaint, reason="想知道")

    def test_discipline_reveals_integrity_complaints_only(self, district):
        complaint, _ = file(district, identity=Identity(name="张小明"))
        with pytest.raises(PermissionDenied):
            actions.reveal_identity(actor=district.dora, complaint=complaint, reason="核查")
        actions.triage(actor=district.olivia, complaint=complaint, category="integrity")
        complaint.refresh_from_db()
        revealed = actions.reveal_identity(actor=district.dora, complaint=complaint, reason="核查")
        assert revealed == Identity(name="张小明")

    def test_a_reveal_needs_a_reason_and_is_audited_without_the_identity(self, district):
        complaint, _ = file(district, identity=Identity(name="张小明", phone="13800001234"))
        with pytest.raises(ValidationError):
            actions.reveal_identity(actor=district.olivia, complaint=complaint, reason=" ")
        actions.reveal_identity(actor=district.olivia, complaint=complaint, reason="需要回访")
        event = AuditEvent.objects.get(action="complaints.reveal_identity")
        assert event.reason == "需要回访" and event.actor_id == district.olivia.pk
        assert "张小明" not in str(event.after) and "13800001234" not in str(event.after)
        assert complaint.events.filter(kind=ComplaintEvent.Kind.REVEALED).count() == 1


@pytest.mark.django_db
class TestNearDuplicates:
    def test_the_same_problem_from_several_people_forms_one_group(self, district):
        texts = [
            "青石镇幸福路和建设路交叉口的红绿灯坏了三天了，没人来修，太危险了",
            "幸福路建设路交叉口红绿灯坏了好几天了，一直没人修，很危险",
            "幸福路和建设路交叉口的紅綠燈壞了三天了，沒人來修，太危險了",
        ]
        complaints = [file(district, text=t, unit=district.town)[0] for t in texts]
        other, _ = file(district, text="镇政府大厅中午没有人值班，等了两个小时", unit=district.town)
        rows = Complaint.objects.filter(pk__in=[c.pk for c in complaints])
        clusters = {c.cluster_id for c in rows}
        assert len(clusters) == 1 and None not in clusters
        cluster = complaints[0].__class__.objects.get(pk=complaints[0].pk).cluster
        assert cluster.size == 3
        other.refresh_from_db()
        assert other.cluster_id is None

    def test_the_same_text_about_another_unit_is_another_problem(self, district):
        text = "窗口工作人员态度很差，问了三遍都不耐烦"
        first, _ = file(district, text=text, unit=district.market)
        second, _ = file(district, text=text, unit=district.hr)
        first.refresh_from_db()
        assert first.cluster_id is None and second.cluster_id is None

    def test_complaints_without_a_unit_group_among_themselves_only(self, district):
        text = "窗口工作人员态度很差，问了三遍都不耐烦"
        about_market, _ = file(district, text=text, unit=district.market)
        first, _ = file(district, text=text, unit=None)
        second, _ = file(district, text=text, unit=None)
        first.refresh_from_db()
        about_market.refresh_from_db()
        assert first.cluster_id is not None and second.cluster_id == first.cluster_id
        assert about_market.cluster_id is None
        # The index for a unit-less filing reads the unit-less complaints alone, in SQL
        # (not every complaint of the window, sorted out afterwards).
        with CaptureQueriesContext(connection) as queries:
            index = actions.recent_index([None], at(1))
        assert [m.complaint_id for m in index._members] == [first.pk, second.pk]
        assert "IS NULL" in queries[-1]["sql"]
