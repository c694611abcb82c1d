"""Demo step for 座谈会: three forums of the fictional district (an enterprise forum, a
community residents' forum, a forum on older people's difficulties in the service hall), with
the problems raised at each given to units and played to different fates: solved with a
satisfied callback, solved late, one returned after a dissatisfied callback, one overdue, one
anonymous verified by the office, some still open or waiting for the callback.

Everything goes through `forums.actions` and `problems.actions` with times in the past.
Call inside the build's transaction, after supervision and before the sweep (which gives the
overdue problem its red warning and escalation). Deterministic for a seed and an anchor.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from complaints.identity import Identity
from demo import data
from demo.problems import at_workday, demo_receipt, set_receipt, settle
from forums import actions
from forums.models import Forum
from org.models import Unit
from org.roles import Role
from problems.models import Problem
from zuofeng.workdays.calendar import LOCAL_TZ

# The receipt code of the first demo problem, for trying the public follow page.
DEMO_RECEIPT = "WTDM-QSZF-2628"


@dataclass(frozen=True)
class DemoProblem:
    unit: str  # unit code; the first existing of a few is used
    title: str
    description: str
    fate: str
    fix: str
    raiser: tuple[str, str] | None  # (name, phone), fictional; None: anonymous


@dataclass(frozen=True)
class DemoForum:
    days_before: int
    title: str
    place: str
    unit: str
    host: str
    attendance: dict[str, int]
    minutes: str
    problems: tuple[DemoProblem, ...]


FORUMS: tuple[DemoForum, ...] = (
    DemoForum(
        days_before=75,
        title="青石镇营商环境企业座谈会",
        place="青石镇政府三楼会议室",
        unit="QSZ",
        host="镇长 周某",
        attendance={"企业代表": 9, "部门工作人员": 4, "人大代表、政协委员": 2},
        minutes=(
            "一、镇政府通报今年以来优化营商环境工作情况。\n"
            "二、企业代表逐一发言，集中反映办事跑腿多、审批慢、园区配套不到位等问题。\n"
            "三、区市场监管局、区税务局等部门现场回应，能当场解答的当场解答。\n"
            "四、会议议定：会上反映的问题由督查室逐条交办，限期办结并回访企业。"
        ),
        problems=(
            DemoProblem(
                "MKT",
                "营业执照变更要跑三次窗口",
                "企业代表反映办理营业执照经营范围变更，窗口前后三次要求补充不同材料，一次性告知没有落实。",
                "solved",
                "已对窗口人员开展一次性告知培训，变更登记材料清单已在网上公开",
                ("企业代表陈先生", "13900001001"),
            ),
            DemoProblem(
                "TAX",
                "新办企业发票申领等待时间长",
                "新办企业首次申领发票需要等一周以上，窗口说要等系统审核，没有明确时限。",
                "solved_late",
                "新办企业发票申领已压缩至两个工作日，设立专门窗口",
                ("企业代表林女士", "13900001002"),
            ),
            DemoProblem(
                "HOU",
                "厂房扩建项目施工许可迟迟办不下来",
                "企业扩建厂房，施工许可申请提交两个月没有答复，多次打电话询问都说在走流程。",
                "overdue",
                "",
                ("企业代表黄先生", "13900001003"),
            ),
            DemoProblem(
                "URB",
                "工业园区门口道路坑洼积水",
                "园区门口道路坑洼，下雨天积水严重，货车进出困难，反映过多次没有人管。",
                "verified",
                "已对园区门口路面进行修补，疏通排水沟",
                None,
            ),
        ),
    ),
    DemoForum(
        days_before=40,
        title="城关街道石桥社区群众代表座谈会",
        place="石桥社区党群服务中心",
        unit="CGJD",
        host="街道办主任 吴某",
        attendance={"群众代表": 14, "村（社区）干部": 3, "人大代表、政协委员": 2},
        minutes=(
            "一、街道通报社区治理和民生实事进展情况。\n"
            "二、群众代表发言，反映小区环境卫生、老年人补贴发放、社区卫生服务等问题。\n"
            "三、社区干部就能够立即解决的问题作了说明。\n"
            "四、其余问题由督查室交办相关部门，办理结果向反映群众回访。"
        ),
        problems=(
            DemoProblem(
                "URB",
                "小区垃圾清运不及时",
                "石桥小区东门垃圾点经常三四天才清运一次，夏天气味很大，居民意见很大。",
                "solved",
                "已将石桥小区垃圾清运调整为每日两次，并增设分类垃圾桶",
                ("居民王女士", "13900002001"),
            ),
            DemoProblem(
                "CIV",
                "高龄津贴申请后几个月没有发放",
                "八十岁以上老人申请高龄津贴，材料交到社区三个多月了还没有发放，也没人说明原因。",
                "returned",
                "已电话告知申请人正在审核",
                ("居民赵先生", "13900002002"),
            ),
            DemoProblem(
                "HLT",
                "社区卫生服务站周末不开门",
                "社区卫生服务站周末不开门，老人周末量血压、拿常用药要跑到很远的医院。",
                "solved",
                "社区卫生服务站已实行周末轮班，周六周日上午开诊",
                ("居民孙女士", "13900002003"),
            ),
        ),
    ),
    DemoForum(
        days_before=12,
        title="老年人办事难专题座谈会",
        place="区政务服务中心二楼会议室",
        unit="ZWZX",
        host="政务服务中心主任 郑某",
        attendance={"群众代表": 10, "部门工作人员": 5},
        minutes=(
            "一、政务服务中心介绍适老化服务措施。\n"
            "二、老年群众代表反映不会用手机预约、窗口只收电子材料、医保社保业务要来回跑等问题。\n"
            "三、会议要求各窗口保留传统服务方式，问题清单由督查室交办并跟踪办理。"
        ),
        problems=(
            DemoProblem(
                "ZWZX",
                "窗口只能手机预约，老人不会用",
                "老人到政务服务中心办事被告知要先手机预约取号，现场没有人工取号，也没人帮忙。",
                "awaiting",
                "恢复现场人工取号，并在大厅设置助老服务岗",
                ("居民钱先生", "13900003001"),
            ),
            DemoProblem(
                "MED",
                "异地就医备案手续复杂",
                "老人去外地子女家长住，办理异地就医备案要准备很多证明，窗口说法和网上不一致。",
                "open",
                "",
                ("居民周女士", "13900003002"),
            ),
            DemoProblem(
                "HRS",
                "养老金资格认证不会在手机上操作",
                "每年养老金资格认证要用手机刷脸，独居老人不会操作，社区也说不清找谁帮忙。",
                "open",
                "",
                None,
            ),
        ),
    ),
)


def _unit(code: str, fallback: list[Unit]) -> Unit:
    """The unit of that code, or (a district without it) one chosen by the code's letters."""
    unit = Unit.objects.filter(code=code, archived=False).first()
    return unit if unit is not None else fallback[sum(map(ord, code)) % len(fallback)]


