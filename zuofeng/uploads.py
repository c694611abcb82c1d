"""Uploads, for every app: checked by content and size before anything is written, stored
all or none under MEDIA_ROOT (outside the web root) with generated names, and served only
through a view that has checked who is asking (`private_download`)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

# Accepted types, recognised by their first bytes rather than by what the browser claims.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
    (
        b"PK\x03\x04",
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
]
ALLOWED_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".docx"}
FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|\x00')


T = TypeVar("T")


def _itself(item: Any) -> Any:
    return item


def max_bytes() -> int:
    return int(settings.ZUOFENG["ATTACHMENT_MAX_BYTES"])


def check_upload(upload: Any) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload, or raise ValidationError."""
    name = getattr(upload, "name", "") or ""
    if not name or any(ch in FORBIDDEN_NAME_CHARS for ch in name) or ".." in name:
        raise ValidationError(f"文件名“{name}”含有不允许的字符（/ \\ : * ? 等），请改名后重新上传")
    if len(name) > 200:
        raise ValidationError("文件名太长，请改短后重新上传")
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(
            f"文件“{name}”的类型不支持：只能上传 PDF、JPG、PNG 或 Word（.docx）文件"
        )
    if upload.size > max_bytes():
        raise ValidationError(
            f"文件“{name}”超过 {max_bytes() // (1024 * 1024)} MB，请压缩后重新上传"
        )
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空的")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, extension, content_type in SIGNATURES:
        if head.startswith(magic):
            if extension == ".jpg" and suffix not in {".jpg", ".jpeg"}:
                break
            if extension != ".jpg" and suffix != extension:
                break
            return extension, content_type
    raise ValidationError(f"文件“{name}”的内容与扩展名不符，或不是支持的文件类型")


def store_all(
    items: Sequence[T], store_one: Callable[[T], Any], upload_of: Callable[[T], Any] = _itself
) -> list[Any]:
    """Store several uploads, all or none (cases' materials, a complaint's attachments).

    Every upload is checked before the first is written: the database rolls back a refused
    application, but files written to MEDIA_ROOT would stay behind as orphans. A failure
    while writing removes what this call already wrote, for the same reason. `store_one`
    writes one item and returns its saved attachment (with a `file`).
    """
    for item in items:
        check_upload(upload_of(item))
    stored: list[Any] = []
    try:
        for item in items:
            stored.append(store_one(item))
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def store_upload(model: type[T], upload: Any, *, at: dt.datetime, **fields: Any) -> T:
    """Check one upload and save it as a new attachment row of `model` (any model with the
    token, extension, original_name, content_type, size, uploaded_at and file fields) under a
    generated name; `fields` are the row's own (its case or complaint, ...)."""
    extension, content_type = check_upload(upload)
    attachment = model(
        token=secrets.token_hex(16),
        extension=extension,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_at=at,
        **fields,
    )
    attachment.file.save(attachment.token + extension, upload, save=False)  # type: ignore[attr-defined]
    attachment.save()  # type: ignore[attr-defined]
    return attachment


def private_download(stored: Any, filename: str, content_type: str) -> FileResponse:
    """A stored upload as a download that no shared cache keeps (personal documents);
    404 when the file is gone from storage."""
    try:
        handle = stored.storage.open(stored.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


FILE_ACCEPT = ",".join(sorted(ALLOWED_SUFFIXES))


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} 字节"


def upload_help() -> str:
    return f"PDF、JPG、PNG 或 Word（.docx）文件，不超过 {size_label(max_bytes())}"
