"""A planted corpus of fictional unit reports for the formalism benchmark (issue 12 item 6).

    .venv/bin/python bench/formalism_corpus.py [--units 20 --months 6 --tasks 5 --seed 12]

prints a summary and one example of each planted kind. `generate()` is what the benchmark
imports. Deterministic for a seed. Nothing here comes from the demo data.

Each report (unit × month × task) has the required headings (一、工作进展情况 / 二、存在的主要
问题 / 三、下一步工作计划, passed to the detector as boilerplate), an opening line every unit
writes for the task, in about half of the reports a standard paragraph most units paste (not
declared: the detector must see that many units write it), and a body of sentences built from
templates with numbers, places, dates and named works. Planted among them:

- own_earlier: the unit's report on the task of an earlier month, reused at a share of 30–100 %;
- other_unit: another unit's original report of the same month and task, 30–100 %;
- directive: sentences of the task's directive text, 30–100 %;
- boilerplate: a report that is mostly headings, opening line and the standard paragraph with
  one or two sentences of its own (copies nothing);
- empty: an "已全面完成" report of set phrases, without evidence (and some with evidence, which
  must not be flagged).

The share of a planted copy is measured on the generated text, not the target drawn: the
characters (after the detector's normalisation) of the sentences taken from the source over all
characters of the report outside the headings, the opening line and the standard paragraph.
A source is always an original report (not itself a copy), used by at most two copiers.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supervision.formalism import ReportDoc, normalise

_CHOICE_RE = re.compile(r"\[([^\[\]]*)\]")
HEADINGS = ["一、工作进展情况", "二、存在的主要问题", "三、下一步工作计划"]
STANDARD = (
    "我单位严格对照任务清单和时间节点，坚持问题导向和目标导向，主要负责同志亲自调度，"
    "分管负责同志具体抓，每周召开一次推进会，确保各项工作按计划推进。"
)

PLACE_HEADS = [
    "幸福",
    "光明",
    "红星",
    "青石",
    "东湖",
    "滨江",
    "长春",
    "和平",
    "建设",
    "文化",
    "新华",
    "朝阳",
    "柳岸",
    "桃源",
    "金桥",
    "银杏",
    "梧桐",
    "丰收",
    "永安",
    "兴隆",
    "南苑",
    "北辰",
    "西溪",
    "翠竹",
    "荷塘",
    "望江",
    "紫荆",
    "松林",
    "锦绣",
    "春晖",
    "育才",
    "清泉",
    "石桥",
    "枫林",
    "玉兰",
    "龙潭",
]
PLACE_TAILS = ["社区", "小区", "路", "村", "街", "苑", "里", "花园", "新村", "巷"]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "胡",
    "朱",
    "高",
    "林",
    "何",
    "郭",
    "马",
    "罗",
]

# A task: its name, the works done (named things), the unit measures, the people reached.
TASKS = [
    (
        "老旧小区改造",
        "雨污分流管网 外墙保温 加装电梯 屋面防水 供水管道 弱电入地 楼道照明",
        "米 处 台 栋",
    ),
    ("河道综合治理", "河道清淤 排污口封堵 护岸修复 生态浮岛 河长公示牌 截污管道", "米 处 吨 块"),
    ("燃气安全整治", "燃气入户检查 报警器安装 软管更换 瓶装气点位清理 餐饮场所排查", "户 处 个 家"),
    ("垃圾分类提升", "分类投放点改造 厨余垃圾收运 智能回收箱 督导员上岗 垃圾房改造", "个 吨 名 处"),
    ("12345诉求办理", "诉求工单办理 回访 现场核查 联合调处 疑难件会商 满意度回访", "件 次 户 起"),
    ("居家养老服务", "助餐点建设 上门巡访 适老化改造 紧急呼叫设备 日间照料中心", "人次 户 个 处"),
    (
        "背街小巷整治",
        "路面修补 架空线整理 违章搭建拆除 绿化补植 路灯修复 店招整治",
        "处 米 盏 平方米",
    ),
    ("校园周边安全", "护学岗值守 交通标线施划 无证摊点清理 减速带安装 监控探头", "处 个 名 次"),
    ("农贸市场提升", "摊位改造 冷链设施 价格公示屏 排水沟疏通 食品快检", "个 批次 处 家"),
    ("防汛备汛", "排水管网疏通 积水点改造 泵站检修 沙袋储备 应急演练", "处 米 吨 次"),
    ("电动车充电治理", "充电桩建设 飞线充电整治 楼道清理 消防检查 充电棚搭建", "个 处 户 次"),
    ("物业管理提质", "业委会组建 物业服务评价 维修资金使用 小区公示栏 矛盾调解", "个 次 件 家"),
]

# Templates: {slot} is filled per use; [a|b|c] is one of the phrasings, drawn per use, since
# different writers say the same thing differently (a corpus of one fixed wording per sentence
# would make every report share most of its 5-grams with every other).
BODY = [
    "{date}[，|]在{place}[完成|建成|实施完毕][了|]{work}{n}{m}，[{n2}户居民受益|惠及群众{n2}户|涉及住户{n2}户]。",
    "[本月|截至月底|当月]{place}{work}[累计完成|共完成|完成]{n}{m}，[完成全年计划的{pct}%|"
    "占年度任务{pct}%|年度进度达到{pct}%]。",
    "{date}[组织|召开|举办]{place}[居民议事会|楼栋长会议|业主座谈会]，[收集|征求|听取]"
    "[关于|有关]{work}的意见{n2}条，[已答复{n3}条|当场解答{n3}条|{n3}条已办结]。",
    "[联合|会同|协调]{dept}[对{place}开展|在{place}进行|赴{place}组织]{work}[专项检查|联合检查|"
    "排查]{n3}次，[发现问题|查出隐患|梳理问题]{n}[个|处|项]，[已整改{n4}个|整改到位{n4}处|"
    "当场纠正{n4}项]。",
    "{place}[的|]{work}[已于|于]{date}[开工|进场施工|启动]，{surname}某某[牵头的|负责的]"
    "[施工方|施工单位|项目部][投入人员|组织工人|安排人手]{n2}名。",
    "[针对|对于|就]群众反映的{place}{work}问题，{date}[现场核查|实地查看|上门核实]，"
    "[{days}个工作日内办结|{days}天内整改完毕|限{days}日内解决]。",
    "[投入资金|落实资金|拨付]{money}万元[用于|支持|保障]{place}{work}，[已支付{pct}%|"
    "已使用{pct}%|支出进度{pct}%]。",
    "{place}{work}[完成验收|通过验收|验收合格]{n3}处，[整改不合格项{n4}项|发现质量问题{n4}个"
    "|返工{n4}处]，{date}[复核通过|复查合格|再次验收]。",
    "[建立|完善|更新]{work}[问题台账|工作台账|任务清单]，本月[新增{n}条、销号{n3}条|"
    "录入{n}条、办结{n3}条]，[剩余{n4}条明确了整改时限|{n4}条转入下月|余{n4}条限期办结]。",
    "在{place}[设置|安装|树立]{work}[公示牌|信息牌|告示牌]{n4}块，[公布|公开|标明]"
    "[监督电话|投诉电话|联系电话][和|及][完成时限|办结时间|责任人]。",
    "对{place}{n2}户重点户[逐户走访|上门走访|入户回访]，[登记|记录|收集]{work}需求{n3}项，"
    "[其中{n4}项当月解决|已解决{n4}项|{n4}项已落实]。",
    "{date}前[完成|组织|开展]{place}{work}[方案比选|招标|设计论证]，[选定|确定|引入]{n4}家"
    "[施工单位|服务单位|企业][进场|参与|承接]。",
    "{place}{work}[带来的|引发的|产生的][噪声投诉|扰民投诉|投诉]{n4}起，[已调整施工时间|"
    "已协调施工方整改|已约谈施工单位][并回访{n4}户|，回访{n4}户|]。",
    "{surname}某某[带队|率队|带领工作组]{date}[夜查|暗访|巡查]{place}，[纠正|督促整改|发现]"
    "{work}[相关问题|问题|隐患]{n3}处。",
    "{place}{work}[进度滞后|比计划慢|延期]{days}天，[原因是|主要因为|系]"
    "[材料到场延误|施工队伍调整|居民意见反复]，[已于{date}补齐|{date}已追回进度|已于{date}协调解决]。",
]
PROBLEMS = [
    "{place}{work}[资金拨付较慢|资金到位不及时|经费缺口较大]，[尚有{money}万元未到位|"
    "缺口{money}万元]。",
    "{place}[有|仍有]{n4}户居民对{work}[方案意见不一|存在顾虑|不同意]，[需继续协调|正在做工作|"
    "待进一步沟通]。",
    "[部分|个别]{work}[施工队伍人手不足|施工单位力量不够]，{place}进度[比计划慢|滞后]{days}天。",
    "{place}[地下管线资料不全|产权关系复杂|场地受限]，{work}[需重新勘测|需另行设计|推进困难]。",
    "[雨季|连续降雨|高温天气]影响{place}{work}[室外作业|施工]{days}天。",
]
PLANS = [
    "{date}前[完成|做好]{place}{work}[收尾|扫尾工作]，[组织居民代表参加验收|邀请居民参与验收]。",
    "[下月|下一步]重点推进{place}{work}，[计划完成|力争完成|目标完成]{n}{m}。",
    "{date}对{place}{work}[开展回头看|进行复查|组织复核]，[复核{n3}处整改点|检查{n3}处点位]。",
    "[协调|请求]{dept}[解决|帮助解决]{place}{work}资金缺口{money}万元。",
]
DEPTS = [
    "住建局",
    "城管执法局",
    "市场监管局",
    "应急管理局",
    "消防救援大队",
    "水务局",
    "生态环境分局",
    "公安分局",
]
DIRECTIVE = [
    "为贯彻落实区政府常务会议关于{task}的决策部署，现就有关事项通知如下。",
    "各单位要把{task}作为当前重点工作，于年底前完成辖区内{w0}和{w1}任务。",
    "要建立{task}问题清单和整改台账，实行挂图作战、销号管理，每月{day}日前报送进展。",
    "牵头单位要会同配合单位对{w2}开展全面排查，做到底数清、情况明。",
    "对群众反映强烈的{w1}问题，要明确责任人和完成时限，限期整改到位。",
    "区政府督查室将对{task}落实情况开展专项督查，结果纳入年度考核。",
    "各单位要严格落实安全生产责任，确保{w0}施工质量和群众安全。",
]
EMPTY_OPENERS = ["我单位", "我街道", "本局", "我镇", "我中心"]
EMPTY_PHRASES = [
    "高度重视",
    "提高政治站位",
    "成立工作专班",
    "周密部署",
    "迅速行动",
    "压实责任",
    "层层压实",
    "多措并举",
    "扎实推进",
    "稳步推进",
    "统筹推进",
    "狠抓落实",
    "抓实抓细",
    "加强宣传引导",
    "营造良好氛围",
    "形成合力",
    "齐抓共管",
]
EMPTY_RESULTS = [
    "取得明显成效",
    "取得积极成效",
    "成效显著",
    "落地见效",
    "群众满意度明显提高",
    "长效机制不断完善",
]
EMPTY_CLAIMS = ["各项任务已全面完成", "工作已全部完成", "目标任务已圆满完成", "各项工作已完成"]


@dataclass
class Planted:
    kind: str  # original | own_earlier | other_unit | directive | boilerplate | empty
    source_key: int | None = None  # the copied report (None: the directive, or no copy)
    share: float = 0.0  # characters taken from the source / the report's own characters
    # For an original copied by another unit in the same month: (the copier, the share of
    # this report's own characters found in it). The two reports share a text either way.
    shared: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class Corpus:
    reports: list[ReportDoc]
    planted: dict[int, Planted]
    directives: dict[int, str]  # task id → directive text
    openers: dict[int, str]  # task id → the opening line every unit writes
    boilerplate: list[str] = field(default_factory=lambda: list(HEADINGS))


def _period(month: int) -> str:
    year, index = divmod(month, 12)
    return f"{2025 + year:04d}-{index + 1:02d}"


class _Writer:
    def __init__(self, rng: random.Random, task: int) -> None:
        self.rng = rng
        self.name, works, measures = TASKS[task % len(TASKS)]
        self.works, self.measures = works.split(), measures.split()

    def place(self) -> str:
        return self.rng.choice(PLACE_HEADS) + self.rng.choice(PLACE_TAILS)

    def fill(self, template: str, month: int) -> str:
        r = self.rng
        m = month % 12 + 1
        template = _CHOICE_RE.sub(lambda c: r.choice(c.group(1).split("|")), template)
        return template.format(
            date=f"{m}月{r.randint(1, 28)}日",
            place=self.place(),
            work=r.choice(self.works),
            n=r.randint(2, 400),
            n2=r.randint(10, 900),
            n3=r.randint(2, 60),
            n4=r.randint(1, 20),
            m=r.choice(self.measures),
            pct=r.randint(20, 99),
            money=r.randint(5, 900),
            days=r.randint(2, 15),
            dept=r.choice(DEPTS),
            surname=r.choice(SURNAMES),
        )

    def sentences(self, templates: list[str], count: int, month: int) -> list[str]:
        return [self.fill(t, month) for t in self.rng.sample(templates, count)]


def _own_chars(sentences: list[str]) -> int:
    return sum(len(normalise(s)) for s in sentences)


def _assemble(opener: str, standard: bool, body: list[str], problems: list[str], plans: list[str]):
    parts = [HEADINGS[0] + "。", opener]
    if standard:
        parts.append(STANDARD)
    parts += [*body, HEADINGS[1] + "。", *problems, HEADINGS[2] + "。", *plans]
    return "".join(parts)


def generate(
    units: int = 20, months: int = 6, tasks: int = 5, seed: int = 12, *, plant: bool = True
) -> Corpus:
    """units × months × tasks reports, about 40 % of them planted (with `plant`)."""
    rng = random.Random(seed)
    directives: dict[int, str] = {}
    openers: dict[int, str] = {}
    writers = {task: _Writer(random.Random(rng.random()), task) for task in range(tasks)}
    for task, writer in writers.items():
        w = writer.works
        directives[task] = "".join(
            s.format(task=writer.name, w0=w[0], w1=w[1], w2=w[2], day=rng.randint(1, 10))
            for s in DIRECTIVE
        )
        openers[task] = f"按照区政府关于{writer.name}的部署要求，现将本月工作进展情况报告如下。"

    reports: list[ReportDoc] = []
    planted: dict[int, Planted] = {}
    # Originals' parts, to copy from: key → (body, problems, plans).
    parts: dict[int, tuple[list[str], list[str], list[str]]] = {}
    by_cell: dict[tuple[int, int, int], int] = {}  # (unit, month, task) → key
    uses: dict[int, int] = {}
    key = 0
    for month in range(months):
        for task in range(tasks):
            writer = writers[task]
            directive_sentences = [s + "。" for s in directives[task].split("。") if s]
            for unit in range(units):
                key += 1
                roll = rng.random() if plant else 1.0
                standard = rng.random() < 0.5
                body = writer.sentences(BODY, rng.randint(4, 7), month)
                problems = writer.sentences(PROBLEMS, rng.randint(1, 2), month)
                plans = writer.sentences(PLANS, rng.randint(1, 2), month)
                evidence = rng.randint(1, 4)
                plant_as = Planted("original")
                if roll < 0.12 and month > 0:
                    source = by_cell.get((unit, rng.randrange(max(0, month - 3), month), task))
                    plant_as = Planted("own_earlier", source)
                elif roll < 0.24:
                    others = [
                        k
                        for u in range(units)
                        if u != unit
                        and (k := by_cell.get((u, month, task))) is not None
                        and uses.get(k, 0) < 2
                    ]
                    if others:
                        plant_as = Planted("other_unit", rng.choice(others))
                elif roll < 0.32:
                    plant_as = Planted("directive")
                elif roll < 0.38:
                    plant_as = Planted("boilerplate")
                    standard = True
                    body, problems, plans = writer.sentences(BODY, 1, month), [], []
                elif roll < 0.44:
                    plant_as = Planted("empty")
                    evidence = 0 if rng.random() < 0.75 else rng.randint(1, 2)

                if plant_as.kind in ("own_earlier", "other_unit") and plant_as.source_key:
                    source_parts = parts.get(plant_as.source_key)
                    if source_parts is None:  # the source is itself planted: stay original
                        plant_as = Planted("original")
                    else:
                        uses[plant_as.source_key] = uses.get(plant_as.source_key, 0) + 1
                        body, problems, plans = _copy(rng, writer, month, source_parts)
                elif plant_as.kind in ("own_earlier", "other_unit"):
                    plant_as = Planted("original")
                if plant_as.kind == "directive":
                    taken = rng.sample(directive_sentences, rng.randint(2, 6))
                    target = rng.uniform(0.3, 1.0)
                    own = _fill_to(rng, writer, month, _own_chars(taken), target)
                    body, problems, plans = taken + own[:-1], [], own[-1:]
                    plant_as.share = _own_chars(taken) / _own_chars(taken + own)
                if plant_as.kind in ("own_earlier", "other_unit"):
                    copied = [s for s in body + problems + plans if s in _all(source_parts)]
                    plant_as.share = _own_chars(copied) / _own_chars(body + problems + plans)
                    if plant_as.kind == "other_unit":
                        source_own = _own_chars([s for g in source_parts for s in g])
                        planted[plant_as.source_key].shared.append(
                            (key, _own_chars(copied) / source_own)
                        )
                if plant_as.kind == "empty":
                    text = _empty(rng, writer.name)
                else:
                    text = _assemble(openers[task], standard, body, problems, plans)
                if plant_as.kind == "original":
                    parts[key] = (body, problems, plans)
                by_cell[(unit, month, task)] = key
                planted[key] = plant_as
                reports.append(
                    ReportDoc(key, unit + 1, task + 1, task + 1, _period(month), text, evidence)
                )
    return Corpus(
        reports,
        planted,
        {t + 1: d for t, d in directives.items()},
        {t + 1: o for t, o in openers.items()},
    )


def _empty(rng: random.Random, task: str) -> str:
    """An "all done" report of set phrases in a random order and choice."""
    phrases = rng.sample(EMPTY_PHRASES, rng.randint(3, 5))
    result = rng.choice(EMPTY_RESULTS)
    claim = rng.choice(EMPTY_CLAIMS)
    joiner = rng.choice(["，", "、"])
    return (
        f"{rng.choice(EMPTY_OPENERS)}对{task}工作{phrases[0]}，{joiner.join(phrases[1:])}，"
        f"{claim}，{result}。"
    )


def _all(source_parts: tuple[list[str], list[str], list[str]]) -> set[str]:
    return {s for group in source_parts for s in group}


def _fill_to(rng: random.Random, writer: _Writer, month: int, copied: int, target: float):
    """New sentences until copied / (copied + new) falls to `target` (at least one)."""
    own: list[str] = []
    while not own or copied / (copied + _own_chars(own)) > target:
        own.append(writer.fill(rng.choice(BODY + PLANS), month))
        if len(own) > 40:
            break
    return own


def _copy(rng: random.Random, writer: _Writer, month: int, source_parts):
    """A report taking some of the source's sentences (in their order) with new ones added, at
    a share drawn from 30–100 %."""
    body, problems, plans = source_parts
    target = rng.uniform(0.3, 1.0)
    pool = body + problems + plans
    if target > 0.97:
        return list(body), list(problems), list(plans)
    keep = max(1, round(target * len(pool)))
    taken = sorted(rng.sample(range(len(pool)), keep))
    copied = [pool[i] for i in taken]
    own = _fill_to(rng, writer, month, _own_chars(copied), target)
    # Copied sentences stay in their sections; new ones are spread over the body and plans.
    new_body = [s for s in copied if s in body] + own[: max(1, len(own) - 1)]
    new_problems = [s for s in copied if s in problems]
    new_plans = [s for s in copied if s in plans] + own[max(1, len(own) - 1) :]
    return new_body, new_problems, new_plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--tasks", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    corpus = generate(args.units, args.months, args.tasks, args.seed)
    counts: dict[str, int] = {}
    for p in corpus.planted.values():
        counts[p.kind] = counts.get(p.kind, 0) + 1
    print(f"{len(corpus.reports)} reports: {counts}")
    shown: set[str] = set()
    for report in corpus.reports:
        p = corpus.planted[report.key]
        if p.kind not in shown:
            shown.add(p.kind)
            print(
                f"\n[{p.kind} share={p.share:.2f} source={p.source_key}] {report.period} "
                f"unit {report.unit_id} task {report.task_id}\n{report.text}"
            )


if __name__ == "__main__":
    main()
