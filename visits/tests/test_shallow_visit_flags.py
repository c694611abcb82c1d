"""Shallow visits are flagged for the office's review, each kind with its reason, and a visit
that does not meet a rule is not flagged by it. Reviewing needs a reason; dismissals count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import District
from visits import actions, checks
from visits.models import Site, VisitFlag
from visits.samples import make_jpeg
from visits.tests.factories import CounterpartInput, day_at, log, photo
from zuofeng.measures import get_measure
from zuofeng.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db

OTHER_SUMMARY = (
    "在幸福社区与八位老人座谈，老人们反映社区食堂午餐价格偏高、菜品单一，"
    "行动不便的老人希望能送餐上门，另有楼道照明损坏多处。"
)
THIRD_SUMMARY = (
    "走访金桥工业园三家企业，企业负责人反映园区货车停车位不足，夜间用工招聘难，电费结算周期长。"
)


# Freezing time keeps a year's visits in one calendar year whatever day the suite runs.
MIDYEAR = dt.datetime(2026, 6, 15, 10, tzinfo=LOCAL_TZ)


def distinct_summary(n: int) -> str:
    topics = ["用工", "融资", "用电", "物流", "环评", "消防", "招聘", "税费", "停车", "用水"]
    return f"第{n}次走访，企业反映{topics[n % 10]}方面的困难，涉及{n * 7 + 3}名职工，需要协调解决。"


def kinds(visit: object) -> set[str]:
    return set(VisitFlag.objects.filter(visit=visit).values_list("kind", flat=True))


def test_a_photo_only_entry_is_flagged_and_a_real_visit_is_not(district: District) -> None:
    legacy = log(
        district.alice, counterparts=[], learned="", no_problem_reason="",
        photos=[photo(1)], origin="imported",
    ).visit  # fmt: skip
    assert kinds(legacy) == {"photo_only"}
    assert "没有登记任何交谈对象" in VisitFlag.objects.get(visit=legacy).reason
    real = log(district.alice, photos=[photo(2)], learned=OTHER_SUMMARY).visit
    assert kinds(real) == set()


def test_the_same_photo_reused_on_another_visit_is_flagged(district: District) -> None:
    first = log(district.alice, photos=[photo(10, "一.jpg")], started_at=day_at(20)).visit
    # The same picture re-encoded smaller, as a phone's messaging app would send it.
    image = Image.open(io.BytesIO(make_jpeg(10)))
    smaller = io.BytesIO()
    image.resize((80, 60)).save(smaller, "JPEG", quality=60)
    second = log(
        district.bob,
        photos=[SimpleUploadedFile("二.jpg", smaller.getvalue())],
        learned=OTHER_SUMMARY,
    ).visit
    flag = VisitFlag.objects.get(visit=second)
    assert flag.kind == "reused_photo" and flag.other_visit == first
    assert first.number in flag.reason and "一.jpg" in flag.reason
    different = log(district.bob, photos=[photo(11)], learned=THIRD_SUMMARY).visit
    assert kinds(different) == set()


def test_a_photo_taken_at_another_time_is_flagged(district: District) -> None:
    start = day_at(5, 9)
    on_time = log(
        district.alice, started_at=start, photos=[photo(20, taken_at=start + dt.timedelta(hours=1))]
    ).visit
    assert kinds(on_time) == set()
    late = log(
        district.alice,
        started_at=day_at(4, 9),
        learned=OTHER_SUMMARY,
        photos=[photo(21, "旧照.jpg", taken_at=day_at(40, 15))],
    ).visit
    assert kinds(late) == {"photo_time"}
    assert "旧照.jpg" in VisitFlag.objects.get(visit=late).reason


def test_a_photo_taken_far_from_the_site_is_flagged(district: District) -> None:
    near = log(
        district.alice, latitude=30.25, longitude=120.16,
        photos=[photo(30, position=(30.251, 120.161))],
    ).visit  # fmt: skip
    assert kinds(near) == set()
    assert Site.objects.get(name="柳塘村").has_position
    far = log(
        district.alice, learned=OTHER_SUMMARY, started_at=day_at(2),
        photos=[photo(31, "远处.jpg", position=(30.40, 120.40))],
    ).visit  # fmt: skip
    assert kinds(far) == {"photo_place"}
    assert "公里" in VisitFlag.objects.get(visit=far).reason


def test_the_same_summary_in_one_cadres_logs_is_flagged(district: District) -> None:
    first = log(district.alice, started_at=day_at(30)).visit
    copied = log(district.alice, site_name="桃源村", started_at=day_at(10)).visit
    flag = VisitFlag.objects.get(visit=copied)
    assert flag.kind == "copied_summary" and flag.other_visit == first
    assert flag.score >= checks.SUMMARY_JACCARD
    # Another cadre writing about the same village is not one cadre copying themselves.
    assert kinds(log(district.bob, started_at=day_at(9)).visit) == set()
    # A different summary by the same cadre is not flagged.
    assert kinds(log(district.alice, learned=OTHER_SUMMARY, started_at=day_at(8)).visit) == set()


@time_machine.travel(MIDYEAR, tick=False)
def test_visiting_the_same_few_sites_while_most_are_never_visited_is_flagged(
    district: District,
) -> None:
    year = day_at(0).year
    for n in range(10):
        Site.objects.create(unit=district.market, kind="enterprise", name=f"企业{n}")
    start = dt.datetime(year, 1, 5, 9, tzinfo=day_at(0).tzinfo)
    for n in range(checks.MODEL_MIN_VISITS):
        log(
            district.alice,
            site_kind="enterprise",
            site_name=f"企业{n % 2}",
            started_at=start + dt.timedelta(days=n),
            learned=distinct_summary(n),
        )
    flag = VisitFlag.objects.get(kind="model_sites")
    assert flag.cadre == district.alice and flag.visit is None
    assert "企业0" in flag.reason and "全年无人走访" in flag.reason


@time_machine.travel(MIDYEAR, tick=False)
def test_spreading_visits_over_the_area_is_not_flagged(district: District) -> None:
    year = day_at(0).year
    start = dt.datetime(year, 1, 5, 9, tzinfo=day_at(0).tzinfo)
    for n in range(checks.MODEL_MIN_VISITS + 2):
        log(
            district.alice,
            site_kind="enterprise",
            site_name=f"企业{n}",
            started_at=start + dt.timedelta(days=n),
            learned=distinct_summary(n),
        )
    assert checks.sweep_model_sites(day_at(0)) == {"model_site_flags": 0}
    assert not VisitFlag.objects.filter(kind="model_sites").exists()


def test_the_office_confirms_or_dismisses_with_a_reason_and_dismissals_count(
    district: District,
) -> None:
    log(district.alice, started_at=day_at(30))
    copied = log(district.alice, site_name="桃源村", started_at=day_at(10)).visit
    flag = VisitFlag.objects.get(visit=copied)
    with pytest.raises(ValidationError):
        actions.dismiss_flag(flag, actor=district.olivia, reason="")
    with pytest.raises(PermissionDenied):
        actions.dismiss_flag(flag, actor=district.ahead, reason="我看没问题")
    actions.dismiss_flag(flag, actor=district.olivia, reason="两村同一条管网，情况确实相同")
    flag.refresh_from_db()
    assert flag.status == "dismissed" and flag.review_reason.startswith("两村")
    # A dismissed flag is not raised again by the next check.
    checks.check_visit(copied, now=day_at(0))
    assert VisitFlag.objects.filter(visit=copied).count() == 1
    page = district.client_for(district.olivia).get("/staff/visits/flags/").content.decode()
    assert "已排除（误报）1 条" in page and "误报率 100%" in page
    measure = get_measure("visits.flags_dismissed")
    assert (
        measure.records(district.market.pk, day_at(40).date(), day_at(-1).date(), day_at(0)).count()
        == 1
    )


def test_the_office_reviews_a_flag_from_the_queue(district: District) -> None:
    log(district.alice, started_at=day_at(30))
    copied = log(district.alice, site_name="桃源村", started_at=day_at(10)).visit
    flag = VisitFlag.objects.get(visit=copied)
    office = district.client_for(district.olivia)
    assert "走访情况雷同" in office.get("/staff/visits/flags/").content.decode()
    office.post(f"/staff/visits/flags/{flag.pk}/", {"decision": "confirm", "reason": ""})
    flag.refresh_from_db()
    assert flag.status == "open"
    office.post(
        f"/staff/visits/flags/{flag.pk}/", {"decision": "confirm", "reason": "照抄上次记录"}
    )
    flag.refresh_from_db()
    assert flag.status == "confirmed" and flag.reviewer == district.olivia
    assert (
        district.client_for(district.alice)
        .post(f"/staff/visits/flags/{flag.pk}/", {"decision": "dismiss", "reason": "x"})
        .status_code
        == 404
    )


def test_flags_are_measures_never_a_count_of_visits(district: District) -> None:
    from zuofeng.measures import MEASURES

    codes = [code for code in MEASURES if code.startswith("visits.")]
    assert set(codes) == {"visits.flags_raised", "visits.flags_confirmed", "visits.flags_dismissed"}
    assert all(MEASURES[code].source.label == "visits.visitflag" for code in codes)


def test_counterparts_are_needed_on_a_logged_visit_but_not_on_an_imported_one(
    district: District,
) -> None:
    with pytest.raises(ValidationError):
        log(district.alice, counterparts=[], photos=[photo(3)])
    log(district.alice, counterparts=[CounterpartInput("resident", 0)], origin="imported")
