"""Empty claims: "已完成" with no evidence and little that could be checked.

A report is an empty claim when all of these hold:
- it claims completion (CLAIMS), not as a plan or a negation ("力争年底前全面完成",
  "尚未完成" do not count: FUTURE_OR_NOT in the few characters before the claim);
- it has no evidence attached (evidence_count == 0);
- it states fewer than MIN_CONCRETE_FACTS concrete facts: numbers with or without a unit
  (12 户, 三次, 85%), dates (2026年, 11月5日, 上旬), places (a named 社区/街道/村/路/小区…, not
  "各社区"), and named things done (a named 工程/项目/管网/路灯…, a 《title》 or a “quoted
  name”). Each distinct fact is counted once.
The set phrases found (SET_PHRASES) are listed in the reason; they are not needed to flag a
bare "已完成。", and a report with enough facts is not flagged however many it uses.

SET_PHRASES is the lexicon of the empty officialese the 2019 and 2024 notices on formalism
(《关于解决形式主义突出问题为基层减负的通知》, 《整治形式主义为基层减负若干规定》) and
commentary on "材料政绩" single out: attitude (高度重视), motion without content (扎实推进,
多措并举), outcome without measure (取得明显成效), and slogans (营造良好氛围). It is matched as
plain substrings; add phrases here, not in callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .documents import EMPTY_CLAIM, Finding, ReportDoc

MIN_CONCRETE_FACTS = 3

CLAIMS = (
    "已完成",
    "全面完成",
    "全部完成",
    "圆满完成",
    "已全部完成",
    "已基本完成",
    "已落实",
    "落实到位",
    "整改到位",
    "已整改完毕",
    "已办结",
    "已完成整改",
)
FUTURE_OR_NOT = ("力争", "确保", "计划", "预计", "争取", "将于", "尚未", "未能", "没有", "未", "待")

SET_PHRASES = (
    # attitude
    "高度重视",
    "提高政治站位",
    "提高思想认识",
    "强化责任担当",
    "强化担当",
    "认真贯彻落实",
    "深入贯彻落实",
    "坚决贯彻落实",
    "把思想和行动统一到",
    # organisation without content
    "加强组织领导",
    "强化组织领导",
    "精心组织",
    "周密部署",
    "迅速行动",
    "迅速部署",
    "压实责任",
    "层层压实",
    "明确责任分工",
    "成立工作专班",
    "形成合力",
    "齐抓共管",
    "凝心聚力",
    # motion without content
    "扎实推进",
    "稳步推进",
    "有序推进",
    "全力推进",
    "统筹推进",
    "持续推进",
    "多措并举",
    "狠抓落实",
    "抓实抓细",
    "走深走实",
    "切实加强",
    "不断完善",
    "持续深化",
    "积极探索",
    "创新方式方法",
    "高标准严要求",
    "常态化",
    "长效机制",
    "全覆盖",
    "无死角",
    # outcome without measure
    "取得明显成效",
    "取得显著成效",
    "取得积极成效",
    "取得阶段性成效",
    "成效显著",
    "成效明显",
    "效果明显",
    "落地见效",
    "见行见效",
    "确保取得实效",
    "进一步提升",
    "显著提升",
    "得到有效解决",
    "群众满意度明显提高",
    # slogans
    "营造良好氛围",
    "营造了浓厚氛围",
    "加强宣传引导",
    "广泛宣传",
    "守正创新",
    "久久为功",
)

_CN_NUM = "零一二两三四五六七八九十百千万"
_MEASURES = "个次户人名家件处场项条所台辆座米吨元间栋棵盏块份批期轮"
_DATE_RE = re.compile(
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|\d{1,2}\s*月(?:份|底|初|中旬|上旬|下旬)?"
    rf"|[{_CN_NUM}]{{1,3}}月(?:[{_CN_NUM}]{{1,3}}[日号])?"
    r"|上旬|中旬|下旬|\d{1,2}:\d{2}"
)
_NUMBER_RE = re.compile(
    rf"\d+(?:[.,]\d+)*\s*(?:%|‰|万|亿)?[{_MEASURES}]?"
    rf"|(?<![一])[{_CN_NUM}]{{1,4}}[{_MEASURES}](?!些)"
    r"|百分之[零一二两三四五六七八九十点]+"
)
_VAGUE = "各全本该辖区所有相关有关重点部分多个一些若干等其他"
_CUT_RE = re.compile(
    r"完成|开展|新增|建成|推进|组织|实施|启动|督促|协调|加装|更换|维修|安装|"
    r"[在对了和与及的我于月日前后为把将从向到是]"
)
_PLACE_RE = re.compile(
    r"([\u4e00-\u9fff]{1,6}?)(社区|街道|村|镇|乡|路|大道|街|巷|小区|广场|公园|学校|小学|中学|"
    r"医院|卫生院|市场|河|湖|桥|园区|大厦|中心|站)"
)
_THING_RE = re.compile(
    r"《[^》]{2,40}》|“[^”]{2,20}”|\"[^\"]{2,20}\""
    r"|([\u4e00-\u9fff]{0,8}?)(工程|项目|管网|管道|路灯|电梯|充电桩|水管|围墙|护栏|监控|泵站|"
    r"垃圾房|停车位|台账|系统|平台|设施|设备)"
)


@dataclass(frozen=True)
class ClaimCheck:
    claims: list[str]
    set_phrases: list[str]
    facts: dict[str, list[str]]  # category (Chinese) → distinct facts found

    @property
    def fact_count(self) -> int:
        return sum(len(found) for found in self.facts.values())


def completion_claims(text: str) -> list[str]:
    """The completion claims made as facts (not plans, not negations), in order, once each."""
    found: list[str] = []
    for claim in sorted(CLAIMS, key=len, reverse=True):
        for match in re.finditer(re.escape(claim), text):
            before = text[max(0, match.start() - 6) : match.start()]
            if any(word in before for word in FUTURE_OR_NOT):
                continue
            if not any(claim in other for other in found):
                found.append(claim)
            break
    return found


def concrete_facts(text: str) -> dict[str, list[str]]:
    """Concrete facts by category; each category's matches are removed before the next, so a
    date's digits are not counted again as a number."""
    facts: dict[str, list[str]] = {}
    rest = text
    for label, pattern in (("日期", _DATE_RE), ("数字", _NUMBER_RE)):
        found = [m.group().strip() for m in pattern.finditer(rest)]
        facts[label] = list(dict.fromkeys(f for f in found if f))
        rest = pattern.sub("，", rest)
    places = []
    for match in _PLACE_RE.finditer(rest):
        name = _name(match.group(1), match.group(2))
        # "各社区", "我街道" are no place: a named one has two characters before the suffix.
        if name and len(name) >= len(match.group(2)) + 2:
            places.append(name)
    facts["地点"] = list(dict.fromkeys(places))
    things = []
    for match in _THING_RE.finditer(rest):
        if match.group(1) is None:  # a title or a quoted name
            things.append(match.group())
            continue
        name = _name(match.group(1), match.group(2))
        if len(name) >= 3 and not any(p in name for p in SET_PHRASES):
            things.append(name)
    facts["具体事项"] = list(dict.fromkeys(things))
    return facts


