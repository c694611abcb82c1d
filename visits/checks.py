"""Shallow visits found by rule, as review items for the office (design §7: flags are for
people, never a deduction). Each rule says why in words a reviewer can check:

- photo_only: photos, but nobody talked to and no problem recorded (only entries carried over
  from old ledgers can be saved like this: the form refuses it);
- reused_photo: a photo whose perceptual hash is within PHASH_DISTANCE bits of a photo of
  another visit (the same picture re-encoded, resized or lightly cropped);
- photo_time / photo_place: the photo's EXIF time is outside the visit's claimed time (with
  PHOTO_TIME_SLACK), or its EXIF position is farther than PHOTO_PLACE_METRES from the site's;
- copied_summary: the visit's summary shares at least SUMMARY_JACCARD of its five-character
  shingles with an earlier summary of the same cadre (the MinHash signatures of
  supervision.formalism pick the candidates, the exact shingle sets decide);
- model_sites: over a calendar year, a cadre's visits concentrate on a few sites (the top
  MODEL_TOP_SITES take MODEL_TOP_SHARE or more of at least MODEL_MIN_VISITS visits) while most
  of the unit's registered sites (MODEL_UNVISITED_SHARE of at least MODEL_MIN_AREA_SITES) were
  never visited by the unit that year.

`check_visit` runs the per-visit rules when a visit is saved or revised, and the model-site
rule for its cadre; `sweep_model_sites` (a sweep step) re-runs the yearly rule for every cadre.
A flag exists once per kind and subject (`VisitFlag.key`): a dismissed flag is never raised again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q

from supervision.formalism.shingles import Shingled, normalise, similarity
from visits.models import Site, Visit, VisitFlag, VisitPhoto
from visits.photos import distance_m, nearest
from zuofeng.transitions import record_created
from zuofeng.workdays.calendar import LOCAL_TZ, local_date

# ImageHash's 64-bit pHash of the same picture re-encoded or resized differs by 0-4 bits; two
# different scenes by about 32. 8 leaves room for a light crop without meeting another scene.
PHASH_DISTANCE = 8
# Phone clocks drift and people upload later in the day: a photo taken up to this long before
# the visit's start or after its end is consistent with it.
PHOTO_TIME_SLACK = dt.timedelta(hours=2)
# GPS in a phone is good to tens of metres; a village spreads over a kilometre or two.
PHOTO_PLACE_METRES = 3000
# Summaries shorter than this (normalised characters) are not compared: "走访群众，了解情况"
# is too short to be a copy of anything.
MIN_SUMMARY_CHARS = 30
SUMMARY_JACCARD = 0.6
# The MinHash estimate errs by about ±0.1 at 128 values; candidates below this are not
# compared exactly.
SUMMARY_CANDIDATE = 0.35
MODEL_MIN_VISITS = 8
MODEL_TOP_SITES = 3
MODEL_TOP_SHARE = 0.6
MODEL_MIN_AREA_SITES = 6
MODEL_UNVISITED_SHARE = 0.5

FLAG_FIELDS = ["kind", "unit_id", "cadre_id", "visit_id", "other_visit_id", "status", "score"]


def _raise(
    key: str,
    kind: str,
    *,
    unit_id: int,
    cadre_id: int,
    reason: str,
    now: dt.datetime,
    visit: Visit | None = None,
    other_visit_id: int | None = None,
    score: float = 0.0,
) -> VisitFlag | None:
    """Raise a flag unless one with its key exists (open, confirmed or dismissed)."""
    if VisitFlag.objects.filter(key=key).exists():
        return None
    with transaction.atomic():
        flag = VisitFlag.objects.create(
            key=key,
            kind=kind,
            unit_id=unit_id,
            cadre_id=cadre_id,
            visit=visit,
            other_visit_id=other_visit_id,
            reason=reason,
            score=round(score, 4),
            created_at=now,
        )
        record_created(flag, actor=None, action="visits.raise_flag", fields=FLAG_FIELDS)
    return flag


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}"


def _span(visit: Visit) -> str:
    return f"{_when(visit.started_at)}—{visit.ended_at.astimezone(LOCAL_TZ):%H:%M}"


def check_visit(visit: Visit, *, now: dt.datetime) -> list[VisitFlag]:
    """Every rule for one saved visit (and the yearly rule for its cadre); the flags raised."""
    photos = list(visit.photos.all())
    raised = [
        _photo_only(visit, photos, now),
        _reused_photo(visit, photos, now),
        *_photo_metadata(visit, photos, now),
        _copied_summary(visit, now),
        model_sites_for(visit.cadre_id, visit.unit_id, local_date(visit.started_at).year, now),
    ]
    return [flag for flag in raised if flag is not None]


def _photo_only(visit: Visit, photos: list[VisitPhoto], now: dt.datetime) -> VisitFlag | None:
    if not photos or visit.counterpart_total or visit.problem_count:
        return None
    reason = (
        f"该记录有 {len(photos)} 张照片，但没有登记任何交谈对象，也没有发现任何问题"
        f"（{visit.get_origin_display()}）：是否只到现场拍照留痕？"
    )
    return _raise(
        f"photo_only:v{visit.pk}",
        VisitFlag.Kind.PHOTO_ONLY,
        unit_id=visit.unit_id,
        cadre_id=visit.cadre_id,
        visit=visit,
        reason=reason,
        now=now,
        score=1.0,
    )


def _reused_photo(visit: Visit, photos: list[VisitPhoto], now: dt.datetime) -> VisitFlag | None:
    mine = [p for p in photos if p.phash is not None]
    if not mine:
        return None
    others = list(
        VisitPhoto.objects.exclude(visit=visit)
        .filter(phash__isnull=False)
        .values_list("phash", "visit_id", "original_name")
    )
    if not others:
        return None
    # A district's year holds some tens of thousands of photos: one vectorised pass over all
    # of them per photo is a few milliseconds.
    hashes = np.array([row[0] for row in others], dtype=np.int64).view(np.uint64)
    best: tuple[int, VisitPhoto, tuple[int, int, str]] | None = None
    for photo in mine:
        at, bits = nearest(hashes, photo.phash)
        if bits <= PHASH_DISTANCE and (best is None or bits < best[0]):
            best = (bits, photo, others[at])
    if best is None:
        return None
    distance, photo, (_, other_visit_id, other_name) = best
    other = Visit.objects.select_related("site", "cadre").get(pk=other_visit_id)
    same = "相同" if distance == 0 else f"几乎相同（感知哈希相差 {distance} 位）"
    reason = (
        f"照片“{photo.original_name}”与走访记录 {other.number}（{_span(other)}，"
        f"{other.site.name}，{other.cadre.get_full_name() or other.cadre.username}）"
        f"的照片“{other_name}”{same}：是否用旧照片充当本次走访？"
    )
    return _raise(
        f"reused_photo:v{visit.pk}",
        VisitFlag.Kind.REUSED_PHOTO,
        unit_id=visit.unit_id,
        cadre_id=visit.cadre_id,
        visit=visit,
        other_visit_id=other.pk,
        reason=reason,
        now=now,
        score=1 - distance / 64,
    )


def _photo_metadata(visit: Visit, photos: list[VisitPhoto], now: dt.datetime) -> list[VisitFlag]:
    early, late = visit.started_at - PHOTO_TIME_SLACK, visit.ended_at + PHOTO_TIME_SLACK
    off_time = [p for p in photos if p.taken_at is not None and not early <= p.taken_at <= late]
    site = visit.site
    far: list[tuple[VisitPhoto, float]] = []
    if site.has_position:
        for p in photos:
            if p.latitude is None or p.longitude is None:
                continue
            here = (float(site.latitude), float(site.longitude))
            metres = distance_m(*here, p.latitude, p.longitude)
            if metres > PHOTO_PLACE_METRES:
                far.append((p, metres))
    flags = []
    if off_time:
        listed = "、".join(f"“{p.original_name}”拍摄于 {_when(p.taken_at)}" for p in off_time[:3])
        flags.append(
            _raise(
                f"photo_time:v{visit.pk}",
                VisitFlag.Kind.PHOTO_TIME,
                unit_id=visit.unit_id,
                cadre_id=visit.cadre_id,
                visit=visit,
                reason=f"走访时间为 {_span(visit)}，但照片{listed}（据照片EXIF信息）。",
                now=now,
                score=len(off_time) / len(photos),
            )
        )
    if far:
        listed = "、".join(f"“{p.original_name}”距离约 {m / 1000:.1f} 公里" for p, m in far[:3])
        flags.append(
            _raise(
                f"photo_place:v{visit.pk}",
                VisitFlag.Kind.PHOTO_PLACE,
                unit_id=visit.unit_id,
                cadre_id=visit.cadre_id,
                visit=visit,
                reason=(
                    f"走访地点为{site.name}，但照片的拍摄位置离该地点较远：{listed}"
                    "（据照片EXIF定位信息）。"
                ),
                now=now,
                score=len(far) / len(photos),
            )
        )
    return [flag for flag in flags if flag is not None]


def jaccard(a: Shingled, b: Shingled) -> float:
    union = len(np.union1d(a.distinct, b.distinct))
    return len(np.intersect1d(a.distinct, b.distinct, assume_unique=True)) / union if union else 0.0


def _copied_summary(visit: Visit, now: dt.datetime) -> VisitFlag | None:
    if len(normalise(visit.learned)) < MIN_SUMMARY_CHARS or not visit.learned_signature:
        return None
    signature = bytes(visit.learned_signature)
    candidates = [
        pk
        for pk, theirs in Visit.objects.filter(cadre_id=visit.cadre_id)
        .exclude(pk=visit.pk)
        .exclude(learned_signature=b"")
        .values_list("pk", "learned_signature")
        if similarity(signature, bytes(theirs)) >= SUMMARY_CANDIDATE
    ]
    if not candidates:
        return None
    mine = Shingled.of(visit.learned)
    best: tuple[float, Visit] | None = None
    for other in Visit.objects.filter(pk__in=candidates).select_related("site"):
        score = jaccard(mine, Shingled.of(other.learned))
        if score >= SUMMARY_JACCARD and (best is None or score > best[0]):
            best = (score, other)
    if best is None:
        return None
    score, other = best
    reason = (
        f"本次“了解到的情况”与同一登记人的走访记录 {other.number}（{_span(other)}，"
        f"{other.site.name}）有 {score:.0%} 的内容相同：不同地点、不同对象的走访，情况记录却雷同。"
    )
    return _raise(
        f"copied_summary:v{visit.pk}",
        VisitFlag.Kind.COPIED_SUMMARY,
        unit_id=visit.unit_id,
        cadre_id=visit.cadre_id,
        visit=visit,
        other_visit_id=other.pk,
        reason=reason,
        now=now,
        score=score,
    )


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ),
        dt.datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ),
    )


def model_sites_for(cadre_id: int, unit_id: int, year: int, now: dt.datetime) -> VisitFlag | None:
    """The model-site rule for one cadre's visits (logged for one unit) in one year."""
    start, end = _year_bounds(year)
    visits = Visit.objects.filter(
        cadre_id=cadre_id, unit_id=unit_id, started_at__gte=start, started_at__lt=end
    )
    per_site = Counter(dict(visits.values_list("site").annotate(n=Count("id")).order_by()))
    total = sum(per_site.values())
    if total < MODEL_MIN_VISITS:
        return None
    top = per_site.most_common(MODEL_TOP_SITES)
    share = sum(n for _, n in top) / total
    if share < MODEL_TOP_SHARE:
        return None
    area = list(
        Site.objects.filter(unit_id=unit_id, archived=False)
        .annotate(
            seen=Count(
                "visits",
                filter=Q(visits__started_at__gte=start, visits__started_at__lt=end),
            )
        )
        .order_by("name")
        .values_list("pk", "name", "seen")
    )
    if len(area) < MODEL_MIN_AREA_SITES:
        return None
    never = [name for _, name, seen in area if not seen]
    if len(never) / len(area) < MODEL_UNVISITED_SHARE:
        return None
    names = dict(Site.objects.filter(pk__in=[pk for pk, _ in top]).values_list("pk", "name"))
    concentrated = "、".join(f"{names[pk]}（{n} 次）" for pk, n in top)
    shown = "、".join(never[:5]) + ("等" if len(never) > 5 else "")
    reason = (
        f"{year}年共走访 {total} 次，其中 {sum(n for _, n in top)} 次（{share:.0%}）集中在"
        f"{concentrated}；本单位登记的 {len(area)} 个走访点中有 {len(never)} 个全年无人走访"
        f"（如{shown}）：是否总去“示范点”？"
    )
    latest = visits.order_by("-started_at").first()
    return _raise(
        f"model_sites:u{cadre_id}:d{unit_id}:{year}",
        VisitFlag.Kind.MODEL_SITES,
        unit_id=unit_id,
        cadre_id=cadre_id,
        visit=None,
        other_visit_id=latest.pk if latest else None,
        reason=reason,
        now=now,
        score=share,
    )


def sweep_model_sites(now: dt.datetime) -> dict[str, int]:
    """The yearly rule for every cadre with visits this year (and last year, in January, when
    the year's last visits may have been logged late). Idempotent: flags exist once per key."""
    today = local_date(now)
    years = [today.year] if today.month > 1 else [today.year - 1, today.year]
    raised = 0
    for year in years:
        start, end = _year_bounds(year)
        pairs: Any = (
            Visit.objects.filter(started_at__gte=start, started_at__lt=end)
            .values_list("cadre_id", "unit_id")
            .distinct()
            .order_by()
        )
        for cadre_id, unit_id in pairs:
            if model_sites_for(cadre_id, unit_id, year, now) is not None:
                raised += 1
    return {"model_site_flags": raised}
