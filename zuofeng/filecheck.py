"""Uploads checked by parsing them, not by their first bytes (used by `zuofeng.uploads`).

- Images (JPEG, PNG) must decode within a pixel limit (decompression bombs), and are
  re-encoded without their metadata: EXIF (owner, camera, GPS), XMP, ICC profiles, comments
  and text chunks never reach whoever downloads them. The EXIF orientation is applied first,
  so the picture still stands the right way up; a colour profile is converted to sRGB first.
- PDFs must parse (pypdf): a broken file or one that needs a password to open is refused.
- Office files (.docx, .xlsx) are zip containers: their directory is read (never extracted)
  and refused above a total uncompressed size or compression ratio (zip bombs), with
  encrypted members, or without the parts that make them a Word or Excel file.

Every refusal is a ValidationError with a Chinese message that names the file.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

# Limits, overridable in settings.ZUOFENG (the same names).
DEFAULTS = {
    # A 40-megapixel picture (8000 x 5000) decodes to 120 MB of RGB; more is refused.
    "UPLOAD_MAX_PIXELS": 40_000_000,
    # Office files: everything inside, uncompressed, and the ratio to the compressed size
    # (text-heavy Word XML compresses 10-30 times; a zip bomb compresses about 1,000 times).
    "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
    "UPLOAD_ZIP_MAX_RATIO": 100,
    "UPLOAD_ZIP_MAX_MEMBERS": 5000,
}
JPEG_QUALITY = 90
MAGIC = {"JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG\r\n\x1a\n"}

# The parts without which a zip is not the Office file its name claims.
OFFICE_PARTS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
}
OFFICE_LABELS = {".docx": "Word（.docx）", ".xlsx": "Excel（.xlsx）"}


@dataclass(frozen=True)
class Checked:
    """What a check found: the stored extension and content type, and for an image the
    re-encoded bytes to store instead of the upload (None: store the upload as it is)."""

    extension: str
    content_type: str
    cleaned: bytes | None = None


def limit(name: str) -> int:
    return int(settings.ZUOFENG.get(name, DEFAULTS[name]))


# --- Images


def check_image(data: bytes, suffix: str, name: str) -> Checked:
    """Decode a JPEG or PNG and return it re-encoded without metadata."""
    from PIL import Image

    expected = "PNG" if suffix == ".png" else "JPEG"
    mismatch = ValidationError(f"文件“{name}”的内容与扩展名不符，或不是支持的文件类型")
    broken = ValidationError(f"图片“{name}”已损坏或无法识别，请重新拍摄或导出后上传")
    max_pixels = limit("UPLOAD_MAX_PIXELS")
    too_large = ValidationError(
        f"图片“{name}”的像素太多（超过 {max_pixels // 1_000_000} 百万像素），请缩小后重新上传"
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns below twice its limit; ours is the check below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
            # Phones write some photos as MPO (a JPEG with a second picture appended; the
            # JPEG plugin opens it): the first picture is stored, as a plain JPEG.
            found = "JPEG" if image.format == "MPO" else image.format
            if found != expected:
                raise mismatch
            if image.width * image.height > max_pixels:
                raise too_large
            image.load()
    except Image.DecompressionBombError:
        raise too_large from None
    except Image.UnidentifiedImageError:
        # Its first bytes say it is what its name says, but it does not decode.
        raise (broken if data.startswith(MAGIC[expected]) else mismatch) from None
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError):
        raise broken from None
    return _reencode(image, expected, broken)


def _reencode(image: Any, fmt: str, broken: ValidationError) -> Checked:
    from PIL import ImageOps

    try:
        upright = ImageOps.exif_transpose(image) or image
        upright = _to_srgb(upright, image.info.get("icc_profile"))
        transparency = upright.info.get("transparency")
        # Nothing of the original's info (exif, xmp, icc_profile, comment, text chunks,
        # dpi, ...) is handed to the encoder, which would otherwise copy some of it.
        upright.info = {}
        out = io.BytesIO()
        if fmt == "JPEG":
            # CMYK JPEGs are read inverted or not depending on the viewer: store RGB.
            if upright.mode not in {"L", "RGB"}:
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=JPEG_QUALITY)
            return Checked(".jpg", "image/jpeg", out.getvalue())
        options: dict[str, Any] = {}
        if transparency is not None and upright.mode in {"P", "L", "RGB", "1"}:
            options["transparency"] = transparency
        upright.save(out, "PNG", **options)
        return Checked(".png", "image/png", out.getvalue())
    except (OSError, ValueError, SyntaxError, MemoryError):
        raise broken from None


def _to_srgb(image: Any, icc_profile: bytes | None) -> Any:
    """The picture in sRGB, so that dropping its colour profile keeps its colours
    (phones shoot in Display P3); unchanged when it has no profile or cannot be converted."""
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
        return converted or image
    except Exception:  # a broken or unusual profile: keep the pixels as they are
        return image


# --- PDF


def check_pdf(data: bytes, name: str) -> Checked:
    """Parse a PDF with pypdf: its page tree must load; a password to open it is refused."""
    from pypdf import PasswordType, PdfReader

    broken = ValidationError(f"PDF 文件“{name}”已损坏或无法打开，请重新导出或扫描后上传")
    encrypted = ValidationError(f"PDF 文件“{name}”设置了打开密码，无法查看，请去掉密码后重新上传")
    if not data.startswith(b"%PDF-"):
        raise ValidationError(f"文件“{name}”的内容与扩展名不符，或不是支持的文件类型")
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.ERROR)  # its warnings about repaired files are not ours to log
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # A file with only a permissions password opens for anyone without one.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise encrypted
        pages = reader.pages
        if len(pages) == 0:
            raise broken
        for page in pages:
            page.mediabox  # noqa: B018 - resolves each page's object and its inherited box
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on a hostile or broken file
        raise broken from None
    finally:
        logger.setLevel(previous)
    return Checked(".pdf", "application/pdf")


# --- Office files (zip containers)


def check_office(data: bytes, suffix: str, name: str) -> Checked:
    """Read an Office file's zip directory (never extracting it) and refuse zip bombs."""
    label = OFFICE_LABELS[suffix]
    not_office = ValidationError(f"文件“{name}”不是有效的 {label} 文件，请用办公软件重新保存后上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_office from None
    check_zip_members(members, name)
    names = {member.filename for member in members}
    if not all(part in names for part in OFFICE_PARTS[suffix]):
        raise not_office
    content_types = {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    return Checked(suffix, content_types[suffix])


def check_zip_members(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a zip whose members, as its directory declares them, are too many, too large
    uncompressed, compressed too well, or encrypted. Python's zipfile (and so openpyxl)
    never reads a member past its declared size, so the directory is what a reader gets."""
    bomb = ValidationError(
        f"文件“{name}”解压后过大或压缩比异常（可能是压缩炸弹），已拒收；请检查文件后重新上传"
    )
    if len(members) > limit("UPLOAD_ZIP_MAX_MEMBERS"):
        raise bomb
    if any(member.flag_bits & 0x1 for member in members):
        raise ValidationError(f"文件“{name}”设置了密码，无法查看，请去掉密码后重新上传")
    uncompressed = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    if uncompressed > limit("UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES"):
        raise bomb
    if uncompressed > limit("UPLOAD_ZIP_MAX_RATIO") * max(compressed, 1):
        raise bomb


def check_zip_file(stream: Any, name: str) -> None:
    """The same zip-bomb check for a spreadsheet import or any other zip read by openpyxl
    (`stream` is a path or a seekable binary file)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(
            f"文件“{name}”不是有效的 Excel（.xlsx）文件，请用办公软件重新保存后上传"
        ) from None
    finally:
        if hasattr(stream, "seek"):
            stream.seek(0)
    check_zip_members(members, name)


def check_content(data: bytes, suffix: str, name: str) -> Checked:
    """Check an upload's bytes by parsing them as the type its (allowed) suffix names."""
    if suffix in {".jpg", ".jpeg", ".png"}:
        return check_image(data, suffix, name)
    if suffix == ".pdf":
        return check_pdf(data, name)
    if suffix in OFFICE_PARTS:
        return check_office(data, suffix, name)
    raise ValidationError(f"文件“{name}”的类型不支持")
