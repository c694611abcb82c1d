"""Attachments: checked by type and size, stored under MEDIA_ROOT with generated names, and
served only to the case's applicant and to staff who may see the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases import actions
from cases.models import Attachment, Case
from catalog.models import Matter
from catalog.tests.factories import make_matter
from conftest import PASSWORD, District
from org.actions import add_person
from org.roles import Role
from tests.files import real_pdf, real_png

pytestmark = pytest.mark.django_db

PDF = real_pdf()  # uploads are checked by parsing them
PNG = real_png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
RESIDENT_ID = "11010519491231002X"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def matter(district: District) -> Matter:
    return make_matter(
        district.market,
        name="个体工商户设立登记",
        online=True,
        materials=[{"name": "经营者身份证明"}, {"name": "经营场所证明"}],
    )


def apply_with(client: Client, matter: Matter, *files: Any) -> Any:
    data: dict[str, Any] = {
        "applicant_kind": Case.ApplicantKind.RESIDENT,
        "applicant_name": "路思",
        "applicant_phone": "13800001111",
        "applicant_id_number": RESIDENT_ID,
    }
    for material, file in zip(matter.materials.all(), files, strict=False):
        data[f"material_{material.pk}"] = file
    return client.post(f"/apply/{matter.code}/", data)


def assert_refused(response: Any, message: str, media_root: Path) -> None:
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


# --- what may be uploaded -----------------------------------------------------------------


def test_an_executable_is_refused_and_nothing_is_stored(
    district: District, matter: Matter, media_root: Path
) -> None:
    response = apply_with(
        district.client_for(district.ruth),
        matter,
        upload("营业执照.exe", EXE, "application/octet-stream"),
    )

    assert_refused(response, "类型不支持：只能上传 PDF、JPG、PNG 或 Word", media_root)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("营业执照.pdf", EXE),  # a program renamed to .pdf
        ("营业执照.pdf", b"<html><script>alert(1)</script></html>"),
        ("照片.pdf", PNG),  # a real picture, but not what its name says
    ],
)
def test_a_file_whose_bytes_do_not_match_its_name_is_refused(
    district: District, matter: Matter, media_root: Path, name: str, content: bytes
) -> None:
    response = apply_with(district.client_for(district.ruth), matter, upload(name, content))

    assert_refused(response, "内容与扩展名不符", media_root)


def test_a_file_over_the_size_limit_is_refused(
    district: District, matter: Matter, media_root: Path, settings: Any
) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "ATTACHMENT_MAX_BYTES": 1024}
    big = PDF + b"0" * 2048

    client = district.client_for(district.ruth)
    page = client.get(f"/apply/{matter.code}/").content.decode()
    response = apply_with(client, matter, upload("扫描件.pdf", big))

    assert "不超过 1 KB" in page
    assert_refused(response, "超过", media_root)


def test_an_empty_file_is_refused(district: District, matter: Matter, media_root: Path) -> None:
    response = apply_with(district.client_for(district.ruth), matter, upload("空.pdf", b""))

    assert_refused(response, "提交的是空文件", media_root)
    assert "请至少上传一份申请材料" not in response.content.decode()


def test_a_name_with_characters_a_file_system_forbids_is_refused(
    district: District, matter: Matter, media_root: Path
) -> None:
    response = apply_with(district.client_for(district.ruth), matter, upload("a:b.pdf", PDF))

    assert_refused(response, "含有不允许的字符", media_root)


def test_one_bad_file_among_good_ones_stores_nothing(
    district: District, matter: Matter, media_root: Path
) -> None:
    response = apply_with(
        district.client_for(district.ruth),
        matter,
        upload("身份证.pdf", PDF),
        upload("场所.exe", EXE, "application/octet-stream"),
    )

    assert_refused(response, "类型不支持", media_root)


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "a/b.pdf", "..\\..\\boot.pdf"])
def test_a_name_with_path_characters_is_refused_by_the_case_rules(
    district: District, matter: Matter, media_root: Path, name: str
) -> None:
    file = upload("x.pdf", PDF)
    file._name = name  # what a caller other than Django's upload handler could pass

    with pytest.raises(ValidationError) as refused:
        actions.submit_case(
            actor=district.ruth,
            matter=matter,
            channel=Case.Channel.ONLINE,
            applicant_name="路思",
            applicant_phone="13800001111",
            applicant_id_number=RESIDENT_ID,
            applicant_user=district.ruth,
            files=[("经营者身份证明", file)],
        )

    assert "含有不允许的字符" in " ".join(refused.value.messages)
    assert not Case.objects.exists()
    assert stored_files(media_root) == []


def test_a_path_sent_by_a_browser_never_reaches_the_disk(
    district: District, matter: Matter, media_root: Path
) -> None:
    # A hand-made request: Django's test client would strip the path before sending.
    material = matter.materials.first()
    boundary = "zuofeng-boundary"
    fields = {
        "applicant_kind": Case.ApplicantKind.RESIDENT,
        "applicant_name": "路思",
        "applicant_phone": "13800001111",
        "applicant_id_number": RESIDENT_ID,
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="material_{material.pk}"; '
        f'filename="../../etc/passwd.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + PDF
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())

    response = district.client_for(district.ruth).post(
        f"/apply/{matter.code}/",
        data=b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 302
    stored = Attachment.objects.get()
    assert stored.original_name == "passwd.pdf"
    [path] = stored_files(media_root)
    assert path.name == f"{stored.token}.pdf"
    assert path.resolve().is_relative_to(media_root.resolve())
    assert not (media_root.parent / "etc").exists()


# --- who may download ---------------------------------------------------------------------


@pytest.fixture
def rose(district: District) -> User:
    return add_person(
        actor=None, username="rose", full_name="罗丝", roles=[Role.APPLICANT], password=PASSWORD
    )


@pytest.fixture
def stored(district: District, matter: Matter) -> Attachment:
    """Ruth's online application with one PDF, which claimed to be a web page."""
    case = actions.submit_case(
        actor=district.ruth,
        matter=matter,
        channel=Case.Channel.ONLINE,
        applicant_name="路思",
        applicant_phone="13800001111",
        applicant_id_number=RESIDENT_ID,
        applicant_user=district.ruth,
        files=[("经营者身份证明", upload("身份证 正反面.pdf", PDF, "text/html"))],
    )
    return case.attachments.get()