def _name(prefix: str, suffix: str) -> str:
    """The name in a match: what follows the last verb or function word of its prefix."""
    prefix = _CUT_RE.split(prefix)[-1].lstrip(_VAGUE)
    return prefix + suffix


def check_claims(text: str) -> ClaimCheck:
    phrases = [p for p in SET_PHRASES if p in text]
    # A phrase inside a longer one found is listed once ("强化担当" in "强化责任担当" is not).
    phrases = [p for p in phrases if not any(p != q and p in q for q in phrases)]
    return ClaimCheck(completion_claims(text), phrases, concrete_facts(text))


def empty_claim_finding(report: ReportDoc) -> Finding | None:
    if report.evidence_count:
        return None
    check = check_claims(report.text)
    if not check.claims or check.fact_count >= MIN_CONCRETE_FACTS:
        return None
    phrases, facts = len(check.set_phrases), check.fact_count
    score = phrases / (phrases + facts) if phrases + facts else 1.0
    claims = "、".join(f"“{c}”" for c in check.claims)
    reason = f"报告称{claims}，但未附任何佐证材料，"
    found = [f"{label}：{'、'.join(items)}" for label, items in check.facts.items() if items]
    missing = [label for label, items in check.facts.items() if not items]
    if found:
        reason += f"可核实的具体内容只有 {facts} 处（{'；'.join(found)}）"
    else:
        reason += "没有任何可核实的具体内容"
    reason += f"，缺少{'、'.join(missing)}" if missing else ""
    if check.set_phrases:
        reason += f"；套话 {phrases} 处：{'、'.join(check.set_phrases)}"
    reason += "。"
    return Finding(EMPTY_CLAIM, round(score, 4), None, [], reason)
