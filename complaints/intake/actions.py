"""监督举报 intake: filing a complaint from every channel (the public form, the office's entry
of letters and visits, the 12345 hotline import, Open311), its receipt code, its attachments
and its near-duplicate group. The steps after filing are in `complaints.handling.actions`.

Identity never travels with the complaint: it is sealed into its own table at filing time,
audit events of complaints filed by the public carry no actor (a logged-in applicant's
username would name them), and only `reveal_identity` opens it, with a reason, audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from complaints.classifier import Prediction, classify
from complaints.handling.routing import names_head
from complaints.identity import Identity, seal
from complaints.intake.similarity import ClusterIndex, signatures, window_start
from complaints.models import (
    COMPLAINT_FIELDS,
    ComplainantIdentity,
    Complaint,
    ComplaintAttachment,
    ComplaintCluster,
    ComplaintEvent,
)
from complaints.texts import text_receipt
from org.models import Unit
from org.roles import Role
from org.scoping import has_role, sees_all_units
from zuofeng.audit.chain import PendingEvent, record, record_many
from zuofeng.uploads import store_all, store_upload
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import local_date

STAFF_CHANNELS = (
    Complaint.Channel.LETTER,
    Complaint.Channel.VISIT,
    Complaint.Channel.FORUM,
    Complaint.Channel.SURVEY,
    Complaint.Channel.HOTLINE,
)
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
_ID_NUMBER = re.compile(r"^([0-9]{17}[0-9Xx]|[0-9]{15})$")


def _config(name: str) -> Any:
    return settings.ZUOFENG[name]


# --- receipts ---------------------------------------------------------------------------


# Receipt codes are read over the phone: 12 characters from an alphabet without the
# characters people confuse (0/O, 1/I/L), grouped 4-4-4. 31^12 ≈ 2^59: with the follow-up
# page's rate limit (COMPLAINT_FOLLOW_RATE per address) guessing one is out of reach, and
# the stored hash is keyed with SECRET_KEY, so a copy of the database alone cannot be
# searched offline either.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12
RECEIPT_GROUP = 4
# Codes issued before (26 base32 characters, stored as a plain SHA-256) keep working: the
# lookup recognises their shape, so no data migration is needed and no code is reissued.
_LEGACY_CODE = re.compile(r"^[a-z2-7]{26}$")
_RECEIPT_SALT = "complaints.receipt"


def new_receipt_code() -> str:
    """A fresh receipt code such as ``K7QM-4XTR-9HNC``."""
    # One draw of 128 random bits, written in base 31 (one system call per code, not twelve:
    # the hotline import issues 100,000 at once). 2^128 ≫ 31^12, so the digits are uniform.
    value = int.from_bytes(secrets.token_bytes(16), "big")
    digits = []
    for _ in range(RECEIPT_LENGTH):
        value, digit = divmod(value, len(RECEIPT_ALPHABET))
        digits.append(RECEIPT_ALPHABET[digit])
    raw = "".join(digits)
    return "-".join(raw[i : i + RECEIPT_GROUP] for i in range(0, len(raw), RECEIPT_GROUP))


def _clean_code(code: str) -> str:
    """Case, dashes and spaces are ignored on input."""
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


@lru_cache(maxsize=8)
def _receipt_key(secret: str) -> bytes:
    # Derived as django.utils.crypto.salted_hmac does, once per secret instead of per code.
    return hashlib.sha256((_RECEIPT_SALT + secret).encode()).digest()


def _keyed(cleaned: str, secret: str) -> str:
    return hmac.new(_receipt_key(secret), cleaned.encode(), hashlib.sha256).hexdigest()


def receipt_hash(code: str) -> str:
    """The hash stored for a new code (keyed with the current SECRET_KEY)."""
    return _keyed(_clean_code(code), settings.SECRET_KEY)


def candidate_hashes(code: str) -> list[str]:
    """Every stored hash this typed code may match: keyed with the current secret and the
    rotated-out ones (SECRET_KEY_FALLBACKS), or an old 26-character code's plain SHA-256."""
    cleaned = _clean_code(code)
    if _LEGACY_CODE.match(cleaned.lower()):
        return [hashlib.sha256(cleaned.lower().encode()).hexdigest()]
    secrets_ = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [_keyed(cleaned, secret) for secret in secrets_]


