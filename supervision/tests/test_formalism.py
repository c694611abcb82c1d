"""Formalism in reports: copies (of the unit's earlier report, another unit's, the directive's
text) and empty "已完成" claims are found with a reason; boilerplate, paraphrases with facts and
claims with evidence are not. Pure functions, no database."""

from __future__ import annotations

from supervision.formalism import (
    COPY_DIRECTIVE,
    COPY_OTHER_UNIT,
    COPY_OWN_EARLIER,
    EMPTY_CLAIM,
    CopyIndex,
    Finding,
    ReportDoc,
    band_keys,
    common_passages,
    find_formalism,
    fingerprint,
    normalise,
)

DIRECTIVE = (
    "关于推进老旧小区改造的决定：各街道要于2026年12月底前完成辖区内老旧小区雨污分流、外墙保温"
    "和加装电梯改造，建立问题清单和整改台账，每月报送进展情况，确保改造质量和施工安全。"
)
HEADINGS = ["一、工作进展情况", "二、存在的主要问题", "三、下一步工作计划"]

OCTOBER_A = (
    "一、工作进展情况。本月在幸福里社区完成雨污分流管网改造1.2公里，更换老化供水管道860米，"
    "10月15日组织居民议事会收集意见37条，已答复35条。二、存在的主要问题。专项资金拨付较慢，"
    "6号楼加装电梯意见未统一。三、下一步工作计划。11月底前完成光明路小区外墙保温施工。"
)
# The same unit a month later: the October text with one new sentence.
NOVEMBER_A = OCTOBER_A.replace("11月底前完成光明路小区外墙保温施工。", "12月完成光明路小区验收。")
OTHER_UNIT_B = (
    "一、工作进展情况。本月在红星社区拆除违章搭建14处，清理楼道堆物52处，11月3日联合城管"
    "执法中队开展夜间巡查6次，劝导占道经营41起。二、存在的主要问题。部分商户反复占道。"
    "三、下一步工作计划。在红星路增设潮汐摊区2处。"
)
# Unit C in the same month hands in B's text with a few words changed and its own last line.
COPIED_FROM_B = OTHER_UNIT_B.replace("三、下一步工作计划。在红星路增设潮汐摊区2处。", "") + (
    "三、下一步工作计划。继续做好相关工作。"
)
# Unit D restates the directive as its report.
COPIED_DIRECTIVE = (
    "一、工作进展情况。我街道于2026年12月底前完成辖区内老旧小区雨污分流、外墙保温和加装电梯"
    "改造，建立问题清单和整改台账，每月报送进展情况，确保改造质量和施工安全。"
    "二、存在的主要问题。无。三、下一步工作计划。按要求推进。"
)
# Unit E reports the same kind of work as A in its own words, with its own facts.
PARAPHRASE = (
    "一、工作进展情况。青石社区雨水与污水管道分开改造本月推进到0.8公里，供水旧管换新420米；"
    "10月22日召开楼长座谈会，居民提出意见19条，当场解答16条。二、存在的主要问题。"
    "3号楼有两户反对加装电梯。三、下一步工作计划。12月10日前完成青石路外立面保温。"
)
EMPTY = (
    "我街道高度重视，成立工作专班，多措并举、扎实推进，狠抓落实，各项任务已全面完成，"
    "取得明显成效，营造良好氛围。"
)


def doc(key: int, unit: int, period: str, text: str, evidence: int = 1) -> ReportDoc:
    return ReportDoc(key, unit, 7, 3, period, text, evidence)


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


def test_a_unit_copying_its_own_earlier_report_is_flagged_with_period_and_passages():
    earlier = doc(1, 10, "2026-10", OCTOBER_A)
    report = doc(2, 10, "2026-11", NOVEMBER_A)

    [finding] = find_formalism(report, [earlier], DIRECTIVE, HEADINGS)

    assert finding.kind == COPY_OWN_EARLIER
    assert finding.source_key == 1
    assert finding.score >= 0.8
    assert "2026-10" in finding.reason and "跨期" in finding.reason
    mine, theirs = finding.passages[0]
    assert "幸福里社区完成雨污分流管网改造1.2公里" in mine
    assert mine == theirs  # shown as written, punctuation included
    assert "，" in mine


def test_copy_is_found_through_changed_punctuation_and_spacing():
    earlier = doc(1, 10, "2026-10", OCTOBER_A)
    respaced = OCTOBER_A.replace("，", " ").replace("。", "；\n")
    report = doc(2, 10, "2026-11", respaced)

    assert kinds(find_formalism(report, [earlier], "", HEADINGS)) == [COPY_OWN_EARLIER]


