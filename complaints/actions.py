"""监督举报 state changes, one import for callers outside the app (the API, the demo, other
apps' tests): filing from every channel lives in `complaints.intake.actions`, the steps after
filing and the identity reveal in `complaints.handling.actions`. Inside the app, code imports
the sub-package it belongs to; the public follow page, which uses both, imports this."""

from __future__ import annotations

from complaints.handling.actions import (
    answer,
    apply_callback,
    close,
    may_reveal,
    record_callback,
    reopen,
    resolve_workdays,
    respond,
    reveal_identity,
    triage,
)
from complaints.intake.actions import (
    RECEIPT_ALPHABET,
    STAFF_CHANNELS,
    assign_number,
    clean_fields,
    clean_identity,
    complaint_values,
    file_complaint,
    file_open311_request,
    filed_audit_event,
    filed_event,
    filed_public_note,
    find_by_receipt,
    join_clusters,
    new_complaint,
    new_receipt_code,
    receipt_hash,
    recent_index,
    require_channel_actor,
)

__all__ = [
    "RECEIPT_ALPHABET",
    "STAFF_CHANNELS",
    "answer",
    "apply_callback",
    "assign_number",
    "clean_fields",
    "clean_identity",
    "close",
    "complaint_values",
    "file_complaint",
    "file_open311_request",
    "filed_audit_event",
    "filed_event",
    "filed_public_note",
    "find_by_receipt",
    "join_clusters",
    "may_reveal",
    "new_complaint",
    "new_receipt_code",
    "receipt_hash",
    "recent_index",
    "record_callback",
    "reopen",
    "require_channel_actor",
    "resolve_workdays",
    "respond",
    "reveal_identity",
    "triage",
]
