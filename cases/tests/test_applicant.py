"""Applicants: register, apply online for an online matter, follow their own cases, and answer
a one-time notice (一次性告知) by uploading what it lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases.models import Case, CaseEvent
from catalog import actions as catalog_actions
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import PASSWORD, District
from org.actions import add_person
from org.roles import Role
from tests.files import real_pdf, real_png

pytestmark = pytest.mark.django_db

PDF = real_pdf()  # uploads are checked by parsing them
PNG = real_png()
RESIDENT_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def with_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (
        first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    )


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(
        district.market,
        name="个体工商户设立登记",
        online=True,
        materials=[
            {"name": "经营者身份证明", "originals": 1, "copies": 1},
            {"name": "经营场所证明", "originals": 1, "copies": 0},
        ],
    )


@pytest.fixture
def ruth_client(district: District) -> Client:
    return district.client_for(district.ruth)


@pytest.fixture
def rose(district: District) -> User:
    return add_person(
        actor=None, username="rose", full_name="罗丝", roles=[Role.APPLICANT], password=PASSWORD
    )


def application(matter: Matter, **overrides: Any) -> dict[str, Any]:
    """A valid application: a PDF and a PNG for the matter's first two materials."""
    data: dict[str, Any] = {
        "applicant_kind": Case.ApplicantKind.RESIDENT,
        "applicant_name": "路思",
        "applicant_phone": "13800001111",
        "applicant_id_number": RESIDENT_ID,
    }
    uploads = [pdf("身份证.pdf"), png("租赁合同.png")]
    for material, upload in zip(matter.materials.all(), uploads, strict=False):
        data[f"material_{material.pk}"] = upload
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(user: User, matter: Matter, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "applicant_name": user.first_name,
        "applicant_phone": "13800001111",
        "applicant_id_number": RESIDENT_ID,
    }
    values.update(fields)
    return actions.submit_case(
        actor=user, matter=matter, channel=Case.Channel.ONLINE, applicant_user=user, **values
    )


# --- registration -------------------------------------------------------------------------


def registration(**overrides: str) -> dict[str, str]:
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "13912345678",
        "password1": "qingshi-river-2025",
        "password2": "qingshi-river-2025",
    }
    data.update(overrides)
    return data


def test_a_resident_registers_and_lands_logged_in_on_their_empty_case_list(
    district: District,
) -> None:
    client = Client()
    response = client.post("/accounts/register/", registration(), follow=True)

    user = User.objects.get(username="zhangsan")
    assert response.redirect_chain[-1][0] == "/my/cases/"
    assert response.wsgi_request.user == user
    assert user.first_name == "张三"
    assert set(user.groups.values_list("name", flat=True)) == {Role.APPLICANT.value}
    assert user.check_password("qingshi-river-2025")
    assert "您还没有办件" in text(response)


@pytest.mark.parametrize("phone", ["1391234567", "23912345678", "139-1234-5678", "abc"])
def test_registration_refuses_a_phone_that_is_not_a_mainland_mobile(
    district: District, phone: str
) -> None:
    response = Client().post("/accounts/register/", registration(phone=phone))

    assert "请填写 11 位中国大陆手机号码" in text(response)
    assert not User.objects.filter(username="zhangsan").exists()


def test_registration_refuses_two_different_passwords(district: District) -> None:
    response = Client().post("/accounts/register/", registration(password2="something-else-9"))

    assert "两次输入的密码不一致" in text(response)
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "这个密码太常见"),
        ("8831907245", "密码不能全是数字"),
        ("a1b2", "密码太短，至少需要 8 个字符"),
        ("zhangsan1", "密码与用户名太相似"),
    ],
)
def test_registration_explains_a_weak_password_in_chinese(
    district: District, password: str, message: str
) -> None:
    response = Client().post(
        "/accounts/register/", registration(password1=password, password2=password)
    )

    assert message in text(response)
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize("username", ["ruth", "RUTH"])
def test_registration_refuses_a_taken_username(district: District, username: str) -> None:
    response = Client().post("/accounts/register/", registration(username=username))

    assert "该用户名已被注册" in text(response)
    assert User.objects.filter(username__iexact="ruth").count() == 1