def test_another_units_report_of_the_same_period_copied_is_flagged():
    source = doc(5, 20, "2026-11", OTHER_UNIT_B)
    report = doc(6, 30, "2026-11", COPIED_FROM_B)

    [finding] = find_formalism(report, [source], DIRECTIVE, HEADINGS)

    assert finding.kind == COPY_OTHER_UNIT
    assert finding.source_key == 5
    assert "同期" in finding.reason and "编号 5" in finding.reason
    assert "红星社区拆除违章搭建14处" in finding.passages[0][0]


def test_a_report_restating_the_directive_is_flagged():
    report = doc(8, 40, "2026-11", COPIED_DIRECTIVE)

    [finding] = find_formalism(report, [], DIRECTIVE, HEADINGS)

    assert finding.kind == COPY_DIRECTIVE
    assert finding.source_key is None
    assert "以文件落实文件" in finding.reason
    assert "雨污分流、外墙保温和加装电梯" in finding.passages[0][1]


def test_shared_boilerplate_headings_alone_are_not_flagged():
    # The directive prescribes a report outline with long headings; two short reports with
    # different content under them: the headings are most of the text, yet nothing is copied.
    outline = [
        "一、贯彻落实区政府常务会议决策部署的主要做法",
        "二、任务推进中存在的主要问题及原因分析",
        "三、下一阶段工作安排和需要协调解决的事项",
    ]
    form = "{}：{}。{}：无。{}：{}。"
    a = doc(1, 10, "2026-11", form.format(outline[0], "完成3处", outline[1], outline[2], "验收"))
    b = doc(2, 20, "2026-11", form.format(outline[0], "改造5户", outline[1], outline[2], "巡查"))

    assert find_formalism(b, [a], "", outline) == []
    # Without the outline declared as boilerplate the same pair is a copy.
    assert kinds(find_formalism(b, [a], "", [])) == [COPY_OTHER_UNIT]


def test_text_most_units_write_is_boilerplate_not_a_copy():
    common = (
        "按照区委区政府统一部署，我单位对照任务清单逐项推进，现将本月工作进展情况报告如下，"
        "请区政府督查室审阅。"
    )
    others = [
        doc(10 + unit, unit, "2026-11", common + f"本月在第{unit}网格完成巡查{unit * 3}次。")
        for unit in range(1, 6)
    ]
    report = doc(99, 42, "2026-11", common + "本月在东湖社区新装路灯18盏，修复破损路面260平方米。")

    assert find_formalism(report, others, "", []) == []
    # Shared by only three other units, the same paragraph is still a copy.
    assert kinds(find_formalism(report, others[:3], "", [])) == [COPY_OTHER_UNIT]


def test_a_paraphrase_with_its_own_facts_is_not_flagged():
    earlier = doc(1, 10, "2026-10", OCTOBER_A)
    report = doc(2, 11, "2026-10", PARAPHRASE, evidence=0)

    assert find_formalism(report, [earlier], DIRECTIVE, HEADINGS) == []


def test_an_empty_all_done_claim_without_evidence_is_flagged_with_phrases_and_missing_facts():
    report = doc(3, 10, "2026-11", EMPTY, evidence=0)

    [finding] = find_formalism(report, [], DIRECTIVE, HEADINGS)

    assert finding.kind == EMPTY_CLAIM
    assert "全面完成" in finding.reason and "未附任何佐证材料" in finding.reason
    for phrase in ("高度重视", "多措并举", "扎实推进", "取得明显成效"):
        assert phrase in finding.reason
    assert "缺少日期、数字、地点、具体事项" in finding.reason


def test_an_empty_claim_with_evidence_is_not_flagged():
    report = doc(3, 10, "2026-11", EMPTY, evidence=2)

    assert find_formalism(report, [], DIRECTIVE, HEADINGS) == []


def test_a_completion_claim_with_concrete_facts_is_not_flagged():
    text = "我街道高度重视，已全面完成幸福里社区6号楼加装电梯，11月20日通过验收，惠及住户42户。"

    assert find_formalism(doc(3, 10, "2026-11", text, evidence=0), [], "", []) == []


def test_a_planned_completion_is_no_claim():
    text = "我街道高度重视，扎实推进，力争年底前全面完成。"

    assert find_formalism(doc(3, 10, "2026-11", text, evidence=0), [], "", []) == []


def test_later_reports_and_the_report_itself_are_never_sources():
    report = doc(1, 10, "2026-10", OCTOBER_A)
    later_own = doc(2, 10, "2026-11", NOVEMBER_A)
    later_other = doc(3, 20, "2026-12", OCTOBER_A)

    assert find_formalism(report, [report, later_own, later_other], "", HEADINGS) == []


