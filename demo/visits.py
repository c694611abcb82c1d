"""Demo step for 下基层调研: a year of visits by the heads and a clerk of the townships, streets
and a few departments, with the problems they found (most solved, some still open), annual plans
for every head, and planted shallow visits the office should find: one photo reused on three
visits, one cadre's copied summaries, a head who visits the same two "model" villages over and
over, two photo-only entries carried over from an old paper ledger, a photo taken weeks before
the visit it is attached to and one taken far from the site. Two flags are already reviewed
(one confirmed, one dismissed), so the false-flag count is not empty.

Everything goes through `visits.actions` and `problems.actions` with past times (`now`/`at`),
so the audit chain explains the data. Photos are small real JPEGs (visits.samples) with EXIF
where a check reads it. Call inside the build's transaction, after the supervision step.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from demo import data
from org.models import Unit
from org.roles import Role
from problems import actions as problem_actions
from problems.models import Problem
from visits import actions
from visits.actions import CounterpartInput, ProblemInput
from visits.checks import MODEL_MIN_VISITS
from visits.models import Site, Visit, VisitFlag
from visits.samples import make_jpeg
from zuofeng.workdays.calendar import LOCAL_TZ

# Departments whose cadres visit enterprises and households in the demo (the rest of the
# departments log no visits: the report is about who went, not about everyone).
VISITING_DEPARTMENTS = ("MKT", "HRS")
VISITS_PER_CADRE = 5
SITES_PER_UNIT = 8
# The district's fictional centre (a point in no real town's name).
CENTRE = (30.10, 120.30)

VILLAGE_STEMS = [
    "杨柳",
    "桃花",
    "石桥",
    "清泉",
    "竹林",
    "枫树",
    "荷塘",
    "梨园",
    "松山",
    "柏坡",
    "李家",
    "王庄",
    "新塘",
    "下湾",
    "上坪",
    "双溪",
]
COMMUNITY_STEMS = [
    "幸福",
    "和平",
    "春晖",
    "锦绣",
    "阳光",
    "康乐",
    "朝阳",
    "翠苑",
    "文华",
    "紫荆",
    "金色",
    "新华",
    "长青",
    "红星",
    "静安",
    "明珠",
]
ENTERPRISE_STEMS = [
    "恒达",
    "瑞丰",
    "鑫源",
    "华宇",
    "宏图",
    "永盛",
    "嘉禾",
    "隆昌",
    "博远",
    "天成",
    "东升",
    "安泰",
    "顺发",
    "众信",
    "康源",
    "兴业",
]
ENTERPRISE_TRADES = ["食品有限公司", "机械制造有限公司", "农业专业合作社", "物流有限公司",
                     "建材有限公司", "家庭农场", "电子科技有限公司", "商贸有限公司"]  # fmt: skip

# (what the cadre heard, the problem as assigned, its detail, owner: "own" or a department code)
FINDINGS: list[tuple[str, str, str, str]] = [
    ("{site}东头{n}户人家反映夏季用水高峰经常停水，要到邻村挑水", "{site}夏季用水高峰停水",
     "{n}户居民夏季用水高峰停水，自来水管网老化需改造", "own"),
    ("村口道路有{n}处塌陷，雨天电动车摔倒过两次", "{site}村口道路塌陷",
     "村口道路{n}处塌陷，雨天出行危险，需修复", "TRA"),
    ("{n}位留守老人说医保报销要跑镇上三趟，材料重复交", "{site}老人医保报销跑多趟",
     "{n}位老人反映医保报销需多次往返、重复提交材料", "MED"),
    ("小区{n}盏路灯坏了大半年，晚上老人不敢出门", "{site}路灯长期损坏",
     "{n}盏路灯损坏半年以上无人维修", "URB"),
    ("企业反映招工难，{n}个岗位两个月没招到人，不知有何补贴", "{site}招工难、不了解就业补贴",
     "企业{n}个岗位长期空缺，不了解吸纳就业补贴政策", "HRS"),
    ("企业说办食品经营许可变更跑了{n}次，窗口一次没讲清要什么材料", "{site}许可变更多次跑腿",
     "企业办理食品经营许可变更往返{n}次，未一次性告知所需材料", "MKT"),
    ("河道边堆了{n}处建筑垃圾，夏天气味很大", "{site}河道旁建筑垃圾堆放",
     "河道两侧{n}处建筑垃圾长期堆放，影响环境", "own"),
    ("{n}户困难家庭冬季取暖补贴还没发到位", "{site}困难家庭取暖补贴未发放",
     "{n}户困难家庭冬季取暖补贴未按时发放", "CIV"),
    ("合作社的{n}亩大棚缺少灌溉用电，申请变压器增容半年没回音", "{site}大棚灌溉用电增容无回音",
     "合作社{n}亩大棚灌溉用电不足，变压器增容申请半年无答复", "AGR"),
    ("老旧楼道{n}处消防通道被杂物堵塞，住户自己清不动", "{site}消防通道堵塞",
     "{n}处楼道消防通道被杂物堵塞，需组织清理", "own"),
]  # fmt: skip
# What a visit learned without a problem to assign (the reason none was found goes with it).
CONTEXT = [
    "与{k}围坐交谈，了解今年秋粮收成和务工收入情况",
    "查看了上次走访交办的{n}件事项整改情况，群众表示满意",
    "宣讲了城乡居民养老保险缴费新政策，现场解答了{n}个问题",
    "走访了{n}户独居老人，询问身体状况和生活需要",
    "到文化广场听取群众对新建健身设施的意见",
    "今年新办了{n}家小店，经营户对办照速度比较满意",
    "和网格员一起入户核对了{n}户低保家庭的收入变化",
    "查看了垃圾分类投放点，分类准确率比春季有提高",
    "在卫生室了解家庭医生签约服务，签约率约{n}成",
    "与驻村第一书记交流了集体经济项目的进度",
    "走进{n}户农家询问秋冬季用电用气安全",
    "和{k}代表商量了村规民约修订的几条意见",
    "检查了防汛物资仓库，沙袋和救生衣数量齐全",
    "到幼儿园和小学门口查看了上下学时段交通秩序",
    "参加了院坝议事会，听取{n}位{k}对道路硬化的想法",
    "询问了返乡创业青年的融资需求和用地情况",
]
NO_PROBLEM_REASONS = [
    "本次以回访上次问题整改为主，群众表示已解决，未发现新问题",
    "本次为政策宣讲，群众提出的疑问已现场解答，未发现需交办的问题",
    "走访对象生活、生产正常，未反映需要协调解决的问题",
]
COPIED_SUMMARY = (
    "深入基层一线，与群众面对面交流，认真听取群众意见建议，详细了解群众生产生活情况，"
    "群众对各项工作总体满意，下一步将持续关注群众急难愁盼问题。"
)


@dataclass
class Cadre:
    user: User
    unit: Unit


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LOCAL_TZ)


def _calendar_window(anchor: dt.date) -> tuple[dt.date, int]:
    """The first day and length of the calendar year (to date) the model-site head's visits
    fall in: this year when enough of it has passed, else last year."""
    start = dt.date(anchor.year, 1, 2)
    if (anchor - start).days < 60:
        return dt.date(anchor.year - 1, 1, 2), 360
    return start, (anchor - start).days - 2


def _jpeg(name: str, seed: str, **facts: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(seed, **facts), content_type="image/jpeg")  # type: ignore[arg-type]


def _sites(rng: random.Random, unit: Unit, index: int) -> list[Site]:
    """The unit's area: villages or communities for a township or street, enterprises for a
    department; each with a position near the district's centre."""
    lat0 = CENTRE[0] + (index % 5) * 0.08
    lng0 = CENTRE[1] + (index // 5) * 0.08
    if unit.kind == Unit.Kind.TOWNSHIP:
        names = [(Site.Kind.VILLAGE, f"{s}村") for s in rng.sample(VILLAGE_STEMS, SITES_PER_UNIT)]
    elif unit.kind == Unit.Kind.STREET:
        names = [
            (Site.Kind.COMMUNITY, f"{s}社区") for s in rng.sample(COMMUNITY_STEMS, SITES_PER_UNIT)
        ]
    else:
        names = [
            (Site.Kind.ENTERPRISE, f"{stem}{rng.choice(ENTERPRISE_TRADES)}")
            for stem in rng.sample(ENTERPRISE_STEMS, SITES_PER_UNIT)
        ]
    return [
        Site.objects.create(
            unit=unit,
            kind=kind,
            name=name,
            latitude=round(lat0 + rng.uniform(-0.02, 0.02), 6),
            longitude=round(lng0 + rng.uniform(-0.02, 0.02), 6),
        )
        for kind, name in names
    ]


def _cadres(unit: Unit) -> list[Cadre]:
    """The head and the first clerk (not the window) of a unit."""
    people = []
    if unit.head_id:
        people.append(Cadre(unit.head, unit))
    clerk = (
        User.objects.filter(staff__unit=unit, groups__name=Role.UNIT_STAFF)
        .exclude(pk=unit.head_id or 0)
        .order_by("pk")
        .first()
    )
    if clerk is not None:
        people.append(Cadre(clerk, unit))
    return people


def _learned(rng: random.Random, site: Site, contexts: list[str], findings: list[int]) -> str:
    """What a visit learned: two context sentences and its findings, each a template a cadre
    uses once a year (a cadre's honest logs do not repeat themselves)."""
    kind = rng.choice(["村民", "居民", "职工"])
    parts = [c.format(n=rng.randint(2, 12), k=kind) for c in contexts]
    for f in findings:
        parts.append(FINDINGS[f][0].format(site=site.name, n=rng.randint(2, 15)))
    return f"到{site.name}走访。" + "；".join(parts) + "。"


def build_visits(seed: int, anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    rng = random.Random(f"zuofeng-demo:{seed}:visits")
    units = list(
        Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.STREET]).order_by("code")
    ) + list(Unit.objects.filter(code__in=VISITING_DEPARTMENTS).order_by("code"))
    departments = {u.code: u for u in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)}
    supervisors = list(
        User.objects.filter(
            staff__unit__code=data.SUPERVISION.code, groups__name=Role.SUPERVISOR
        ).order_by("pk")
    )
    if len(units) < 4 or not supervisors:
        return {"visits": 0}
    office = supervisors[0]
    year_start = anchor - dt.timedelta(days=330)
    area = {unit.pk: _sites(rng, unit, i) for i, unit in enumerate(units)}
    # The planted ones: a head who keeps to two model villages, a clerk who copies summaries,
    # a head who reuses one photo.
    townships = [u for u in units if u.kind == Unit.Kind.TOWNSHIP]
    model_unit, copy_unit, photo_unit = townships[0], townships[1], townships[2]
    opened: list[tuple[Problem, dt.datetime]] = []
    visits = 0

    for unit in units:
        sites = area[unit.pk]
        cadres = _cadres(unit)
        for cadre in cadres:
            is_head = cadre.user.pk == unit.head_id
            if unit == model_unit and not is_head:
                continue  # the model-site head's unit: nobody else goes out either
            order = rng.sample(sites, len(sites))
            contexts = rng.sample(CONTEXT, len(CONTEXT))
            unused_findings = rng.sample(range(len(FINDINGS)), len(FINDINGS))
            count = MODEL_MIN_VISITS if unit == model_unit else VISITS_PER_CADRE
            first, span = year_start, 320
            if unit == model_unit:
                # The model-site rule looks at one calendar year.
                first, span = _calendar_window(anchor)
            for v in range(count):
                day = first + dt.timedelta(
                    days=int(v * span / count) + rng.randint(0, span // count // 2)
                )
                if day >= anchor:
                    day = anchor - dt.timedelta(days=1)
                while day.weekday() >= 5:
                    day -= dt.timedelta(days=1)
                start = _local(day, rng.choice([9, 10, 14, 15]), rng.choice([0, 30]))
                end = start + dt.timedelta(minutes=rng.choice([60, 90, 120, 150]))
                site = order[v % len(order)]
                if unit == model_unit:
                    site = sites[v % 2]
                n = rng.randint(3, 12)
                findings = [unused_findings.pop()] if rng.random() < 0.45 else []
                learned = _learned(
                    rng, site, contexts[2 * v : 2 * v + 2], findings
                )  # 8 visits at most
                photo_facts: dict[str, object] = {
                    "taken_at": start + dt.timedelta(minutes=20),
                    "position": (float(site.latitude), float(site.longitude)),
                }
                photo_seed = f"{unit.code}:{cadre.user.pk}:{v}"
                if unit == copy_unit and not is_head and v >= VISITS_PER_CADRE - 3:
                    learned, findings = COPIED_SUMMARY, []
                if unit == photo_unit and is_head and v >= VISITS_PER_CADRE - 3:
                    photo_seed = f"{unit.code}:reused"
                    photo_facts = {}
                if unit == townships[3] and is_head and v == VISITS_PER_CADRE - 1:
                    photo_facts["taken_at"] = start - dt.timedelta(days=47)
                if unit == townships[4] and is_head and v == VISITS_PER_CADRE - 1:
                    photo_facts["position"] = (CENTRE[0] + 0.6, CENTRE[1] - 0.5)
                counterparts = [
                    CounterpartInput(
                        rng.choice(["resident", "grassroots", "vulnerable"])
                        if unit.kind != Unit.Kind.DEPARTMENT
                        else "enterprise",
                        n,
                        # A fictional contact for the callback, on about half the visits.
                        *(("联系人" + chr(0x7532 + v % 10), f"1390099{rng.randint(0, 9999):04d}")
                          if findings and rng.random() < 0.6 else ("", "")),
                    )
                ]  # fmt: skip
                problems = []
                for f in findings:
                    _, title, detail, owner = FINDINGS[f]
                    owner_unit = unit if owner == "own" else departments.get(owner, unit)
                    problems.append(
                        ProblemInput(
                            title.format(site=site.name)[:60],
                            detail.format(n=rng.randint(2, 15)),
                            owner_unit,
                            0 if counterparts[0].phone else None,
                        )
                    )
                logged = actions.log_visit(
                    actor=cadre.user,
                    site_kind=site.kind,
                    site_name=site.name,
                    kind=rng.choice(
                        [
                            Visit.Kind.RESEARCH,
                            Visit.Kind.RESEARCH,
                            Visit.Kind.ONSITE,
                            Visit.Kind.PUBLICITY,
                            Visit.Kind.RECEPTION,
                        ]
                    ),
                    unannounced=rng.random() < 0.35,
                    started_at=start,
                    ended_at=end,
                    learned=learned,
                    counterparts=counterparts,
                    problems=problems,
                    no_problem_reason="" if problems else rng.choice(NO_PROBLEM_REASONS),
                    photos=[_jpeg(f"现场{v + 1}.jpg", photo_seed, **photo_facts)]
                    if rng.random() < 0.7 or unit in (photo_unit, townships[3], townships[4])
                    else [],
                    now=end + dt.timedelta(hours=3),
                )
                visits += 1
                opened.extend((problem, end) for problem, _ in logged.problems)

    # Two photo-only entries carried over from an old paper ledger.
    legacy = _cadres(townships[5])[:1]
    for i, cadre in enumerate(legacy * 2):
        day = year_start + dt.timedelta(days=15 + i * 30)
        start = _local(day, 10)
        actions.log_visit(
            actor=cadre.user,
            site_kind=area[townships[5].pk][i].kind,
            site_name=area[townships[5].pk][i].name,
            kind=Visit.Kind.RESEARCH,
            started_at=start,
            ended_at=start + dt.timedelta(hours=1),
            learned="",
            counterparts=[],
            photos=[_jpeg("台账照片.jpg", f"legacy:{i}")],
            origin=Visit.Origin.IMPORTED,
            now=start + dt.timedelta(days=2),
        )
        visits += 1

    solved = _solve(rng, opened, office, anchor)
    plans = _plans(rng, anchor, office, now)
    _review(office, now)
    return {
        "visits": visits,
        "visit_problems": len(opened),
        "visit_problems_solved": solved,
        "visit_plans": plans,
        "visit_flags": VisitFlag.objects.count(),
    }


def _solve(
    rng: random.Random, opened: list[tuple[Problem, dt.datetime]], office: User, anchor: dt.date
) -> int:
    """Most problems older than a month are reported done by their unit and checked by the
    office (a callback where the raiser left a contact, else the office's own check)."""
    solved = 0
    cutoff = _local(anchor - dt.timedelta(days=30), 9)
    for problem, found in opened:
        if found > cutoff or rng.random() < 0.2:
            continue
        clerk = (
            User.objects.filter(staff__unit_id=problem.unit_id, groups__name=Role.UNIT_STAFF)
            .order_by("pk")
            .first()
        )
        if clerk is None:
            continue
        reported = found + dt.timedelta(days=rng.randint(3, 12))
        problem_actions.report_problem(
            problem, actor=clerk, report="已现场处理并向群众反馈，附整改前后照片。", at=reported
        )
        checked = reported + dt.timedelta(days=2)
        if problem.has_raiser:
            problem_actions.record_callback(
                problem, actor=office, result=rng.choice(["satisfied", "satisfied", "basic"]),
                note="电话回访，群众认可", at=checked,
            )  # fmt: skip
        else:
            problem_actions.verify_problem(
                problem, actor=office, result="verified", note="督查室现场查看，已整改", at=checked
            )
        solved += 1
    return solved


def _plans(rng: random.Random, anchor: dt.date, office: User, now: dt.datetime) -> int:
    count = 0
    heads = User.objects.filter(
        headed_units__kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET]
    ).order_by("pk")
    for head in heads:
        actions.set_visit_plan(
            actor=office,
            cadre=head,
            year=anchor.year,
            planned_days=rng.choice([8, 10, 12, 15]),
            note="按《关于大兴调查研究之风的工作方案》要求制定",
            now=now,
        )
        count += 1
    return count


def _review(office: User, now: dt.datetime) -> None:
    """One flag confirmed and one dismissed, so the review queue shows both outcomes."""
    copied = VisitFlag.objects.filter(kind=VisitFlag.Kind.COPIED_SUMMARY).order_by("pk").first()
    if copied is not None:
        actions.confirm_flag(
            copied, actor=office, reason="经约谈核实，该同志多次照抄同一段情况记录，已责令重新走访"
        )
    timing = VisitFlag.objects.filter(kind=VisitFlag.Kind.PHOTO_TIME).order_by("pk").first()
    if timing is not None:
        actions.dismiss_flag(
            timing, actor=office, reason="核实为手机时间设置错误，走访真实，计为误报"
        )