def test_a_logged_in_applicant_opening_registration_goes_to_their_cases(
    ruth_client: Client,
) -> None:
    response = ruth_client.get("/accounts/register/")

    assert response.status_code == 302
    assert response["Location"] == "/my/cases/"


# --- applying online ----------------------------------------------------------------------


def test_applying_online_needs_a_login(matter: Matter) -> None:
    response = Client().get(f"/apply/{matter.code}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_application_form_has_one_file_input_per_material(
    ruth_client: Client, matter: Matter
) -> None:
    html = text(ruth_client.get(f"/apply/{matter.code}/"))

    assert "经营者身份证明" in html and "经营场所证明" in html
    assert html.count('type="file"') == 2
    assert 'enctype="multipart/form-data"' in html
    assert 'value="路思"' in html  # the account's name, ready to keep or change


def test_an_applicant_applies_online_and_gets_the_number_and_the_query_code(
    district: District, ruth_client: Client, matter: Matter, media_root: Path
) -> None:
    response = ruth_client.post(f"/apply/{matter.code}/", application(matter), follow=True)

    case = Case.objects.get()
    html = text(response)
    assert response.status_code == 200
    assert case.number in html
    assert case.query_code in html
    assert "请妥善保存办件编号和查询码" in html
    assert case.channel == Case.Channel.ONLINE
    assert case.applicant_user == district.ruth
    assert case.unit == district.market
    assert case.status == Case.Status.SUBMITTED
    assert (case.applicant_name, case.applicant_phone, case.applicant_id_number) == (
        "路思",
        "13800001111",
        RESIDENT_ID,
    )
    assert sorted(case.attachments.values_list("material_name", "original_name")) == [
        ("经营场所证明", "租赁合同.png"),
        ("经营者身份证明", "身份证.pdf"),
    ]
    files = stored_files(media_root)
    assert len(files) == 2
    assert all(path.resolve().is_relative_to(media_root.resolve()) for path in files)
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.SUBMITTED]


def test_an_enterprise_applies_with_its_unified_social_credit_code(
    ruth_client: Client, matter: Matter
) -> None:
    response = ruth_client.post(
        f"/apply/{matter.code}/",
        application(
            matter,
            applicant_kind=Case.ApplicantKind.ENTERPRISE,
            applicant_name="青石镇绿野农业发展有限公司",
            applicant_phone="0571-88886666",
            applicant_id_number=CREDIT_CODE.lower(),
        ),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.applicant_kind == Case.ApplicantKind.ENTERPRISE
    assert case.applicant_id_number == CREDIT_CODE


@pytest.mark.parametrize(
    "id_number",
    [
        "110105194912310021",  # wrong check digit
        with_check_digit("11010519491331002"),  # 31 December... of month 13
        with_check_digit("11010521990101002"),  # born in 2199
        "11010519491231002",  # 17 characters
        CREDIT_CODE,  # an enterprise's code for a person
    ],
)
def test_a_wrong_resident_id_number_is_refused(
    ruth_client: Client, matter: Matter, id_number: str, media_root: Path
) -> None:
    response = ruth_client.post(
        f"/apply/{matter.code}/", application(matter, applicant_id_number=id_number)
    )

    assert response.status_code == 200
    assert "身份证号码不正确" in text(response)
    assert not Case.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "9135010OM000100Y43",  # the letter O is not used in credit codes
        "91350100M000100Y4",  # 17 characters
        RESIDENT_ID,
    ],
)
def test_a_wrong_credit_code_is_refused(ruth_client: Client, matter: Matter, code: str) -> None:
    response = ruth_client.post(
        f"/apply/{matter.code}/",
        application(
            matter,
            applicant_kind=Case.ApplicantKind.ENTERPRISE,
            applicant_name="青石镇绿野农业发展有限公司",
            applicant_id_number=code,
        ),
    )

    assert "统一社会信用代码不正确" in text(response)
    assert not Case.objects.exists()


