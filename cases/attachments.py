"""A case's materials: stored through the shared upload store (`zuofeng.uploads`), one
`Attachment` row per file, served only through a view that checks who is asking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zuofeng.uploads import store_all, store_upload


def store_attachments(
    *, case: Any, files: list[tuple[str, Any]], actor: Any, at: dt.datetime
) -> list[Any]:
    """Store a case's (material name, upload) pairs, all or none (see `store_all`)."""
    return store_all(
        files,
        lambda pair: store_attachment(
            case=case, material_name=pair[0], upload=pair[1], actor=actor, at=at
        ),
        upload_of=lambda pair: pair[1],
    )


def store_attachment(
    *, case: Any, material_name: str, upload: Any, actor: Any, at: dt.datetime
) -> Any:
    """Store one upload under a generated name (see `cases.models.attachment_path`)."""
    from cases.models import Attachment

    return store_upload(
        Attachment,
        upload,
        at=at,
        case=case,
        material_name=(material_name or "其他材料")[:200],
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