def _staff(unit: Unit) -> User | None:
    return (
        User.objects.filter(staff__unit=unit, groups__name=Role.UNIT_STAFF)
        .exclude(pk=unit.head_id or 0)
        .order_by("pk")
        .first()
    )


def build_forums(seed: int, anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    """The three demo forums and their problems; returns counts by kind."""
    rng = random.Random(f"zuofeng-demo:{seed}:forums")
    office = (
        User.objects.filter(staff__unit__code=data.SUPERVISION.code, groups__name=Role.SUPERVISOR)
        .order_by("pk")
        .first()
    )
    fallback = list(
        Unit.objects.filter(
            archived=False, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET]
        ).order_by("code")
    )
    if office is None or not fallback:
        return {"forums": 0, "forum_problems": 0}
    problems = 0
    for spec in FORUMS:
        held_on = anchor - dt.timedelta(days=spec.days_before)
        recorded = dt.datetime.combine(held_on, dt.time(17), tzinfo=LOCAL_TZ)
        forum = actions.record_forum(
            actor=office,
            title=spec.title,
            held_on=held_on,
            place=spec.place,
            unit=_unit(spec.unit, fallback),
            host=spec.host,
            attendance=spec.attendance,
            minutes=spec.minutes,
            at=recorded,
        )
        opened = at_workday(recorded, 1, 9)
        for item in spec.problems:
            problem = _raise(forum, item, office=office, fallback=fallback, at=opened, now=now)
            set_receipt(problem, DEMO_RECEIPT if problems == 0 else demo_receipt(rng))
            problems += 1
    return {"forums": len(FORUMS), "forum_problems": problems}


def _raise(
    forum: Forum, item: DemoProblem, *, office: Any, fallback: list[Unit], at: Any, now: Any
) -> Problem:
    unit = _unit(item.unit, fallback)
    raiser = Identity(name=item.raiser[0], phone=item.raiser[1]) if item.raiser else None
    problem, _ = actions.raise_problem(
        forum,
        actor=office,
        unit=unit,
        title=item.title,
        description=item.description,
        raised_by=raiser,
        at=at,
    )
    staff = _staff(unit)
    if staff is not None:
        problem = settle(problem, item.fate, office=office, staff=staff, fix=item.fix, now=now)
    return problem