def test_a_phone_number_that_is_neither_mobile_nor_landline_is_refused(
    ruth_client: Client, matter: Matter
) -> None:
    response = ruth_client.post(
        f"/apply/{matter.code}/", application(matter, applicant_phone="12345")
    )

    assert "请填写 11 位手机号码，或带区号的固定电话" in text(response)
    assert not Case.objects.exists()


def test_an_application_without_any_file_is_refused(ruth_client: Client, matter: Matter) -> None:
    first, second = list(matter.materials.all())
    data = application(matter, **{f"material_{first.pk}": None, f"material_{second.pk}": None})

    response = ruth_client.post(f"/apply/{matter.code}/", data)

    assert "请至少上传一份申请材料" in text(response)
    assert not Case.objects.exists()


def test_one_file_is_enough_to_apply(ruth_client: Client, matter: Matter) -> None:
    second = list(matter.materials.all())[1]
    data = application(matter, **{f"material_{second.pk}": None})

    assert ruth_client.post(f"/apply/{matter.code}/", data).status_code == 302
    assert Case.objects.get().attachments.count() == 1


def test_a_matter_without_materials_is_applied_for_without_files(
    district: District, ruth_client: Client
) -> None:
    matter = make_matter(district.hr, name="就业登记", online=True, materials=[])

    response = ruth_client.post(
        f"/apply/{matter.code}/",
        {
            "applicant_kind": Case.ApplicantKind.RESIDENT,
            "applicant_name": "路思",
            "applicant_phone": "13800001111",
            "applicant_id_number": RESIDENT_ID,
        },
    )

    assert response.status_code == 302
    assert Case.objects.get().unit == district.hr


def test_a_matter_that_cannot_be_done_online_is_refused_with_a_clear_message(
    district: District, ruth_client: Client
) -> None:
    counter_only = make_matter(district.market, name="食品经营许可证核发", online=False)

    page = ruth_client.get(f"/apply/{counter_only.code}/")
    posted = ruth_client.post(f"/apply/{counter_only.code}/", application(counter_only))

    assert "该事项不能网上办理，请到大厅窗口申请" in text(page)
    assert 'type="file"' not in text(page)
    assert "该事项不能网上办理" in text(posted)
    assert not Case.objects.exists()