def find_by_receipt(number: str, code: str) -> Complaint | None:
    """The complaint for a number and its receipt code; None for a wrong code and for an
    unknown number alike (no enumeration)."""
    complaint = Complaint.objects.filter(number=(number or "").strip().upper()).first()
    expected = complaint.receipt_hash if complaint else "0" * 64
    matches = False
    for candidate in candidate_hashes(code):
        matches |= hmac.compare_digest(expected, candidate)
    return complaint if complaint is not None and matches else None


# --- filing -----------------------------------------------------------------------------


def clean_identity(identity: Identity | None) -> Identity:
    if identity is None:
        return Identity()
    name = plain_text(identity.name, "姓名", 40, required=False)
    phone = plain_text(identity.phone, "联系电话", 20, required=False)
    id_number = plain_text(identity.id_number, "身份证号", 18, required=False)
    contact = plain_text(identity.contact, "其他联系方式", 200, required=False)
    if phone and not _PHONE.match(phone):
        raise ValidationError({"联系电话": "联系电话格式不正确，请填写手机号或座机号"})
    if id_number and not _ID_NUMBER.match(id_number):
        raise ValidationError({"身份证号": "身份证号应为 18 位（最后一位可以是 X）"})
    return Identity(name=name, phone=phone, id_number=id_number.upper(), contact=contact)


def clean_fields(
    *, text: str, place: str = "", subject_name: str = "", unit: Unit | None = None
) -> dict[str, Any]:
    """The checks every channel shares; raises ValidationError with a Chinese message."""
    if unit is not None and unit.archived:
        raise ValidationError({"被举报单位": f"“{unit.name}”已撤销，请选择现有单位"})
    return {
        "text": plain_text(text, "举报内容", int(_config("COMPLAINT_MAX_CHARS"))),
        "place": plain_text(place, "地点", 200, required=False),
        "subject_name": plain_text(subject_name, "被举报干部", 60, required=False),
    }


def require_channel_actor(actor: Any, channel: str) -> None:
    if channel not in Complaint.Channel.values:
        raise ValidationError({"渠道": "未知的举报渠道"})
    if channel in STAFF_CHANNELS and not sees_all_units(actor):
        raise PermissionDenied("来信、来访、座谈、问卷和热线举报由督查室工作人员登记")


def assign_number(complaint: Complaint) -> None:
    complaint.number = f"JB{local_date(complaint.received_at):%Y%m%d}{complaint.pk:06d}"


def join_clusters(complaints: list[Complaint], index: ClusterIndex) -> None:
    """Put each complaint (in the given order, all with their primary keys) in the group of
    its nearest recent near-duplicate, if any: `cluster_id` is set on the objects, groups are
    created or grown in a few statements, and complaints already stored that start a new
    group are updated. Shared by a single filing and the hotline import's batches."""
    batch = {complaint.pk: complaint for complaint in complaints}
    new: dict[int, ComplaintCluster] = {}  # provisional negative id → unsaved group
    grown: dict[int, tuple[int, dt.datetime]] = {}  # stored group → (added, last_at)
    stored_firsts: dict[int, int] = {}  # stored complaint → provisional group it starts
    provisional: list[Any] = []  # index members holding a provisional group id
    for complaint in complaints:
        signature = bytes(complaint.signature)
        match = index.match(complaint.unit_id, complaint.received_at, signature)
        if match is not None:
            if match.cluster_id is None:
                key = -(len(new) + 1)
                new[key] = ComplaintCluster(
                    unit_id=complaint.unit_id,
                    first_id=match.complaint_id,
                    size=1,
                    last_at=match.received_at,
                )
                if match.complaint_id in batch:
                    batch[match.complaint_id].cluster_id = key
                else:
                    stored_firsts[match.complaint_id] = key
                match.cluster_id = key
                provisional.append(match)
            if match.cluster_id < 0:
                new[match.cluster_id].size += 1
                new[match.cluster_id].last_at = complaint.received_at
            else:
                added = grown.get(match.cluster_id, (0, complaint.received_at))[0]
                grown[match.cluster_id] = (added + 1, complaint.received_at)
            complaint.cluster_id = match.cluster_id
        member = index.add(
            complaint.unit_id, complaint.pk, complaint.cluster_id, complaint.received_at, signature
        )
        if member is not None and member.cluster_id is not None and member.cluster_id < 0:
            provisional.append(member)
    _store_clusters(complaints, new, grown, stored_firsts, provisional)