def test_band_keys_fit_a_bigint_column_and_a_copy_shares_a_bucket_with_its_source():
    keys = band_keys(fingerprint(NOVEMBER_A))

    assert len(keys) == 64
    assert all(0 <= key < 2**63 for key in keys)
    assert fingerprint(NOVEMBER_A) == fingerprint(NOVEMBER_A)
    assert set(keys) & set(band_keys(fingerprint(OCTOBER_A)))
    assert not set(keys) & set(band_keys(fingerprint(EMPTY)))
    assert band_keys(fingerprint("")) == []


def test_the_copy_index_finds_the_source_among_unrelated_reports():
    index = CopyIndex()
    index.add_many(
        [
            doc(1, 10, "2026-10", OCTOBER_A),
            doc(5, 20, "2026-11", OTHER_UNIT_B),
            doc(3, 30, "2026-11", EMPTY, evidence=0),
        ]
    )
    report = doc(2, 10, "2026-11", NOVEMBER_A)

    assert [c.key for c in index.query(report)] == [1]
    [finding] = index.check(report, DIRECTIVE, HEADINGS)
    assert (finding.kind, finding.source_key) == (COPY_OWN_EARLIER, 1)


def test_a_report_reusing_a_third_of_another_is_not_flagged_but_two_thirds_is():
    source = doc(5, 20, "2026-11", OTHER_UNIT_B)
    reused = "本月在红星社区拆除违章搭建14处，清理楼道堆物52处。"
    own = [
        "11月8日在滨江路开展燃气安全入户检查，覆盖住户316户，发现隐患9处已督促整改。",
        "新建社区食堂1处，日均就餐老人85人次，为独居老人送餐23份。",
    ]
    third = doc(6, 30, "2026-11", reused + "".join(own))
    two_thirds = doc(7, 31, "2026-11", reused + OTHER_UNIT_B[40:90] + own[1])

    assert find_formalism(third, [source], "", HEADINGS) == []
    [finding] = find_formalism(two_thirds, [source], "", HEADINGS)
    assert finding.kind == COPY_OTHER_UNIT and 0.5 <= finding.score < 0.9


COMMON = (
    "按照区委区政府统一部署，我单位对照任务清单逐项推进，现将本月工作进展情况报告如下，"
    "请区政府督查室审阅。"
)


def test_the_copy_index_ignores_what_most_units_write_on_the_directive():
    # Six units write the same paragraph on the directive in December; in November one other
    # unit did. Only the November report can be a source, yet the paragraph is boilerplate.
    index = CopyIndex()
    index.add_many(
        doc(unit, unit, "2026-12", COMMON + f"本月在第{unit}网格完成巡查{unit * 3}次。")
        for unit in range(1, 7)
    )
    same_month = doc(50, 50, "2026-11", COMMON + "本月在西城社区清理堆物31处。")
    index.add(same_month)
    report = doc(99, 42, "2026-11", COMMON + "本月在东湖社区新装路灯18盏，修复破损路面260平方米。")

    assert [c.key for c in index.query(report)] == [50]
    assert index.check(report) == []
    # Compared with that report alone, the shared paragraph looks like a copy.
    assert kinds(find_formalism(report, [same_month], "", [])) == [COPY_OTHER_UNIT]


def test_common_passages_give_the_text_most_units_write_as_boilerplate():
    reports = [
        doc(unit, unit, "2026-10", COMMON + f"本月在第{unit}网格完成巡查{unit * 3}次。")
        for unit in range(1, 6)
    ]

    passages = common_passages(reports)

    assert passages == [normalise(COMMON) + "本月在第"]
    report = doc(99, 42, "2026-11", COMMON + "东湖社区新装路灯18盏。")
    assert find_formalism(report, reports[:1], "", passages) == []


def test_passages_leave_the_required_headings_out():
    earlier = doc(1, 10, "2026-10", OCTOBER_A)
    report = doc(2, 10, "2026-11", NOVEMBER_A)

    [finding] = find_formalism(report, [earlier], "", HEADINGS)

    assert all(not mine.startswith(("一、", "工作进展")) for mine, _ in finding.passages)
    assert all("下一步工作计划" not in mine for mine, _ in finding.passages)


def test_shared_words_and_place_names_are_not_copying():
    # The same works at the same places, in other sentences: no run of ten characters.
    earlier = doc(1, 10, "2026-10", "幸福里社区雨污分流管网改造进场；光明路小区外墙保温招标。" * 3)
    report = doc(
        2,
        20,
        "2026-10",
        "光明路小区外墙保温已验收12栋，幸福里社区雨污分流管网完工800米，东湖社区开工。",
    )

    assert find_formalism(report, [earlier], "", []) == []
