"""Demo step for 督查督办: a dozen directives of a fictional standing meeting, broken into trees
three levels deep, with units reporting well and badly, planted formalism (a unit copying its
last month, two units sharing one text, a report copying the directive, empty 已完成 claims),
and one closed task reopened by new complaints.

Everything goes through `supervision.actions` (so the audit chain explains the data); the
times are set in the past with the actions' `at`/`now` arguments. Call inside the build's
transaction, after the complaints (reopening matches their near-duplicate signatures) and
before the sweep (which gives the cards).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.intake.actions import file_complaint
from complaints.models import Complaint, ComplaintCluster
from demo import data
from org.models import Unit
from org.roles import Role
from supervision import actions
from supervision.cards import sweep_cards
from supervision.models import Directive, Report, Task
from supervision.reopening import sweep_reopen
from zuofeng.workdays.calendar import LOCAL_TZ

MEETING = "示范区人民政府第{n}次常务会议"

# A one-page blank PDF that a real PDF parser opens (uploads are parsed, not only sniffed).
BLANK_PDF = (
    b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n"
    b"/Type /Pages\n/Count 1\n/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n"
    b"/Pages 2 0 R\n>>\nendobj\n4 0 obj\n<<\n/Type /Page\n/Resources <<\n>>\n"
    b"/MediaBox [ 0.0 0.0 595 842 ]\n/Parent 2 0 R\n>>\nendobj\nxref\n0 5\n"
    b"0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000113 00000 n \n"
    b"0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n256\n"
    b"%%EOF\n"
)

# (title, summary, [(first-level task, [second-level task, second-level task]), ...])
DIRECTIVES: list[tuple[str, str, list[tuple[str, list[str]]]]] = [
    (
        "老旧小区改造提质",
        "年底前完成全区2000年前建成的老旧小区改造，同步解决加装电梯、停车难、雨污分流等群众急难愁盼问题，做到改造一个、群众满意一个。",
        [
            ("基础设施改造", ["雨污分流管网改造", "屋面防水和外墙修缮"]),
            ("配套服务提升", ["加装电梯", "新增停车泊位"]),
        ],
    ),
    (
        "优化营商环境攻坚",
        "压缩企业开办、工程建设项目审批时间，推行一件事一次办，全面清理涉企违规收费，让企业办事更便捷。",
        [
            ("审批提速", ["企业开办一日办结", "工程建设项目并联审批"]),
            ("涉企服务", ["涉企违规收费清理", "惠企政策免申即享"]),
        ],
    ),
    (
        "农村人居环境整治",
        "聚焦农村生活垃圾、生活污水和厕所革命，建立长效管护机制，打造一批美丽宜居示范村。",
        [
            ("垃圾污水治理", ["农村生活垃圾分类收运", "农村生活污水处理设施建设"]),
            ("村容村貌提升", ["农村户厕改造", "示范村创建"]),
        ],
    ),
    (
        "城市道路交通堵点治理",
        "针对学校医院周边、重要路口等交通堵点，逐点制定方案，年底前堵点通行效率明显提升。",
        [
            ("堵点改造", ["学校周边交通组织优化", "医院周边停车改造"]),
            ("智慧交通", ["路口信号灯配时优化", "电子警察补点"]),
        ],
    ),
    (
        "12345热线诉求办理质效提升",
        "提高热线诉求响应率、解决率和满意率，对重复投诉、久拖不决诉求挂牌督办。",
        [
            ("诉求办理", ["重复诉求专项化解", "疑难诉求会商机制"]),
            ("回访评价", ["办结诉求回访", "不满意诉求重办"]),
        ],
    ),
    (
        "安全生产隐患排查整治",
        "深入开展燃气、消防、自建房等重点领域隐患排查整治，建立隐患清单、整改清单、责任清单。",
        [
            ("燃气安全", ["餐饮场所燃气报警器安装", "老旧燃气管网更新"]),
            ("消防和自建房", ["经营性自建房安全排查", "消防通道打通"]),
        ],
    ),
    (
        "义务教育学位扩容",
        "新建改扩建中小学，新增义务教育学位，缓解城区学校大班额问题。",
        [
            ("学校建设", ["城东小学新建", "实验中学改扩建"]),
            ("教育资源均衡", ["教师交流轮岗", "课后服务全覆盖"]),
        ],
    ),
    (
        "养老服务体系建设",
        "建设社区嵌入式养老服务设施，推进老年助餐服务，满足老年人就近养老需求。",
        [
            ("设施建设", ["社区养老服务站建设", "乡镇敬老院改造"]),
            ("助老服务", ["老年助餐点建设", "特殊困难老人探访关爱"]),
        ],
    ),
    (
        "河湖长制落实",
        "落实河湖长巡河制度，整治入河排污口，确保主要河流断面水质稳定达标。",
        [
            ("水质治理", ["入河排污口整治", "黑臭水体治理"]),
            ("河湖管护", ["河湖四乱清理", "巡河制度落实"]),
        ],
    ),
    (
        "就业创业促进",
        "稳定和扩大就业，做好高校毕业生、农民工等重点群体就业帮扶，开展职业技能培训。",
        [
            ("重点群体就业", ["高校毕业生就业帮扶", "农民工返乡创业扶持"]),
            ("技能培训", ["职业技能培训", "零工市场建设"]),
        ],
    ),
    (
        "食品安全放心工程",
        "加强校园食品安全、农贸市场和小餐饮监管，开展食品安全专项抽检。",
        [
            ("重点场所监管", ["校园食堂明厨亮灶", "农贸市场快检室建设"]),
            ("专项整治", ["小餐饮规范提升", "食品安全抽检"]),
        ],
    ),
    (
        "基层减负专项整治",
        "精简文件会议，规范督查检查考核，清理政务APP和工作群，让基层干部把精力用在抓落实上。",
        [
            ("精文减会", ["文件会议数量压减", "督查检查考核计划管理"]),
            ("数字减负", ["政务APP和工作群清理", "报表填报归并"]),
        ],
    ),
]

PLACES = [
    "青石",
    "柳溪",
    "桃源",
    "白沙",
    "金桥",
    "南岗",
    "北湖",
    "东山",
    "西塘",
    "新河",
    "石门",
    "云岭",
    "枫林",
    "梅园",
]
SITES = ["村", "社区", "小区", "路", "片区"]
MEASURE_UNITS = ["户", "处", "家", "个", "人次", "米"]
REOPEN_PROBLEM = "青石镇幸福小区化粪池满溢，污水流到小区门口道路上，气味很大，居民出行困难"
REOPEN_COMPLAINTS = [
    "幸福小区化粪池又满溢了，污水流到小区门口道路上，臭味很大",
    "青石镇幸福小区污水外溢，小区门口道路上全是污水，气味很大，老人孩子出行困难",
    "幸福小区门口化粪池满溢污水横流，说是整改完了，现在又流到道路上了",
]


@dataclass
class People:
    staff: dict[int, User]  # unit id → a staff member who reports
    supervisors: list[User]


def _people(units: list[Unit]) -> People:
    staff: dict[int, User] = {}
    for unit in units:
        user = (
            User.objects.filter(staff__unit=unit, groups__name=Role.UNIT_STAFF)
            .exclude(pk=unit.head_id or 0)
            .order_by("pk")
            .first()
        )
        if user is not None:
            staff[unit.pk] = user
    supervisors = list(
        User.objects.filter(
            staff__unit__code=data.SUPERVISION.code, groups__name=Role.SUPERVISOR
        ).order_by("pk")
    )
    return People(staff, supervisors)


def _local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL_TZ)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, BLANK_PDF, content_type="application/pdf")


def _good_text(rng: random.Random, unit: Unit, task: Task, month: int, amount: int | None) -> str:
    """A concrete report: what was done, where, how much and when, drawn from varied sentences
    (a unit's honest reports differ from month to month and from other units')."""
    place = rng.choice(PLACES) + rng.choice(SITES)
    other = rng.choice([p for p in PLACES if not place.startswith(p)]) + rng.choice(SITES)
    day = rng.randint(2, 24)
    n = rng.randint
    openings = [
        f"{month}月{day}日在{place}召开现场推进会，{n(3, 40)}名干部和{n(5, 60)}名居民代表参加。",
        f"本月{n(2, 5)}次到{place}实地核查，发现问题{n(4, 25)}个，已整改{n(2, 12)}个。",
        f"{month}月上旬完成{place}入户走访{n(30, 300)}户，登记诉求{n(5, 40)}条。",
        f"对照{month}月计划，{place}段施工于{month}月{day}日进场，投入机械{n(2, 9)}台。",
        f"{month}月{day}日邀请{n(2, 6)}名人大代表到{place}查看进度，提出建议{n(2, 8)}条。",
    ]
    bodies = [
        f"{other}群众反映的积水和照明问题，{month}月{n(10, 28)}日前已处理完毕。",
        f"与施工单位签订整改承诺书{n(1, 6)}份，约定{n(5, 30)}日内完工，逾期按合同扣款。",
        f"{other}居民议事会收集意见{n(6, 40)}条，采纳{n(2, 6)}条并公示。",
        f"因雨季{other}段延后{n(3, 10)}天，已调整为夜间施工追回进度。",
        f"抽查{other}已完工点位{n(3, 15)}处，合格率{n(85, 100)}%，不合格的已返工。",
        f"财政拨付资金{n(20, 400)}万元，已支付{n(10, 90)}%，资金台账已上传。",
        f"{other}有{n(2, 7)}户居民对方案有异议，已逐户沟通，{n(1, 2)}户仍在协调。",
    ]
    parts = [rng.choice(openings)]
    if amount is not None:
        unit_word = task.measure_unit or "处"
        parts.append(
            rng.choice(
                [
                    f"本月完成{amount}{unit_word}，验收记录见附件。",
                    f"新增完成{amount}{unit_word}，其中{other}{max(1, amount // 3)}{unit_word}。",
                    f"当月实际完成{amount}{unit_word}，已逐一拍照存档。",
                ]
            )
        )
    parts.extend(rng.sample(bodies, 2))
    parts.append(
        rng.choice(
            [
                f"下月重点推进{rng.choice(PLACES)}{rng.choice(SITES)}。",
                f"{month + 1 if month < 12 else 1}月底前完成{rng.choice(PLACES)}段收尾。",
                "存在的困难是施工场地协调，已报请属地镇街支持。",
                f"需协调的事项：{rng.choice(PLACES)}管线迁改，已与供电公司对接。",
            ]
        )
    )
    return "".join(parts)


SET_PHRASES = [
    "我单位高度重视",
    "成立工作专班",
    "扎实推进",
    "取得明显成效",
    "主要领导亲自抓",
    "层层压实责任",
    "提高政治站位",
    "强化责任担当",
    "确保各项工作落地见效",
    "形成长效机制",
    "营造了良好氛围",
    "工作取得阶段性成效",
]


def _empty_claim(rng: random.Random) -> str:
    """'已完成' with set phrases and nothing concrete (no place, number or date)."""
    return (
        rng.choice(["已完成。", "已全面完成。", "各项任务已完成。"])
        + "，".join(rng.sample(SET_PHRASES, 3))
        + "。"
    )


def build_supervision(seed: int, anchor: dt.date, *, now: dt.datetime) -> dict[str, int]:
    rng = random.Random(f"zuofeng-demo:{seed}:supervision")
    units = list(
        Unit.objects.filter(
            kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.STREET]
        ).order_by("code")
    )
    people = _people(units)
    units = [unit for unit in units if unit.pk in people.staff]
    if len(units) < 4 or len(people.supervisors) < 1:
        return {"directives": 0}
    office, reviewer = people.supervisors[0], people.supervisors[-1]
    bad_units = {unit.pk for unit in rng.sample(units, max(2, len(units) // 4))}
    issued_day = anchor - dt.timedelta(days=100)
    months = []
    day = issued_day.replace(day=1)
    while day < anchor.replace(day=1):
        day = (day + dt.timedelta(days=32)).replace(day=1)
        months.append(day)
    # Reports in the month after issuing up to last month (this month's are not due yet).
    months = [m for m in months if m < anchor.replace(day=1)][-3:]
    directives: list[Directive] = []
    leaves: list[Task] = []
    for number, (title, summary, tree) in enumerate(DIRECTIVES):
        created = _local(issued_day + dt.timedelta(days=number % 5), 9)
        directive = actions.create_directive(
            actor=office,
            title=title,
            source=MEETING.format(n=30 + number // 3),
            issued_on=issued_day + dt.timedelta(days=number % 5),
            leader=rng.choice(["王副区长", "李副区长", "陈区长", "赵副区长"]),
            summary=summary,
            cadence=Directive.Cadence.MONTHLY,
            public=number % 3 == 0,
            report_fields=["本月完成量"] if number % 2 == 0 else [],
            at=created,
        )
        deadline = anchor + dt.timedelta(
            days=-10 if number in (3, 7) else rng.choice([28, 58, 90, 120])
        )
        weights = [60, 40] if number % 2 else [50, 50]
        for first_index, (first_title, seconds) in enumerate(tree):
            lead = rng.choice(units)
            first = actions.add_task(
                directive,
                actor=office,
                title=first_title,
                unit=lead,
                deadline=deadline,
                weight=weights[first_index],
                at=created,
            )
            for second_index, second_title in enumerate(seconds):
                unit = rng.choice(units)
                second = actions.add_task(
                    directive,
                    actor=office,
                    parent=first,
                    title=second_title,
                    unit=unit,
                    assisting=[lead] if lead != unit else [],
                    deadline=deadline,
                    weight=[70, 30][second_index],
                    at=created,
                )
                for leaf_index, (suffix, kind) in enumerate(
                    [("摸底排查", Task.Kind.MILESTONES), ("组织实施", Task.Kind.QUANTITATIVE)]
                    if (first_index + second_index) % 2 == 0
                    else [("方案制定", Task.Kind.STATUS), ("组织实施", Task.Kind.QUANTITATIVE)]
                ):
                    leaf = actions.add_task(
                        directive,
                        actor=office,
                        parent=second,
                        title=f"{second_title}：{suffix}",
                        unit=unit,
                        deadline=deadline,
                        weight=[40, 60][leaf_index],
                        kind=kind,
                        target=Decimal(rng.choice([60, 120, 300, 500]))
                        if kind == Task.Kind.QUANTITATIVE
                        else None,
                        measure_unit=rng.choice(MEASURE_UNITS)
                        if kind == Task.Kind.QUANTITATIVE
                        else "",
                        affects_residents=kind == Task.Kind.QUANTITATIVE,
                        at=created,
                    )
                    if kind == Task.Kind.MILESTONES:
                        for m_index, (m_title, m_weight) in enumerate(
                            [("完成摸底", 30), ("形成问题清单", 30), ("清单问题交办", 40)]
                        ):
                            actions.add_milestone(
                                leaf,
                                actor=office,
                                title=m_title,
                                weight=m_weight,
                                due_on=min(
                                    deadline, issued_day + dt.timedelta(days=30 * (m_index + 1))
                                ),
                            )
                    leaves.append(leaf)
        actions.issue_directive(directive, actor=office, at=created)
        directives.append(directive)

    counts = {"reports": 0, "returned": 0}
    texts: dict[int, str] = {}  # the last text per leaf, for the planted copy
    planted_copy_leaf = next(
        t for t in leaves if t.unit_id not in bad_units and t.kind == Task.Kind.QUANTITATIVE
    )
    pair = [
        t for t in leaves if t.unit_id not in bad_units and t.directive_id == leaves[8].directive_id
    ]
    shared_pair = next(
        (
            (a, b)
            for a in pair
            for b in pair
            if a.unit_id != b.unit_id and a.kind == b.kind == Task.Kind.QUANTITATIVE
        ),
        None,
    )
    directive_copier = leaves[-3]
    shared_text = (
        "本月牵头组织辖区内各小区物业、施工单位召开联席会议，逐户上门核实改造意愿，"
        "对群众提出的楼道照明、排水不畅等问题建立台账，明确专人跟踪、限期销号，群众满意度明显提升。"
    )
    for month_index, month in enumerate(months):
        submit_day = month + dt.timedelta(days=24)
        review_at = _local(month + dt.timedelta(days=26), 15)
        for leaf in leaves:
            leaf.refresh_from_db()
            if leaf.status != Task.Status.ACTIVE:
                continue
            unit = next(u for u in units if u.pk == leaf.unit_id)
            actor = people.staff[unit.pk]
            bad = unit.pk in bad_units
            amount: int | None = None
            state = ""
            done: list[int] = []
            if leaf.kind == Task.Kind.QUANTITATIVE:
                share = rng.uniform(0.05, 0.15) if bad else rng.uniform(0.15, 0.35)
                amount = max(1, int(float(leaf.target or 0) * share))
                if bad and month_index == len(months) - 1:
                    amount = int(float(leaf.target or 0))  # claims the whole target at once
            elif leaf.kind == Task.Kind.MILESTONES:
                pending = list(leaf.milestones.filter(verified_at__isnull=True).order_by("due_on"))
                done = [m.pk for m in pending[: (2 if bad else 1)]]
            else:
                state = (
                    Task.State.DONE
                    if bad or month_index == len(months) - 1
                    else Task.State.UNDERWAY
                )
            links: list[tuple[str, str]] = []
            attachments = []
            if bad:
                text = _empty_claim(rng)
            else:
                text = _good_text(rng, unit, leaf, month.month, amount)
                attachments = [_pdf(f"{month:%Y%m}现场验收.pdf")]
                number = (
                    Complaint.objects.filter(handling_unit=unit, status=Complaint.Status.CLOSED)
                    .order_by("pk")
                    .values_list("number", flat=True)[month_index : month_index + 1]
                )
                links = [("complaint", n) for n in number]
            # Planted copies.
            if leaf.pk == planted_copy_leaf.pk and month_index > 0 and leaf.pk in texts:
                text = texts[leaf.pk]  # the same text as last month
            if (
                shared_pair
                and leaf.pk in (shared_pair[0].pk, shared_pair[1].pk)
                and month_index == len(months) - 1
            ):
                text = shared_text
            if leaf.pk == directive_copier.pk and month_index == len(months) - 1:
                directive = next(d for d in directives if d.pk == leaf.directive_id)
                text = f"按照部署要求，{directive.summary}"
            report = actions.submit_report(
                leaf,
                actor=actor,
                text=text,
                amount=amount,
                milestones_done=done,
                state=state,
                field_values={"本月完成量": str(amount or "")},
                links=links,
                attachments=attachments,
                now=_local(submit_day, 10 + month_index),
            )
            texts[leaf.pk] = text
            counts["reports"] += 1
            if bad and rng.random() < 0.6:
                actions.return_report(
                    report,
                    actor=reviewer,
                    reason="称已完成但无佐证材料，请补充具体数据和佐证",
                    at=review_at,
                )
                counts["returned"] += 1
            elif month_index < len(months) - 1 or rng.random() < 0.7:
                actions.accept_report(report, actor=reviewer, at=review_at)
            # The rest of the last month stays waiting for review.

    counts |= _closed_and_reopened(rng, units, people, directives, anchor)
    sweep_cards(_local(anchor, 1))
    counts["directives"] = len(directives)
    counts["tasks"] = Task.objects.count()
    counts["open_reports"] = Report.objects.filter(status=Report.Status.SUBMITTED).count()
    return counts


def _hot_spot(anchor: dt.date) -> tuple[Complaint, dt.datetime] | None:
    """A recent hot spot of the demo's complaints (a cluster with at least three complaints in
    the last 80 days, its unit known), and the moment before its last two complaints arrived:
    a task about that problem closed then is reopened by them."""
    since = _local(anchor - dt.timedelta(days=80), 0)
    for cluster in ComplaintCluster.objects.filter(
        size__gte=3, last_at__gte=since, unit__isnull=False
    ).select_related("first"):
        times = list(
            Complaint.objects.filter(cluster=cluster, received_at__gte=since)
            .order_by("-received_at")
            .values_list("received_at", flat=True)[:3]
        )
        if len(times) == 3 and times[1] - times[2] > dt.timedelta(hours=2):
            return cluster.first, times[1] - dt.timedelta(hours=1)
    return None


def _closed_and_reopened(
    rng: random.Random,
    units: list[Unit],
    people: People,
    directives: list[Directive],
    anchor: dt.date,
) -> dict[str, int]:
    """One task fixed, closed by a second person with a callback, and reopened by new
    complaints about the same problem: the demo's own recent hot spot when it has one (the
    complaints step ran before), else three complaints filed here."""
    directive = directives[4]  # 12345热线诉求办理质效提升
    office, reviewer = people.supervisors[0], people.supervisors[-1]
    spot = _hot_spot(anchor)
    if spot is not None and spot[0].unit_id in people.staff:
        first, closed_at = spot
        unit = next(u for u in Unit.objects.filter(pk=first.unit_id))
        problem, title = first.text, f"同类投诉集中问题整治（{first.number}）"
    else:
        unit = next((u for u in units if u.kind == Unit.Kind.TOWNSHIP), units[0])
        closed_at = _local(anchor - dt.timedelta(days=45))
        problem, title = REOPEN_PROBLEM, "幸福小区化粪池满溢整治"
    reporter = people.staff[unit.pk]
    opened = closed_at - dt.timedelta(days=15)
    parent = directive.tasks.filter(parent__isnull=True).order_by("position").first()
    siblings = dict(directive.tasks.filter(parent=parent).values_list("pk", "weight"))
    first_sibling = next(iter(siblings))
    siblings[first_sibling] -= 10
    task = actions.add_task(
        directive,
        actor=office,
        parent=parent,
        title=title,
        unit=unit,
        deadline=min(parent.deadline, closed_at.date() + dt.timedelta(days=10)),
        weight=10,
        kind=Task.Kind.STATUS,
        affects_residents=True,
        problem_text=problem,
        sibling_weights=siblings,
        at=opened,
    )
    report = actions.submit_report(
        task,
        actor=reporter,
        text="现场核实后已整改：清理堆积物3处，更换破损设施2处，整改前后照片见附件。",
        state=Task.State.DONE,
        attachments=[_pdf("整改验收单.pdf")],
        now=closed_at - dt.timedelta(days=10),
    )
    actions.accept_report(report, actor=reviewer, at=closed_at - dt.timedelta(days=9))
    actions.request_close(
        task,
        actor=reporter,
        evidence="问题已整改，附整改前后照片和验收单",
        attachments=[_pdf("销号佐证.pdf")],
        at=closed_at - dt.timedelta(days=3),
    )
    actions.close_task(
        task,
        actor=reviewer if reviewer.pk != reporter.pk else office,
        callback_note="电话回访反映人5位，4位满意，1位表示仍需观察",
        at=closed_at,
    )
    if spot is None:
        for index, text in enumerate(REOPEN_COMPLAINTS):
            file_complaint(
                actor=None,
                channel=Complaint.Channel.WEB,
                text=text,
                unit=unit,
                place="青石镇幸福小区",
                at=_local(anchor - dt.timedelta(days=12 - 3 * index), 20),
            )
    reopened = sweep_reopen(_local(anchor, 2))
    return {"reopened": reopened["reopened"]}
