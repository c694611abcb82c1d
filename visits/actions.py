"""Every state change of the visits app: log a visit (its problems opened as the problems app's
duties), revise it (appended, never overwritten), review a flag, set an annual plan.

Each goes through the kernel (`zuofeng.transitions`): created records are audited with
`record_created`, changes with `transition`, in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from complaints.identity import Identity, seal
from complaints.intake.actions import clean_identity
from org.models import Unit
from org.scoping import sees_all_units, unit_of
from problems.models import Problem
from supervision.formalism.shingles import fingerprint
from visits import checks
from visits.models import Counterpart, Site, Visit, VisitFlag, VisitPhoto, VisitPlan, VisitRevision
from visits.photos import read_facts
from zuofeng.personal_data import empty_sealed, reseal_rows
from zuofeng.transitions import record_created, transition
from zuofeng.uploads import inspect_upload, store_all, store_upload
from zuofeng.validation import plain_text
from zuofeng.workdays.calendar import LOCAL_TZ

LEARNED_MAX = 3000
REASON_MAX = 500
SITE_NAME_MAX = 100
PHOTOS_MAX = 9
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
# A visit longer than this is a mistake in the times (a day's visit is logged per day).
VISIT_MAX_HOURS = 16

NEED_COUNTERPART = "请至少登记一类交谈对象及人数：走访要和群众面对面交谈"
NEED_PROBLEM_OR_REASON = "请登记发现的问题；如果没有发现问题，请说明原因"

VISIT_FIELDS = [
    "unit_id", "cadre_id", "site_id", "kind", "unannounced", "started_at", "ended_at",
    "problem_count", "counterpart_total", "origin", "revision_count",
]  # fmt: skip
# The fields a revision may change, in the order the history shows them.
REVISABLE = ["kind", "unannounced", "started_at", "ended_at", "learned", "no_problem_reason"]
FIELD_LABELS = {
    "kind": "走访类型",
    "unannounced": "四不两直",
    "started_at": "开始时间",
    "ended_at": "结束时间",
    "learned": "了解到的情况",
    "no_problem_reason": "未发现问题的说明",
}
PLAN_FIELDS = ["cadre_id", "unit_id", "year", "planned_days", "note"]
FLAG_REVIEW_FIELDS = ["status", "reviewer_id", "review_reason"]


@dataclass(frozen=True)
class CounterpartInput:
    kind: str
    count: int
    name: str = ""
    phone: str = ""

    def identity(self) -> Identity:
        return Identity(name=self.name.strip(), phone=self.phone.strip())


@dataclass(frozen=True)
class ProblemInput:
    title: str
    description: str
    unit: Unit
    # Index into the counterparts of the one who raised it (their contact is the callback's).
    raiser: int | None = None
    deadline_workdays: int | None = None


@dataclass
class Logged:
    visit: Visit
    problems: list[tuple[Any, str]] = field(default_factory=list)  # (Problem, receipt code)
    flags: list[VisitFlag] = field(default_factory=list)


def _require_cadre(actor: Any) -> Unit:
    unit = unit_of(actor)
    if unit is None:
        raise PermissionDenied("只有本区工作人员可以登记走访")
    return unit


def _site(
    unit: Unit, kind: str, name: str, latitude: Decimal | None, longitude: Decimal | None
) -> Site:
    if kind not in Site.Kind.values:
        raise ValidationError({"site_kind": "请选择走访地点类型"})
    name = plain_text(name, "地点名称", SITE_NAME_MAX)
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": "经纬度请同时填写，或都不填"})
    site, _ = Site.objects.get_or_create(unit=unit, kind=kind, name=name)
    if latitude is not None and not site.has_position:
        # The first position given for a site is kept; the office corrects it if wrong.
        site.latitude, site.longitude = latitude, longitude
        site.save(update_fields=["latitude", "longitude"])
    return site


def _check_times(started_at: dt.datetime, ended_at: dt.datetime, now: dt.datetime) -> None:
    if ended_at <= started_at:
        raise ValidationError({"ended_at": "结束时间必须晚于开始时间"})
    if ended_at - started_at > dt.timedelta(hours=VISIT_MAX_HOURS):
        raise ValidationError(
            {"ended_at": f"一次走访不能超过 {VISIT_MAX_HOURS} 小时，跨天请分别登记"}
        )
    if started_at > now:
        raise ValidationError({"started_at": "走访开始时间不能晚于现在：请在走访后登记"})


def _check_photos(photos: Sequence[Any]) -> None:
    if len(photos) > PHOTOS_MAX:
        raise ValidationError({"photos": f"每次走访最多上传 {PHOTOS_MAX} 张照片"})
    for photo in photos:
        name = (getattr(photo, "name", "") or "").lower()
        if not name.endswith(PHOTO_SUFFIXES):
            raise ValidationError(
                {"photos": f"“{photo.name}”不是照片：走访照片只能上传 JPG 或 PNG 图片"}
            )
        inspect_upload(photo)


def _store_photos(visit: Visit, photos: Sequence[Any], at: dt.datetime) -> None:
    def store_one(upload: Any) -> VisitPhoto:
        # The facts the checks need are read from the upload as it came: the stored copy has
        # lost its EXIF.
        upload.seek(0)
        facts = read_facts(upload.read())
        upload.seek(0)
        return store_upload(
            VisitPhoto,
            upload,
            at=at,
            visit=visit,
            phash=facts.phash,
            taken_at=facts.taken_at,
            latitude=facts.latitude,
            longitude=facts.longitude,
        )

    store_all(list(photos), store_one)


def _values(visit: Visit) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in REVISABLE:
        value = getattr(visit, name)
        values[name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return values


def log_visit(
    *,
    actor: Any,
    site_kind: str,
    site_name: str,
    kind: str,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    learned: str,
    counterparts: Sequence[CounterpartInput],
    problems: Sequence[ProblemInput] = (),
    no_problem_reason: str = "",
    unannounced: bool = False,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    companions: Sequence[Any] = (),
    photos: Sequence[Any] = (),
    origin: str = Visit.Origin.LOGGED,
    now: dt.datetime | None = None,
) -> Logged:
    """Record a visit by `actor` (the cadre who logs it) with its companions; open each
    problem found as a duty of its owner unit; run the shallow-visit checks.

    A logged visit needs at least one counterpart and either a problem or the reason none was
    found. `origin=IMPORTED` (old ledgers) skips that rule: the checks then flag what is thin."""
    now = now or timezone.now()
    unit = _require_cadre(actor)
    if kind not in Visit.Kind.values:
        raise ValidationError({"kind": "请选择走访类型"})
    _check_times(started_at, ended_at, now)
    learned = plain_text(learned, "了解到的情况", LEARNED_MAX, required=False)
    no_problem_reason = plain_text(
        no_problem_reason, "未发现问题的说明", REASON_MAX, required=False
    )
    counterparts = [c for c in counterparts if c.count]
    if any(c.count < 0 or c.kind not in Counterpart.Kind.values for c in counterparts):
        raise ValidationError({"counterparts": "交谈对象的类型或人数有误"})
    if origin == Visit.Origin.LOGGED:
        if not counterparts:
            raise ValidationError({"counterparts": NEED_COUNTERPART})
        if not problems and not no_problem_reason:
            raise ValidationError({"no_problem_reason": NEED_PROBLEM_OR_REASON})
        if not learned:
            raise ValidationError({"learned": "请填写了解到的情况"})
    for problem in problems:
        if problem.raiser is not None and not 0 <= problem.raiser < len(counterparts):
            raise ValidationError({"problems": "反映人须是登记的交谈对象之一"})
    for companion in companions:
        # Same unit only: the visit is read by its unit's people, and a companion from another
        # unit could not open the record that names them.
        if companion.pk == actor.pk or getattr(unit_of(companion), "pk", None) != unit.pk:
            raise ValidationError({"companions": "同行人员须是本单位的其他工作人员"})
    _check_photos(photos)
    identities = [clean_identity(c.identity()) for c in counterparts]

    with transaction.atomic():
        site = _site(unit, site_kind, site_name, latitude, longitude)
        visit = Visit.objects.create(
            unit=unit,
            cadre=actor,
            site=site,
            kind=kind,
            unannounced=unannounced,
            started_at=started_at,
            ended_at=ended_at,
            learned=learned,
            no_problem_reason=no_problem_reason,
            problem_count=len(problems),
            counterpart_total=sum(c.count for c in counterparts),
            learned_signature=fingerprint(learned) if learned else b"",
            origin=origin,
            created_at=now,
        )
        if companions:
            visit.companions.set(companions)
        for c, identity in zip(counterparts, identities, strict=True):
            Counterpart.objects.create(
                visit=visit,
                kind=c.kind,
                count=c.count,
                sealed_contact="" if identity.is_empty else seal(identity),
            )
        VisitRevision.objects.create(
            visit=visit,
            number=1,
            values=_values(visit),
            changed=[],
            reason="首次登记",
            editor=actor,
            created_at=now,
        )
        record_created(visit, actor=actor, action="visits.log_visit", fields=VISIT_FIELDS)
        logged = Logged(visit)
        if problems:
            from problems.actions import open_problem

            for problem in problems:
                raised_by = identities[problem.raiser] if problem.raiser is not None else None
                logged.problems.append(
                    open_problem(
                        actor=actor,
                        source=visit,
                        unit=problem.unit,
                        title=problem.title,
                        description=problem.description,
                        raised_by=raised_by,
                        deadline_workdays=problem.deadline_workdays,
                        at=now,
                    )
                )
        _store_photos(visit, photos, now)
        logged.flags = checks.check_visit(visit, now=now)
    return logged


def revise_visit(
    visit: Visit, *, actor: Any, reason: str, now: dt.datetime | None = None, **changes: Any
) -> Visit:
    """Append a revision: the visit's fields follow it, the earlier revisions stay as written.
    Only the cadre who logged the visit may revise it; a reason is required."""
    now = now or timezone.now()
    reason = plain_text(reason, "修改理由", REASON_MAX)
    unknown = set(changes) - set(REVISABLE)
    if unknown:
        raise ValueError(f"not revisable: {sorted(unknown)}")
    if "learned" in changes:
        changes["learned"] = plain_text(changes["learned"], "了解到的情况", LEARNED_MAX)
    if "no_problem_reason" in changes:
        changes["no_problem_reason"] = plain_text(
            changes["no_problem_reason"], "未发现问题的说明", REASON_MAX, required=False
        )
    if "kind" in changes and changes["kind"] not in Visit.Kind.values:
        raise ValidationError({"kind": "请选择走访类型"})

    def permit(locked: Visit) -> None:
        if locked.cadre_id != actor.pk:
            raise PermissionDenied("只有登记人可以修改走访记录")

    with transaction.atomic():
        with transition(
            visit,
            actor=actor,
            action="visits.revise_visit",
            fields=[*VISIT_FIELDS, "learned", "no_problem_reason"],
            reason=reason,
            permit=permit,
        ) as change:
            locked: Visit = change.obj
            before = _values(locked)
            for name, value in changes.items():
                setattr(locked, name, value)
            _check_times(locked.started_at, locked.ended_at, now)
            if not locked.problem_count and not locked.no_problem_reason:
                raise ValidationError(
                    {"no_problem_reason": "没有登记问题的走访，必须说明未发现问题的原因"}
                )
            after = _values(locked)
            changed = [name for name in REVISABLE if before[name] != after[name]]
            if not changed:
                raise ValidationError({"__all__": "没有修改任何内容"})
            locked.revision_count += 1
            locked.learned_signature = fingerprint(locked.learned) if locked.learned else b""
            locked.save()
            VisitRevision.objects.create(
                visit=locked,
                number=locked.revision_count,
                values=after,
                changed=changed,
                reason=reason,
                editor=actor,
                created_at=now,
            )
        checks.check_visit(locked, now=now)
    return locked


def _review_flag(flag: VisitFlag, *, actor: Any, status: str, reason: str, doing: str) -> VisitFlag:
    reason = plain_text(reason, "复核意见", REASON_MAX)

    def permit(locked: VisitFlag) -> None:
        if not sees_all_units(actor):
            raise PermissionDenied("只有督查室可以复核走访疑点")

    with (
        transaction.atomic(),
        transition(
            flag,
            actor=actor,
            action=f"visits.{status}_flag",
            fields=FLAG_REVIEW_FIELDS,
            allowed=[VisitFlag.Status.OPEN],
            doing=doing,
            noun="走访疑点",
            reason=reason,
            permit=permit,
        ) as change,
    ):
        locked: VisitFlag = change.obj
        locked.status = status
        locked.reviewer = actor
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.save()
    return locked


def confirm_flag(flag: VisitFlag, *, actor: Any, reason: str) -> VisitFlag:
    """The office found the visit shallow indeed (a finding for a person, not a deduction)."""
    return _review_flag(
        flag, actor=actor, status=VisitFlag.Status.CONFIRMED, reason=reason, doing="确认"
    )


def dismiss_flag(flag: VisitFlag, *, actor: Any, reason: str) -> VisitFlag:
    """A false flag: the reason is kept and dismissals are counted (the false-flag rate)."""
    return _review_flag(
        flag, actor=actor, status=VisitFlag.Status.DISMISSED, reason=reason, doing="排除"
    )


def set_visit_plan(
    *,
    actor: Any,
    cadre: Any,
    year: int,
    planned_days: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> VisitPlan:
    """The office sets (or changes) how many days a leading cadre plans to visit in a year."""
    if not sees_all_units(actor):
        raise PermissionDenied("只有督查室可以制定年度走访计划")
    unit = unit_of(cadre)
    if unit is None:
        raise ValidationError({"cadre": "请选择本区的领导干部"})
    if not 0 < planned_days <= 366:
        raise ValidationError({"planned_days": "计划走访天数应在 1 到 366 之间"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度有误"})
    note = plain_text(note, "说明", 200, required=False)
    now = now or timezone.now()
    with transaction.atomic():
        plan = VisitPlan.objects.filter(cadre=cadre, year=year).first()
        if plan is None:
            plan = VisitPlan.objects.create(
                cadre=cadre,
                unit=unit,
                year=year,
                planned_days=planned_days,
                note=note,
                set_by=actor,
                set_at=now,
            )
            record_created(plan, actor=actor, action="visits.set_visit_plan", fields=PLAN_FIELDS)
            return plan
        with transition(
            plan, actor=actor, action="visits.set_visit_plan", fields=PLAN_FIELDS, reason=note
        ) as change:
            locked: VisitPlan = change.obj
            locked.planned_days = planned_days
            locked.unit = unit
            locked.note = note
            locked.set_by = actor
            locked.set_at = now
            locked.save()
        return locked


SITE_FIELDS = ["unit_id", "kind", "name", "archived"]


def _require_unit_or_office(actor: Any, unit: Unit) -> None:
    if not sees_all_units(actor) and getattr(unit_of(actor), "pk", None) != unit.pk:
        raise PermissionDenied("只能登记本单位辖区（联系点）的走访地点")


def add_sites(*, actor: Any, unit: Unit, kind: str, names: Sequence[str]) -> list[Site]:
    """Register the places of a unit's area (its villages, communities, enterprises): the
    model-site check compares the sites visited with these. A name already registered is
    skipped (an archived one comes back)."""
    _require_unit_or_office(actor, unit)
    if kind not in Site.Kind.values:
        raise ValidationError({"kind": "请选择地点类型"})
    cleaned = list(
        dict.fromkeys(plain_text(n, "地点名称", SITE_NAME_MAX) for n in names if n.strip())
    )
    if not cleaned:
        raise ValidationError({"names": "请至少填写一个地点名称（每行一个）"})
    if len(cleaned) > 500:
        raise ValidationError({"names": "一次最多登记 500 个地点"})
    added = []
    with transaction.atomic():
        for name in cleaned:
            site = Site.objects.filter(unit=unit, kind=kind, name=name).first()
            if site is None:
                site = Site.objects.create(unit=unit, kind=kind, name=name)
                record_created(site, actor=actor, action="visits.add_site", fields=SITE_FIELDS)
                added.append(site)
            elif site.archived:
                with transition(
                    site, actor=actor, action="visits.restore_site", fields=SITE_FIELDS
                ):
                    Site.objects.filter(pk=site.pk).update(archived=False)
                    site.archived = False
                added.append(site)
    return added


def archive_site(site: Site, *, actor: Any, reason: str) -> Site:
    """A place no longer in the unit's area (merged village, closed enterprise): archived, not
    deleted, since old visits name it."""
    _require_unit_or_office(actor, site.unit)
    reason = plain_text(reason, "撤销理由", REASON_MAX)
    with transition(
        site, actor=actor, action="visits.archive_site", fields=SITE_FIELDS, reason=reason
    ) as change:
        locked: Site = change.obj
        locked.archived = True
        locked.save(update_fields=["archived"])
    return locked


def local_moment(day: dt.date, time: dt.time) -> dt.datetime:
    """A local date and time as an aware datetime (what the visit form's fields give)."""
    return dt.datetime.combine(day, time, tzinfo=LOCAL_TZ)


__all__ = [
    "CounterpartInput",
    "Logged",
    "ProblemInput",
    "confirm_flag",
    "dismiss_flag",
    "log_visit",
    "revise_visit",
    "set_visit_plan",
]


# --- retention and key rotation (zuofeng/personal_data.py) ----------------------------------


def contacts_due(before: dt.datetime) -> QuerySet[Counterpart]:
    """The sealed contacts of visits that ended before `before` and whose problems are all
    closed (the callback needs the contact until then)."""
    open_problem = Problem.objects.filter(
        source_type=Visit._meta.label_lower,
        source_id=Cast(OuterRef("visit_id"), CharField()),
        closed_at__isnull=True,
    )
    return (
        Counterpart.objects.filter(visit__ended_at__lt=before)
        .exclude(sealed_contact="")
        .exclude(Exists(open_problem))
    )


def anonymise_contacts(*, actor: Any, before: dt.datetime) -> int:
    """The retention purge: counterparts' contacts emptied (their kind and number stay in the
    ledger); one audit event per visit, without personal data. Returns how many visits."""
    if actor is not None and not sees_all_units(actor):
        raise PermissionDenied("只有督查室可以清除走访对象信息")
    return empty_sealed(
        contacts_due(before),
        "sealed_contact",
        owner="visit",
        actor=actor,
        action="visits.anonymise_contacts",
        reason=f"走访对象个人信息超过保存期限（{before.astimezone(LOCAL_TZ):%Y-%m-%d} 前走访）",
    )


def reseal_contacts(*, actor: Any, batch_size: int) -> dict[str, int]:
    """Key rotation: counterparts' contacts re-encrypted with the newest key. (Photos keep no
    sealed original: the facts the checks need are read at upload, the rest is stripped.)"""
    sealed = reseal_rows(Counterpart.objects.all(), "sealed_contact", batch_size=batch_size)
    return {"份走访对象联系方式": sealed}