def _store_clusters(
    complaints: list[Complaint],
    new: dict[int, ComplaintCluster],
    grown: dict[int, tuple[int, dt.datetime]],
    stored_firsts: dict[int, int],
    provisional: list[Any],
) -> None:
    # One prepared statement per table, run for every row (an import's batch grows and
    # starts thousands of groups; CASE expressions with that many branches cost more to
    # build than to run).
    adapt = connection.ops.adapt_datetimefield_value
    _update_each(
        ComplaintCluster,
        "size = size + %s, last_at = %s",
        [(added, adapt(last_at), pk) for pk, (added, last_at) in grown.items()],
    )
    if not new:
        return
    keys = list(new)
    created = ComplaintCluster.objects.bulk_create([new[key] for key in keys])
    real = {key: cluster.pk for key, cluster in zip(keys, created, strict=True)}
    for complaint in complaints:
        if complaint.cluster_id is not None and complaint.cluster_id < 0:
            complaint.cluster_id = real[complaint.cluster_id]
    for member in provisional:
        if member.cluster_id < 0:
            member.cluster_id = real[member.cluster_id]
    _update_each(
        Complaint, "cluster_id = %s", [(real[key], pk) for pk, key in stored_firsts.items()]
    )


def _update_each(model: type[Any], assignments: str, params: list[tuple[Any, ...]]) -> None:
    """UPDATE one row per parameter tuple: the values of the `%s` in `assignments`, then the
    primary key. PostgreSQL: one UPDATE ... FROM (VALUES ...) per 5,000 rows; elsewhere one
    prepared statement run for every row."""
    if not params:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)
            return
        parts = assignments.split("%s")
        width = len(parts)  # the values, then the key
        sets = "".join(f"{part}v.c{i}" for i, part in enumerate(parts[:-1])) + parts[-1]
        names = ", ".join(f"c{i}" for i in range(width - 1))
        row = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(params), 5000):
            chunk = params[start : start + 5000]
            cursor.execute(
                f"UPDATE {table} AS t SET {sets} FROM (VALUES {', '.join([row] * len(chunk))}) "
                f"AS v({names}, id) WHERE t.id = v.id",
                [value for values in chunk for value in values],
            )


def recent_index(
    unit_ids: Iterable[int | None], since: dt.datetime, exclude: Iterable[int] = ()
) -> ClusterIndex:
    """The near-duplicate index over the units' complaints received since `since`."""
    index = ClusterIndex()
    ids = set(unit_ids)
    units = Q(unit_id__in=[pk for pk in ids if pk is not None])
    if None in ids:  # complaints whose unit is still unknown group among themselves
        units |= Q(unit_id__isnull=True)
    rows = (
        Complaint.objects.filter(units, received_at__gte=since)
        .exclude(pk__in=list(exclude))
        .order_by("received_at", "pk")  # oldest first: the index keeps each bucket's newest
    )
    for pk, unit_id, cluster_id, received_at, signature in rows.values_list(
        "pk", "unit_id", "cluster_id", "received_at", "signature"
    ).iterator(chunk_size=5000):
        index.add(unit_id, pk, cluster_id, received_at, bytes(signature))
    return index


@transaction.atomic
def file_complaint(
    *,
    actor: Any,
    channel: str,
    text: str,
    unit: Unit | None = None,
    subject_name: str = "",
    place: str = "",
    occurred_on: dt.date | None = None,
    identity: Identity | None = None,
    latitude: Any = None,
    longitude: Any = None,
    attachments: Iterable[Any] = (),
    at: dt.datetime | None = None,
) -> tuple[Complaint, str]:
    """Receive one complaint from any channel but the hotline import (see hotline.py).

    Returns the complaint and its receipt code, which is shown once and never stored.
    """
    at = at or timezone.now()
    require_channel_actor(actor, channel)
    fields = clean_fields(text=text, place=place, subject_name=subject_name, unit=unit)
    identity = clean_identity(identity)
    uploads = list(attachments)
    complaint, code = new_complaint(
        channel=channel,
        fields=fields,
        unit=unit,
        prediction=classify(fields["text"]),
        signature=signatures([fields["text"]])[0],
        at=at,
        occurred_on=occurred_on,
        latitude=latitude,
        longitude=longitude,
    )
    complaint.save()
    assign_number(complaint)
    join_clusters(
        [complaint], recent_index([complaint.unit_id], window_start(at), exclude=[complaint.pk])
    )
    complaint.save(update_fields=["number", "cluster"])
    user = actor if has_role(actor, Role.APPLICANT) else None
    if not identity.is_empty or user is not None:
        ComplainantIdentity.objects.create(complaint=complaint, user=user, sealed=seal(identity))
    # Checked all before the first is written (store_all); a refusal rolls the complaint back.
    store_all(uploads, lambda upload: _store_attachment(complaint, upload, at))
    filer = actor if channel in STAFF_CHANNELS else None
    filed_event(complaint, filer).save()
    record_many(actor=filer, events=[filed_audit_event(complaint)])
    if identity.phone:
        # Sent after the commit (a refused upload rolls back the text with the complaint).
        text_receipt(complaint, code, identity.phone)
    return complaint, code


