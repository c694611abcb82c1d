"""What the report counts: the registered measures it reads, the few queries of its own (on
the registry's sources, so each has the same drill-down as a measure), and the five problems
with the evidence that ranks them.

A query is a `Measure` that is not registered (the scorecard does not score it and the
rollups do not keep it): complaints by category and by channel, progress reports with
formalism flags still standing. Measures of other modules (`visits.`, `surveys.`,
`problems.`, `forums.`) are read from the registry when present and give their own
paragraph and evidence; absent, their sections are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from zuofeng import measures as registry
from zuofeng.measures import Measure

# Modules whose measures the report shows when registered: prefix → paragraph heading.
MODULES: dict[str, str] = {
    "visits.": "走访调研",
    "surveys.": "问卷调查",
    "forums.": "座谈会",
    "problems.": "调研发现问题办理",
}

CATEGORIES: dict[str, str] = {
    "mindset": "思想观念滞后、推诿扯皮",
    "service": "服务态度和效率",
    "bureaucratism": "官僚主义",
    "formalism": "形式主义",
    "disconnect": "脱离群众",
}

# Channel (its query's key, its name), written without digits: the hotline's own label and
# the Open311 channel's value carry numbers, and only facts put digits in a report.
CHANNELS: dict[str, tuple[str, str]] = {
    "web": ("web", "网上举报"),
    "hotline": ("hotline", "政务服务便民热线"),
    "letter": ("letter", "来信"),
    "visit": ("visit", "来访"),
    "forum": ("forum", "座谈会"),
    "survey": ("survey", "问卷调查"),
    "open311": ("interface", "第三方平台接口"),
}


def queries() -> dict[str, Measure]:
    """The report's own queries (cached: their conditions do not change while running)."""
    global _QUERIES
    if _QUERIES is None:
        _QUERIES = _build_queries()
    return _QUERIES


_QUERIES: dict[str, Measure] | None = None


def _build_queries() -> dict[str, Measure]:
    from supervision.models import FormalismFlag

    found: dict[str, Measure] = {}
    complaints = registry.SOURCES.get("complaints.complaint")
    if complaints is not None:
        for code, name in CATEGORIES.items():
            found[f"q.complaint_category.{code}"] = Measure(
                f"q.complaint_category.{code}",
                f"反映“{name}”问题的诉求数",
                complaints,
                lambda now, code=code: Q(category_id=code),
                definition=f"分办给本单位、经分办确定类别为“{name}”的诉求",
            )
        for code, (key, name) in CHANNELS.items():
            found[f"q.complaint_channel.{key}"] = Measure(
                f"q.complaint_channel.{key}",
                f"经{name}渠道分办的诉求数",
                complaints,
                lambda now, code=code: Q(channel=code),
                definition=f"经{name}渠道收到、分办给本单位的诉求",
            )
    transfers = registry.SOURCES.get("cases.transfer")
    if transfers is not None:
        found["q.transfers"] = Measure(
            "q.transfers",
            "转办次数",
            transfers,
            None,
            definition="本单位转出的全部转办（按转出日计）",
        )
    reports = registry.SOURCES.get("supervision.report")
    if reports is not None:
        standing = FormalismFlag.objects.filter(report=OuterRef("pk")).exclude(
            status=FormalismFlag.Status.DISMISSED
        )
        found["q.report_formalism"] = Measure(
            "q.report_formalism",
            "有形式主义疑点的进展报送数（照抄、雷同、空泛表态）",
            reports,
            lambda now: Q(Exists(standing)),
            definition="系统比对发现跨时抄、互抄、照抄部署原文或空泛表态且未被排除的进展报送",
        )
    return found


def lookup(code: str) -> Measure:
    """A registered measure or one of the report's queries (KeyError if neither)."""
    if code in registry.MEASURES:
        return registry.MEASURES[code]
    return queries()[code]


def is_query(code: str) -> bool:
    return code.startswith("q.")


