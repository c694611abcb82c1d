"""Uploads are checked by parsing them and pictures lose their metadata (issue 13, defect 4).

A complainant's phone photo carries its owner and the place it was taken: the unit complained
about downloads the evidence, so what it gets must be the picture alone."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageCms
from pypdf import PdfWriter

from complaints import actions
from complaints.models import Complaint, ComplaintAttachment
from conftest import District
from zuofeng.uploads import check_upload

pytestmark = pytest.mark.django_db

OWNER = "Wei Misi owner-marker"
ATTITUDE = "市场监管局窗口的工作人员态度很差，问了三遍都不耐烦，还让我明天再来"
GPS_IFD = 0x8825


# --- files built for the tests ---------------------------------------------------------------


def phone_photo(width: int = 40, height: int = 20) -> bytes:
    """A JPEG as a phone writes it: owner, GPS, orientation (turn 90° to view), XMP, a
    comment and a colour profile."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0x8298] = OWNER  # Copyright
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 3.5), 3: "E", 4: (121.0, 28.0, 1.25)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=OWNER.encode(),
        xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{OWNER}</x:xmpmeta>'.encode(),
        icc_profile=icc,
    )
    return out.getvalue()


def png_with_text(size: tuple[int, int] = (8, 8)) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", OWNER)
    exif = Image.Exif()
    exif[0x013B] = OWNER
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 10)).save(out, "PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def real_pdf(password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    if password:
        writer.encrypt(user_password=password, owner_password="owner-" + password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None, *, parts: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if parts:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb_docx(megabytes: int) -> bytes:
    """A Word file hiding `megabytes` of zeros, written in 1 MB chunks (never held whole)."""
    out = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, data))
    return " ".join(refused.value.messages)


# --- metadata never reaches the unit ---------------------------------------------------------


def test_the_unit_downloads_a_complaint_photo_without_its_owner_or_its_gps(
    district: District,
) -> None:
    original = phone_photo()
    # Today's photo really carries them (so the assertions below mean something).
    assert OWNER.encode() in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    complaint, _ = actions.file_complaint(
        actor=None,
        channel=Complaint.Channel.WEB,
        text=ATTITUDE,
        unit=district.market,
        attachments=[SimpleUploadedFile("现场照片.jpg", original, "image/jpeg")],
    )
    actions.triage(actor=district.olivia, complaint=complaint, category="service")
    alice = district.client_for(district.alice)  # staff of the unit complained about
    response = alice.get(f"/staff/complaints/{complaint.pk}/attachments/1/")
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)

    assert OWNER.encode() not in downloaded
    picture = Image.open(io.BytesIO(downloaded))
    picture.load()
    assert picture.format == "JPEG"
    assert not picture.getexif()  # no owner, no GPS, no camera, nothing
    assert not picture.getexif().get_ifd(GPS_IFD)
    for key in ("exif", "xmp", "comment", "icc_profile"):
        assert key not in picture.info
    # The orientation was applied before it was dropped: the photo still stands upright.
    assert picture.size == (20, 40)
    assert picture.getpixel((10, 20))[0] > 150  # and is still the same red picture
    stored = ComplaintAttachment.objects.get()
    assert stored.size == len(downloaded)
    assert stored.content_type == "image/jpeg"


def test_a_png_loses_its_text_chunks_and_exif_but_keeps_its_transparency(
    district: District,
) -> None:
    from zuofeng.uploads import store_upload

    complaint, _ = actions.file_complaint(
        actor=None, channel=Complaint.Channel.WEB, text=ATTITUDE, unit=district.market
    )
    plain = store_upload(
        ComplaintAttachment, upload("截图.png", png_with_text()), at=timezone.now(),
        complaint=complaint,
    )  # fmt: skip
    stored = plain.file.read()
    assert OWNER.encode() not in stored
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "PNG" and not picture.getexif() and "Author" not in picture.info

    clear = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    out = io.BytesIO()
    clear.save(out, "PNG")
    kept = store_upload(
        ComplaintAttachment, upload("透明.png", out.getvalue()), at=timezone.now(),
        complaint=complaint,
    )  # fmt: skip
    assert Image.open(kept.file).getpixel((0, 0))[3] == 0