def download(client: Client, attachment: Attachment) -> Any:
    return client.get(f"/attachments/{attachment.token}/")


def test_the_applicant_downloads_their_own_file(district: District, stored: Attachment) -> None:
    response = download(district.client_for(district.ruth), stored)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"  # what the bytes are, not the claim
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["alice", "amy", "ahead", "olivia"])
def test_staff_who_may_see_the_case_download_its_files(
    district: District, stored: Attachment, who: str
) -> None:
    response = download(district.client_for(getattr(district, who)), stored)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["bob", "dora"])
def test_staff_of_another_unit_get_not_found(
    district: District, stored: Attachment, who: str
) -> None:
    assert download(district.client_for(getattr(district, who)), stored).status_code == 404


def test_another_applicant_gets_not_found(
    district: District, stored: Attachment, rose: User
) -> None:
    assert download(district.client_for(rose), stored).status_code == 404


def test_a_visitor_without_an_account_is_sent_to_log_in(stored: Attachment) -> None:
    response = download(Client(), stored)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_made_up_token_is_not_found(district: District, stored: Attachment) -> None:
    client = district.client_for(district.ruth)

    assert client.get(f"/attachments/{'0' * 32}/").status_code == 404
    assert client.get("/attachments/..%2F..%2Fsettings.py/").status_code == 404


def test_after_a_transfer_the_new_unit_sees_the_file_and_the_old_one_no_longer_does(
    district: District, stored: Attachment
) -> None:
    actions.transfer_case(
        actor=district.alice, case=stored.case, to_unit=district.hr, reason="属人社局职责"
    )

    assert download(district.client_for(district.bob), stored).status_code == 200
    assert download(district.client_for(district.alice), stored).status_code == 404
    assert download(district.client_for(district.ruth), stored).status_code == 200


def test_stored_files_are_not_reachable_by_any_other_address(
    district: District, stored: Attachment
) -> None:
    client = district.client_for(district.ruth)

    assert client.get(f"/{stored.file.name}").status_code == 404
    assert client.get(f"/media/{stored.file.name}").status_code == 404