def test_an_archived_matter_cannot_be_applied_for(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    data = application(matter)
    catalog_actions.archive_matter(actor=district.olivia, matter=matter, reason="事项取消")

    assert ruth_client.get(f"/apply/{matter.code}/").status_code == 404
    assert ruth_client.post(f"/apply/{matter.code}/", data).status_code == 404
    assert not Case.objects.exists()


def test_an_unknown_matter_is_not_found(ruth_client: Client) -> None:
    assert ruth_client.get("/apply/NO-SUCH-MATTER/").status_code == 404


def test_a_refusal_from_the_case_rules_is_shown_on_the_form_and_nothing_is_stored(
    ruth_client: Client, matter: Matter, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> Case:
        raise ValidationError({"申请人": "必须填写申请人"})

    monkeypatch.setattr(actions, "submit_case", refuse)

    response = ruth_client.post(f"/apply/{matter.code}/", application(matter))

    assert response.status_code == 200
    assert "必须填写申请人" in text(response)
    assert not Case.objects.exists()
    assert stored_files(media_root) == []


# --- my cases -----------------------------------------------------------------------------


def due_date_text(case: Case) -> str:
    due = timezone.localtime(case.due_at)
    return f"{due.year}年{due.month}月{due.day}日"


def test_my_cases_lists_only_my_own_cases_with_status_and_due_date(
    district: District, ruth_client: Client, matter: Matter, rose: User
) -> None:
    waiting = submit(district.ruth, matter)
    accepted = actions.accept_case(actor=district.alice, case=submit(district.ruth, matter))
    someone_else = submit(rose, matter)

    html = text(ruth_client.get("/my/cases/"))

    assert waiting.number in html and accepted.number in html
    assert someone_else.number not in html
    assert "已提交，待受理" in html and "已受理，办理中" in html
    assert due_date_text(accepted) in html
    assert "待受理" in html  # the waiting case has no due date yet


def test_my_cases_says_so_when_there_are_none(ruth_client: Client) -> None:
    html = text(ruth_client.get("/my/cases/"))

    assert "您还没有办件" in html
    assert "/matters/?online=1" in html


def test_my_cases_needs_a_login(district: District) -> None:
    response = Client().get("/my/cases/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_cases_costs_the_same_queries_for_one_case_or_many(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    submit(district.ruth, matter)
    ruth_client.get("/my/cases/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        ruth_client.get("/my/cases/")
    for _ in range(5):
        submit(district.ruth, matter)
    with CaptureQueriesContext(connection) as six:
        html = text(ruth_client.get("/my/cases/"))

    assert html.count('href="/my/cases/2') == 6
    assert len(six) == len(one)


def test_my_cases_come_twenty_to_a_page(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    for _ in range(21):
        submit(district.ruth, matter)

    first = text(ruth_client.get("/my/cases/"))
    second = text(ruth_client.get("/my/cases/", {"page": 2}))

    assert first.count('href="/my/cases/2') == 20
    assert "第 1 / 2 页" in first
    assert second.count('href="/my/cases/2') == 1


# --- one case -----------------------------------------------------------------------------


def test_the_owner_sees_their_case_in_full_with_its_timeline_and_files(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    ruth_client.post(f"/apply/{matter.code}/", application(matter))
    case = Case.objects.get()
    actions.accept_case(actor=district.alice, case=case)
    actions.record_step(
        actor=district.alice, case=case, note="内部备注：核查经营场所", public_note="现场核查"
    )

    html = text(ruth_client.get(f"/my/cases/{case.number}/"))

    assert "路思" in html and "13800001111" in html and RESIDENT_ID in html
    assert case.query_code in html
    assert "区市场监督管理局" in html
    assert "已受理，办理中" in html
    for label in ("提交申请", "受理", "现场核查"):
        assert label in html
    assert "内部备注" not in html
    for item in case.attachments.all():
        assert f'href="/attachments/{item.token}/"' in html
        assert item.original_name in html


def test_another_applicants_case_does_not_exist_for_them(
    district: District, matter: Matter, rose: User
) -> None:
    case = submit(district.ruth, matter)
    rose_client = district.client_for(rose)

    assert rose_client.get(f"/my/cases/{case.number}/").status_code == 404
    assert rose_client.get(f"/my/cases/{case.number}/receipt/").status_code == 404
    assert rose_client.post(f"/my/cases/{case.number}/", {"note": "已提交"}).status_code == 404


def test_staff_do_not_use_the_applicants_page(district: District, matter: Matter) -> None:
    case = submit(district.ruth, matter)

    assert district.client_for(district.alice).get(f"/my/cases/{case.number}/").status_code == 404


@pytest.fixture
def notified(district: District, matter: Matter) -> Case:
    """Ruth's accepted case, now waiting for two materials listed in one notice."""
    case = actions.accept_case(actor=district.alice, case=submit(district.ruth, matter))
    actions.request_supplement(
        actor=district.alice,
        case=case,
        materials=["营业执照副本", "房屋租赁合同"],
        note="租赁合同需加盖出租方公章",
    )
    case.refresh_from_db()
    return case


def test_a_case_waiting_for_materials_shows_the_one_time_notice_with_its_list(
    ruth_client: Client, notified: Case
) -> None:
    html = text(ruth_client.get(f"/my/cases/{notified.number}/"))

    assert "一次性告知：请补正以下材料" in html
    assert "<li>营业执照副本</li>" in html
    assert "<li>房屋租赁合同</li>" in html
    assert "租赁合同需加盖出租方公章" in html
    assert html.count('type="file"') == 2
    assert "待补正材料" in html


def test_a_case_not_waiting_for_materials_shows_no_notice(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    case = submit(district.ruth, matter)

    html = text(ruth_client.get(f"/my/cases/{case.number}/"))

    assert "一次性告知：请补正以下材料" not in html
    assert 'type="file"' not in html


def test_supplying_the_listed_materials_moves_the_case_back_to_processing(
    ruth_client: Client, notified: Case, media_root: Path
) -> None:
    response = ruth_client.post(
        f"/my/cases/{notified.number}/",
        {"material_0": pdf("营业执照.pdf"), "material_1": pdf("合同.pdf"), "note": ""},
        follow=True,
    )

    notified.refresh_from_db()
    html = text(response)
    assert notified.status == Case.Status.ACCEPTED
    assert notified.clock_paused_at is None
    assert "补正材料已提交" in html
    assert "一次性告知：请补正以下材料" not in html
    assert sorted(notified.attachments.values_list("material_name", flat=True)) == [
        "房屋租赁合同",
        "营业执照副本",
    ]
    assert notified.supplement_requests.get().supplied_at is not None
    assert len(stored_files(media_root)) == 2


def test_a_note_alone_is_recorded_but_the_counter_confirms_the_papers(
    district: District, ruth_client: Client, notified: Case
) -> None:
    ruth_client.post(f"/my/cases/{notified.number}/", {"note": "已于窗口当面提交原件"})

    notified.refresh_from_db()
    assert notified.status == Case.Status.SUPPLEMENT
    assert notified.events.filter(note="已于窗口当面提交原件").exists()

    actions.supply_materials(
        actor=district.alice, case=notified, materials=["营业执照副本", "房屋租赁合同"]
    )
    notified.refresh_from_db()
    assert notified.status == Case.Status.ACCEPTED
    assert not notified.attachments.exists()


def test_supplying_one_of_two_listed_materials_keeps_the_notice_open(
    ruth_client: Client, notified: Case
) -> None:
    response = ruth_client.post(
        f"/my/cases/{notified.number}/", {"material_0": pdf("营业执照.pdf"), "note": ""}
    )

    notified.refresh_from_db()
    notice = notified.supplement_requests.get()
    assert response.status_code == 302
    assert notified.status == Case.Status.SUPPLEMENT
    assert notified.clock_paused_at is not None
    assert notice.supplied_at is None
    assert notice.outstanding_materials == ["房屋租赁合同"]
    # The page asks only for what is still missing.
    html = text(ruth_client.get(f"/my/cases/{notified.number}/"))
    assert html.count('type="file"') == 1
    assert "尚缺：房屋租赁合同" in html

    ruth_client.post(f"/my/cases/{notified.number}/", {"material_0": pdf("合同.pdf")})
    notified.refresh_from_db()
    assert notified.status == Case.Status.ACCEPTED
    assert notified.supplement_requests.get().supplied_at is not None


def test_answering_the_notice_with_nothing_is_refused(ruth_client: Client, notified: Case) -> None:
    response = ruth_client.post(f"/my/cases/{notified.number}/", {"note": "  "})

    notified.refresh_from_db()
    assert "请上传补正材料，或在说明中写明已当面提交" in text(response)
    assert notified.status == Case.Status.SUPPLEMENT


def test_posting_materials_when_none_are_asked_for_changes_nothing(
    district: District, ruth_client: Client, matter: Matter
) -> None:
    case = submit(district.ruth, matter)

    response = ruth_client.post(
        f"/my/cases/{case.number}/", {"material_0": pdf(), "note": "补充"}, follow=True
    )

    assert "该办件当前不需要补正材料" in text(response)
    assert not case.attachments.exists()
    assert case.events.count() == 1