def test_the_original_is_kept_sealed_for_the_office_only_when_asked(
    district: District, media_root: Path
) -> None:
    from zuofeng.uploads import delete_stored, has_original, open_original, store_upload

    complaint, _ = actions.file_complaint(
        actor=None, channel=Complaint.Channel.WEB, text=ATTITUDE, unit=district.market
    )
    original = phone_photo()
    sealed = store_upload(
        ComplaintAttachment, upload("现场照片.jpg", original), at=timezone.now(),
        seal_original=True, complaint=complaint,
    )  # fmt: skip
    assert OWNER.encode() not in sealed.file.read()
    assert has_original(sealed.file)
    assert open_original(sealed.file) == original  # the office can still read the GPS
    # Nothing on disk carries the owner in the clear.
    on_disk = [path for path in media_root.rglob("*") if path.is_file()]
    assert len(on_disk) == 2
    assert not any(OWNER.encode() in path.read_bytes() for path in on_disk)

    unsealed = store_upload(
        ComplaintAttachment, upload("照片.jpg", original), at=timezone.now(), complaint=complaint
    )
    document = real_pdf()
    pdf = store_upload(
        ComplaintAttachment, upload("说明.pdf", document), at=timezone.now(),
        seal_original=True, complaint=complaint,
    )  # fmt: skip
    assert not has_original(unsealed.file) and not has_original(pdf.file)
    assert pdf.file.read() == document  # a PDF is stored as it came

    delete_stored(sealed.file)
    assert len([path for path in media_root.rglob("*") if path.is_file()]) == 2


# --- checked by parsing, not by the first bytes ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("照片.jpg", phone_photo()[:200], "已损坏或无法识别"),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"not a picture" * 20, "已损坏或无法识别"),
        ("照片.jpg", b"GIF89a" + b"\0" * 64, "内容与扩展名不符"),
        ("照片.png", phone_photo(), "内容与扩展名不符"),
        ("截图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "已损坏或无法识别"),
        ("申请表.pdf", b"%PDF-1.4\n% only a header\n", "已损坏或无法打开"),
        ("申请表.pdf", real_pdf()[:-200], "已损坏或无法打开"),
        ("申请表.pdf", real_pdf(password="1234"), "设置了打开密码"),
        ("说明.docx", b"PK\x03\x04" + b"\0" * 64, "不是有效的 Word"),
        ("说明.docx", docx({"note.txt": b"hello"}, parts=False), "不是有效的 Word"),
    ],
)
def test_a_file_that_does_not_parse_is_refused_with_a_chinese_message(
    name: str, data: bytes, message: str
) -> None:
    assert message in refusal(name, data)


def test_a_cmyk_photo_with_a_colour_profile_is_stored_as_plain_rgb() -> None:
    from zuofeng.uploads import inspect_upload

    out = io.BytesIO()
    Image.new("CMYK", (6, 6), (0, 255, 255, 0)).save(out, "JPEG", comment=OWNER.encode())
    checked = inspect_upload(upload("扫描件.jpg", out.getvalue()))
    assert checked.cleaned is not None and OWNER.encode() not in checked.cleaned
    picture = Image.open(io.BytesIO(checked.cleaned))
    assert picture.mode == "RGB" and picture.getpixel((3, 3))[0] > 200