def new_complaint(*, unit: Unit | None, **kwargs: Any) -> tuple[Complaint, str]:
    """An unsaved complaint waiting for triage from cleaned fields (see `clean_fields`), and
    its receipt code (shown once, only its hash is kept). Takes `complaint_values`'
    arguments; the hotline import inserts those values directly, so both store the same."""
    values, code = complaint_values(unit=unit, **kwargs)
    del values["unit_id"]
    # Saved before its key (part of the number) is known: a unique placeholder until then.
    return Complaint(unit=unit, number=f"tmp-{secrets.token_hex(8)}", **values), code


def complaint_values(
    *,
    channel: str,
    fields: dict[str, Any],
    unit: Unit | None,
    prediction: Prediction,
    signature: bytes,
    at: dt.datetime,
    **extra: Any,
) -> tuple[dict[str, Any], str]:
    """The field values (by attname; the rest keep their defaults, and the number is set
    with `assign_number` once the key is known) of a new complaint waiting for triage, and
    its receipt code."""
    code = new_receipt_code()
    values = {
        "channel": channel,
        "unit_id": unit.pk if unit is not None else None,
        "subject_is_head": names_head(unit, fields["subject_name"]),
        "status": Complaint.Status.TRIAGE,
        "received_at": at,
        "receipt_hash": receipt_hash(code),
        "token": secrets.token_hex(16),
        "suggested_category_id": prediction.category,
        "confidence": round(float(prediction.confidence), 4),
        # The classifier's spans; pages widen them to whole words (classifier.words) when
        # they show them: segmenting here would cost a 100,000-row import about 10 s.
        "category_words": list(prediction.words)[:8],
        "signature": signature,
        **fields,
        **extra,
    }
    return values, code


def filed_event(complaint: Complaint, actor: Any, note: str = "") -> ComplaintEvent:
    """The unsaved FILED step of a new complaint's timeline."""
    return ComplaintEvent(
        complaint=complaint,
        kind=ComplaintEvent.Kind.FILED,
        at=complaint.received_at,
        actor=actor,
        note=note,
        public_note=filed_public_note(complaint.channel),
    )


def filed_public_note(channel: str) -> str:
    """What the complainant reads on a new complaint's FILED step."""
    return f"已收到您的举报（{Complaint.Channel(channel).label}），正在甄别分办。"


def filed_audit_event(complaint: Any) -> PendingEvent:
    """The audit event of a new complaint: every field it was filed with (as `record_change`
    writes it for a change from nothing). `complaint` is a Complaint or any object with its
    values by attname (COMPLAINT_FIELDS are attnames), its `pk` and its `number`."""
    after = {name: getattr(complaint, name) for name in COMPLAINT_FIELDS}
    return PendingEvent(
        action="complaints.file_complaint",
        object_type=Complaint._meta.label_lower,
        object_id=str(complaint.pk),
        object_label=complaint.number,
        before={},
        after={key: value for key, value in after.items() if value is not None},
    )


@transaction.atomic
def file_open311_request(*, client: Any, service_code: str, **fields: Any) -> tuple[Complaint, str]:
    """A complaint an Open311 client POSTed: filed like any public complaint, plus an audit
    event naming the client (by key prefix, never the key) and the service it chose — the
    classifier's suggestion, not the client's code, is the category until triage."""
    complaint, code = file_complaint(actor=None, channel=Complaint.Channel.OPEN311, **fields)
    record(
        actor=None,
        action="complaints.open311_request",
        obj=complaint,
        after={
            "client": client.name,
            "key_prefix": client.key_prefix,
            "service_code": service_code,
        },
    )
    return complaint, code


def _store_attachment(complaint: Complaint, upload: Any, at: dt.datetime) -> ComplaintAttachment:
    return store_upload(ComplaintAttachment, upload, at=at, complaint=complaint)
