"""Uploads, for every app: checked by parsing their content (`zuofeng.filecheck`) and by
size before anything is written, stored all or none under MEDIA_ROOT (outside the web root)
with generated names, and served only through a view that has checked who is asking
(`private_download`).

Pictures are stored re-encoded without their metadata (EXIF owner, GPS, XMP, ...), so that
whoever downloads them, the unit complained about included, sees only the picture. Where the
office may need the original (a complaint's evidence), the caller asks for it to be kept
sealed with the identity cipher (`seal_original=True`) and opens it with `open_original`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404

from zuofeng.filecheck import Checked, check_content

ALLOWED_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".docx"}
FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|\x00')
# The sealed original of a re-encoded picture sits next to the stored file, under this suffix
# (never served: MEDIA_ROOT is outside the web root and downloads go by attachment row).
SEALED_SUFFIX = ".original.sealed"
# Where a checked upload keeps what its check found (forms check, then actions store).
_CHECKED_ATTR = "_zuofeng_checked"


T = TypeVar("T")


def _itself(item: Any) -> Any:
    return item


def max_bytes() -> int:
    return int(settings.ZUOFENG["ATTACHMENT_MAX_BYTES"])


def check_upload(upload: Any) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload, or raise ValidationError."""
    checked = inspect_upload(upload)
    return checked.extension, checked.content_type


def inspect_upload(upload: Any) -> Checked:
    """Check an upload by its name, size and parsed content (see `zuofeng.filecheck`);
    the result, with the re-encoded bytes of a picture, is kept on the upload so that the
    form's check and the action's store parse it once."""
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
    cached = getattr(upload, _CHECKED_ATTR, None)
    if cached is not None and cached[0] == (name, upload.size):
        return cached[1]
    checked = check_content(_read_all(upload), suffix, name)
    # An object that takes no attributes is simply checked again next time.
    with contextlib.suppress(AttributeError):
        setattr(upload, _CHECKED_ATTR, ((name, upload.size), checked))
    return checked


def _read_all(upload: Any) -> bytes:
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    return data


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
            delete_stored(attachment.file)
        raise
    return stored


def store_upload(
    model: type[T], upload: Any, *, at: dt.datetime, seal_original: bool = False, **fields: Any
) -> T:
    """Check one upload and save it as a new attachment row of `model` (any model with the
    token, extension, original_name, content_type, size, uploaded_at and file fields) under a
    generated name; `fields` are the row's own (its case or complaint, ...).

    A picture is stored re-encoded without metadata. With `seal_original`, the upload as it
    came (metadata included) is also kept, encrypted with the identity cipher, for the office
    alone (`open_original`)."""
    checked = inspect_upload(upload)
    content = upload if checked.cleaned is None else ContentFile(checked.cleaned)
    attachment = model(
        token=secrets.token_hex(16),
        extension=checked.extension,
        original_name=upload.name[:200],
        content_type=checked.content_type,
        size=content.size,
        uploaded_at=at,
        **fields,
    )
    stored = attachment.file  # type: ignore[attr-defined]
    stored.save(attachment.token + checked.extension, content, save=False)  # type: ignore[attr-defined]
    try:
        if seal_original and checked.cleaned is not None:
            _seal_original(stored, _read_all(upload))
        attachment.save()  # type: ignore[attr-defined]
    except BaseException:
        delete_stored(stored)
        raise
    return attachment


def _identity_cipher() -> Any:
    # The complainant identity's cipher (keys from ZUOFENG_IDENTITY_KEYS, rotatable): the
    # original of a picture is as sensitive as the identity it may reveal.
    from complaints.identity import cipher

    return cipher()


def _seal_original(stored: Any, original: bytes) -> None:
    name = stored.name + SEALED_SUFFIX
    saved = stored.storage.save(name, ContentFile(_identity_cipher().encrypt(original)))
    if saved != name:  # generated names never collide; refuse to lose track of a copy
        stored.storage.delete(saved)
        raise RuntimeError(f"sealed original stored as {saved!r}, expected {name!r}")


def has_original(stored: Any) -> bool:
    """Whether a sealed original was kept next to this stored file."""
    return bool(stored.name) and stored.storage.exists(stored.name + SEALED_SUFFIX)


def open_original(stored: Any) -> bytes:
    """The upload as it came (metadata included), for the office path only: callers must
    have checked that the user may see a complainant's identity. Raises Http404 when no
    original was kept (not a picture, or not sealed)."""
    if not stored.name:
        raise Http404
    try:
        with stored.storage.open(stored.name + SEALED_SUFFIX, "rb") as handle:
            sealed = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    return _identity_cipher().decrypt(sealed)


def delete_stored(stored: Any) -> None:
    """Remove a stored upload and its sealed original, if any (a refused or removed row)."""
    if stored.name and stored.storage.exists(stored.name + SEALED_SUFFIX):
        stored.storage.delete(stored.name + SEALED_SUFFIX)
    stored.delete(save=False)


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