def module_measures(prefix: str) -> list[Measure]:
    return [m for code, m in registry.MEASURES.items() if code.startswith(prefix)]


@dataclass(frozen=True)
class Evidence:
    """One kind of record that shows a problem, and the count it is a share of."""

    code: str
    base: str  # the measure whose records it is a share of ("" when none)
    noun: str  # what is counted, for the text: "推诿件", "超期办件"
    unit_word: str = "件"


@dataclass(frozen=True)
class Problem:
    code: str
    title: str
    evidence: tuple[Evidence, ...]


def _module_evidence(keywords: tuple[str, ...]) -> tuple[Evidence, ...]:
    """Evidence from other modules' registered measures, by words in their codes (a shallow
    visit confirmed, a problem solved late): shares of their module's first measure."""
    found = []
    for prefix in MODULES:
        measures = module_measures(prefix)
        for m in measures:
            if any(word in m.code for word in keywords):
                base = measures[0].code if measures[0].code != m.code else ""
                found.append(Evidence(m.code, base, m.label))
    return tuple(found)


FORWARDED = "窗口只收件、转后台审批（明进暗不进）的办件"
REPEATED = "违反一次性告知、重复要求补正的办件"


def problems() -> list[Problem]:
    """The five problems, each with the evidence present in this installation."""

    def cat(code: str) -> Evidence:
        return Evidence(f"q.complaint_category.{code}", "complaint_routed", "相关诉求")

    listed = [
        Problem(
            "mindset",
            "思想观念陈旧，推诿扯皮",
            (
                Evidence("case_buck_passing", "case_received", "多次转办或被退回的推诿件"),
                # Of the transfers a unit made, those that passed the buck: a share of
                # transfers, not of all cases (most cases are never transferred).
                Evidence("transfer_buck_passing", "q.transfers", "推诿转办", "次"),
                cat("mindset"),
            ),
        ),
        Problem(
            "service",
            "服务意识不强，办事效率不高",
            (
                Evidence("case_due_late", "case_due", "超期办件"),
                Evidence("case_forwarded", "case_received", FORWARDED),
                Evidence("case_repeat_supplement", "case_received", REPEATED),
                Evidence("rating_bad", "rating_count", "差评", "条"),
                cat("service"),
                *_module_evidence(("dissatisf", "unsatisf")),
            ),
        ),
        Problem(
            "bureaucratism",
            "官僚主义作风",
            (
                Evidence(
                    "supervision_tasks_overdue",
                    "supervision_tasks_due",
                    "超期未销号的督办任务",
                    "项",
                ),
                Evidence(
                    "followup_notice_overdue", "followup_notice_due", "超期未办复的督办通知", "份"
                ),
                Evidence("escalation_head", "", "超期升级至一把手的事项", "次"),
                Evidence("escalation_office", "", "超期升级至督查室的事项", "次"),
                cat("bureaucratism"),
                *_module_evidence(("overdue",)),
            ),
        ),
        Problem(
            "formalism",
            "形式主义问题",
            (
                Evidence(
                    "q.report_formalism",
                    "supervision_reports",
                    "照抄照搬、空泛表态的进展报送",
                    "份",
                ),
                Evidence(
                    "supervision_reports_returned", "supervision_reports", "被退回的进展报送", "份"
                ),
                cat("formalism"),
            ),
        ),
        Problem(
            "disconnect",
            "调查研究不深入，脱离群众",
            # Shallow visits: the visits module's confirmed flags (its codes call them
            # "flags_confirmed"; a module naming them "shallow" is read too).
            (cat("disconnect"), *_module_evidence(("shallow", "flags_confirmed"))),
        ),
    ]
    known = set(registry.MEASURES) | set(queries())
    return [
        Problem(
            p.code,
            p.title,
            tuple(e for e in p.evidence if e.code in known and (not e.base or e.base in known)),
        )
        for p in listed
    ]