def test_files_that_parse_are_accepted() -> None:
    assert check_upload(upload("申请表.pdf", real_pdf())) == (".pdf", "application/pdf")
    assert check_upload(upload("照片.JPEG", phone_photo())) == (".jpg", "image/jpeg")
    assert check_upload(upload("截图.png", png_with_text())) == (".png", "image/png")
    assert check_upload(upload("说明.docx", docx()))[0] == ".docx"


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(settings: Any) -> None:
    settings.ZUOFENG = {**settings.ZUOFENG, "UPLOAD_MAX_PIXELS": 1_000_000}
    out = io.BytesIO()
    Image.new("L", (2000, 2000)).save(out, "PNG")  # 4 megapixels in a few kilobytes
    assert len(out.getvalue()) < 50_000
    assert "像素太多" in refusal("平面图.png", out.getvalue())
    assert check_upload(upload("平面图.png", png_with_text((900, 900))))[0] == ".png"


def test_a_zip_bomb_disguised_as_a_word_file_is_refused(settings: Any) -> None:
    # The 300 MB bomb of the audit, scaled down: the limit is lowered instead of writing 300 MB.
    settings.ZUOFENG = {
        **settings.ZUOFENG,
        "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES": 3 * 1024 * 1024,
        "UPLOAD_ZIP_MAX_RATIO": 10_000,
    }
    bomb = zip_bomb_docx(4)
    assert len(bomb) < 20_000
    assert "压缩炸弹" in refusal("会议纪要.docx", bomb)
    # Under the size limit the same file passes; the default ratio limit still stops it.
    assert check_upload(upload("会议纪要.docx", zip_bomb_docx(2)))[0] == ".docx"
    settings.ZUOFENG = {**settings.ZUOFENG, "UPLOAD_ZIP_MAX_RATIO": 100}
    assert "压缩炸弹" in refusal("会议纪要.docx", zip_bomb_docx(2))


def test_the_default_limits_refuse_a_bomb_by_its_ratio_and_keep_an_ordinary_word_file() -> None:
    assert "压缩炸弹" in refusal("会议纪要.docx", zip_bomb_docx(1))
    text = "".join(
        f"<w:p><w:r><w:t>第{i}项 整改措施 编号{i * 7919 % 10007}</w:t></w:r></w:p>"
        for i in range(3000)
    ).encode()
    assert check_upload(upload("会议纪要.docx", docx({"word/styles.xml": text})))[0] == ".docx"


def test_an_xlsx_import_can_be_checked_for_zip_bombs_before_openpyxl_reads_it(
    settings: Any,
) -> None:
    from zuofeng.filecheck import check_zip_file

    settings.ZUOFENG = {**settings.ZUOFENG, "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES": 1024 * 1024}
    stream = io.BytesIO(zip_bomb_docx(2))
    with pytest.raises(ValidationError, match="压缩炸弹"):
        check_zip_file(stream, "热线导出.xlsx")
    assert stream.tell() == 0
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        check_zip_file(io.BytesIO(b"not a zip"), "热线导出.xlsx")


def test_the_public_complaint_form_refuses_a_broken_pdf_and_stores_nothing(
    client: Any, district: District, media_root: Path
) -> None:
    cache.clear()  # the filing rate limit
    response = client.post(
        "/complaints/new/",
        {
            "unit": district.market.pk,
            "subject_name": "王科长",
            "text": ATTITUDE,
            "place": "区政务服务中心3号窗口",
            "attachments": SimpleUploadedFile("证据.pdf", b"%PDF-1.4\n% not really\n"),
        },
    )
    cache.clear()
    assert response.status_code == 200
    assert "PDF 文件“证据.pdf”已损坏或无法打开" in response.content.decode()
    assert not Complaint.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_refused_file_in_a_batch_leaves_no_file_behind(
    district: District, media_root: Path
) -> None:
    with pytest.raises(ValidationError, match="已损坏"):
        actions.file_complaint(
            actor=None,
            channel=Complaint.Channel.WEB,
            text=ATTITUDE,
            unit=district.market,
            attachments=[upload("照片.jpg", phone_photo()), upload("坏.pdf", b"%PDF-1.4\n")],
            at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC),
        )
    assert not any(path.is_file() for path in media_root.rglob("*"))
