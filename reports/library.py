"""The default library of causes and measures, one set per problem, written from the five
problems' usual causes (weak study, weak service ethic, leaders' neglect, vague standards,
weak cadre management). Installed by a data migration; the office edits it in the admin.
No digits in any text: every number in a report is a fact."""

from __future__ import annotations

from typing import Any

# (problem, kind, heading, text)
DEFAULTS: list[tuple[str, str, str, str]] = [
    (
        "mindset",
        "cause",
        "理论学习不深入",
        "部分干部政治理论和业务知识学习流于形式，思想观念跟不上改革要求，习惯于按老办法办事，遇到职责交叉的事项先想“能不能推”，而不是“怎样办成”。",
    ),
    (
        "mindset",
        "cause",
        "职责边界不清晰",
        "部门之间职责划分和衔接机制不够明确，首问负责、限时办结等制度执行不严，给推诿扯皮留下空间。",
    ),
    (
        "mindset",
        "remedy",
        "强化首问负责和限时转办",
        "严格执行首问负责制，职责不清的事项由首接单位牵头办理、限时协调，禁止多次转办和退回；对推诿转办的办件逐件通报。",
    ),
    (
        "mindset",
        "remedy",
        "抓实学习教育",
        "把解放思想、更新观念纳入干部日常学习，结合推诿典型案例开展警示教育，推动干部由“管理者”向“服务者”转变。",
    ),
    (
        "service",
        "cause",
        "服务意识淡薄",
        "一些窗口和后台人员宗旨意识不强，把服务对象当成管理对象，对群众和企业诉求缺乏耐心，一次性告知落实不到位。",
    ),
    (
        "service",
        "cause",
        "授权不到位",
        "部分进驻大厅的部门未向窗口充分授权，窗口只收件、审批仍在后台，形成“明进暗不进”，办事链条长、效率低。",
    ),
    (
        "service",
        "remedy",
        "落实窗口授权",
        "全面清理进驻事项的授权情况，推动审批权限向窗口集中，限期整改“明进暗不进”；对超期办结和超期未办结的办件逐件督办。",
    ),
    (
        "service",
        "remedy",
        "提升服务质效",
        "严格一次性告知和限时办结，推行好差评结果与单位考核挂钩，差评件限期整改、回访见效。",
    ),
    (
        "bureaucratism",
        "cause",
        "领导重视不够",
        "个别单位主要负责同志对作风建设重视不够，压力传导层层递减，对群众诉求和督办事项满足于批转，不跟踪、不问效。",
    ),
    (
        "bureaucratism",
        "cause",
        "责任追究偏软",
        "对超期未办、多次催办仍不落实的问题，问责措施落实不严，没有形成有效震慑。",
    ),
    (
        "bureaucratism",
        "remedy",
        "压实主体责任",
        "明确单位一把手为作风建设第一责任人，超期升级事项由一把手亲自过问、限期办结；督查室对升级事项实行清单管理、销号办理。",
    ),
    (
        "bureaucratism",
        "remedy",
        "严格督办问责",
        "对催办后仍未办复、超期升级的事项，按规定约谈、通报，情节严重的移交纪检监察机关。",
    ),
    (
        "formalism",
        "cause",
        "考核标准不科学",
        "部分工作考核重留痕、轻实效，重材料、轻结果，标准笼统模糊，导致以文件落实文件、以报告代替落实。",
    ),
    (
        "formalism",
        "cause",
        "工作作风不实",
        "一些单位报送进展照搬照抄、前后雷同，称已完成却拿不出佐证，满足于应付检查。",
    ),
    (
        "formalism",
        "remedy",
        "完善考核评价",
        "优化督查考核指标，以群众满意度和实际成效为主要依据，减少报表和材料要求；对照抄照搬、空泛表态的进展报告退回重报并通报。",
    ),
    (
        "formalism",
        "remedy",
        "推动实地核查",
        "对称已完成的督办任务开展现场核实和回访，把查实的形式主义问题纳入单位作风考核。",
    ),
    (
        "disconnect",
        "cause",
        "干部管理不严",
        "对干部深入基层、联系群众缺乏刚性要求和有效检查，调查研究走过场、蜻蜓点水，掌握情况不深不实。",
    ),
    (
        "disconnect",
        "cause",
        "联系群众渠道不畅",
        "群众意见表达和反馈渠道不够通畅，对回访不满意的诉求跟踪不够，问题底数不清。",
    ),
    (
        "disconnect",
        "remedy",
        "改进调查研究",
        "建立领导干部定点联系和蹲点调研制度，调研必须形成问题清单并跟踪解决，杜绝走马观花式调研。",
    ),
    (
        "disconnect",
        "remedy",
        "畅通民意渠道",
        "用好热线、网上举报、座谈会和问卷调查等渠道，对回访不满意的诉求重新办理，把群众评价作为检验作风的标尺。",
    ),
]


def install(apps: Any, schema_editor: Any = None, *, using: str | None = None) -> None:
    """Write the defaults when the library is empty (the data migration's RunPython and every
    post_migrate; an office that retired entries keeps its choice)."""
    if using is None:
        using = schema_editor.connection.alias if schema_editor is not None else "default"
    entry = apps.get_model("reports", "LibraryEntry")
    if entry.objects.using(using).exists():
        return
    entry.objects.using(using).bulk_create(
        entry(problem=problem, kind=kind, heading=heading, text=text, sort_order=index)
        for index, (problem, kind, heading, text) in enumerate(DEFAULTS)
    )
