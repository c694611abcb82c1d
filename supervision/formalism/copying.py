"""Copied reports: how much of a report is found in one earlier report or in the directive.

Candidates come from LSH (`band_keys`); the decision is exact. Each shingle of the report is
looked up in the source's shingle set; the characters covered by found shingles are the copied
text, and the share is copied characters / the report's characters once boilerplate is taken
out. Only runs of at least MIN_RUN_CHARS characters in common count, so that shared
vocabulary is not copying. Characters rather than shingles are counted because a copied
sentence set among new ones loses its K − 1 boundary shingles: counted by shingles, a report
that is exactly half copied would score about 45 %.

Boilerplate (the base-file rule of MOSS) is text that does not count as copying:
- the shingles of `boilerplate_texts` (the directive's required headings, a template) and of
  the set phrases of claims.SET_PHRASES (officialese everyone writes is not copied from anyone);
- text found in the reports of most other units among the candidates (at least
  BOILERPLATE_UNIT_SHARE of them and at least BOILERPLATE_MIN_UNITS; like MOSS's `-m`, a
  passage shared by that many is not a copy), and the same over every report on the directive
  when the caller knows them (`common`: `CopyIndex.common`, or `common_passages` stored and
  passed as boilerplate_texts);
- for report-to-report copying only, the directive's own text: quoting the task is judged by
  the directive check (copy_directive), not as one unit copying another.
No report is flagged for boilerplate alone: boilerplate characters leave the numerator and the
denominator, and at least MIN_COPIED_CHARS copied characters are needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .claims import SET_PHRASES
from .documents import (
    COPY_DIRECTIVE,
    COPY_OTHER_UNIT,
    COPY_OWN_EARLIER,
    Finding,
    ReportDoc,
)
from .shingles import K, Shingled, contains, positions

COPY_THRESHOLD = 0.5  # flag when at least this share of the non-boilerplate text is copied
MIN_COPIED_CHARS = 20  # and at least this many characters (a heading-sized overlap is not)
# Only runs of at least this many characters in common count (JPlag's minimum match length):
# two reports on one task share words ("雨污分流管网", a place name) without copying each other.
MIN_RUN_CHARS = 10
# Text in the reports of at least this many other units among the candidates, and of at least
# this share of them, is boilerplate ("what most units write").
BOILERPLATE_MIN_UNITS = 4
BOILERPLATE_UNIT_SHARE = 0.5
PASSAGES_KEPT = 5
PASSAGES_IN_REASON = 2
PASSAGE_MAX_CHARS = 160
REASON_PASSAGE_CHARS = 60  # a passage quoted in the reason (the pair is in `passages`)


@dataclass(frozen=True)
class Overlap:
    """The exact comparison of a report with one source."""

    share: float
    copied_chars: int
    counted_chars: int  # the report's characters that are not boilerplate
    flags: np.ndarray  # per report shingle: found in the source and not boilerplate
    copied: np.ndarray  # per report character (normalised): copied and not boilerplate


def cover(flags: np.ndarray, n_chars: int) -> np.ndarray:
    """The characters covered by the shingles whose flag is set."""
    m = len(flags)
    if not n_chars or not m:
        return np.zeros(n_chars, dtype=bool)
    depth = np.zeros(m + K, dtype=np.int32)
    depth[:m] += flags
    depth[K : K + m] -= flags
    return np.cumsum(depth)[:n_chars] > 0


def long_runs(found: np.ndarray) -> np.ndarray:
    """`found` with every run of consecutive found shingles shorter than MIN_RUN_CHARS
    characters cleared."""
    least = max(1, MIN_RUN_CHARS - K + 1)
    if least == 1 or not found.any():
        return found
    edges = np.diff(np.concatenate(([0], found.view(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    keep = np.zeros(len(found) + 1, dtype=np.int32)
    long = ends - starts >= least
    # Runs are separated by at least one unfound shingle: no start is another run's end.
    keep[starts[long]] = 1
    keep[ends[long]] = -1
    return np.cumsum(keep[:-1]) > 0


def shingle_set(texts: Sequence[str]) -> np.ndarray:
    """The sorted distinct shingles of some texts together."""
    parts = [Shingled.of(t).distinct for t in texts if t]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)


def overlap(
    report: Shingled, source: np.ndarray, boilerplate: np.ndarray, found: np.ndarray | None = None
) -> Overlap:
    """How much of `report` is in `source` (sorted distinct shingles), `boilerplate` being a
    per-shingle mask of the report's boilerplate shingles; `found` (the report's shingles in
    the source, short runs cleared) when already computed."""
    n = len(report.cleaned)
    if found is None:
        found = long_runs(contains(source, report.hashes))
    boiler_chars = cover(boilerplate, n)
    flags = found & ~boilerplate
    copied = cover(flags, n) & ~boiler_chars
    counted = n - int(boiler_chars.sum())
    copied_chars = int(copied.sum())
    share = copied_chars / counted if counted else 0.0
    return Overlap(share, copied_chars, counted, flags, copied)


@lru_cache(maxsize=1)
def _set_phrase_shingles() -> np.ndarray:
    return shingle_set([p for p in SET_PHRASES if len(p) >= K])


def is_copy(result: Overlap) -> bool:
    return result.share >= COPY_THRESHOLD and result.copied_chars >= MIN_COPIED_CHARS


def passages(
    report_text: str, report: Shingled, result: Overlap, source_text: str, source: Shingled
) -> list[tuple[str, str]]:
    """The longest runs of the report found in the source, side by side as written (with
    punctuation), longest first. A run starts at a copied shingle and extends character by
    character while both texts agree (reordered paragraphs are found too); it is then cut to
    its copied characters, so boilerplate inside or around it is not shown as copied."""
    first: dict[int, int] = {}
    hashes = source.hashes.tolist()
    for at in range(len(hashes) - 1, -1, -1):
        first[hashes[at]] = at
    r, s = report.cleaned, source.cleaned
    report_hashes = report.hashes.tolist()
    flagged = result.flags.tolist()
    copied = result.copied
    runs: list[tuple[int, int, int]] = []
    i, m = 0, len(flagged)
    while i < m:
        if not flagged[i] or report_hashes[i] not in first:
            i += 1
            continue
        j = first[report_hashes[i]]
        length = min(K, len(r) - i, len(s) - j)
        while i + length < len(r) and j + length < len(s) and r[i + length] == s[j + length]:
            length += 1
        # The copied stretches of the run, boilerplate left out.
        inside = np.concatenate(([0], copied[i : i + length].view(np.int8), [0]))
        edges = np.diff(inside)
        for start, end in zip(
            np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True
        ):
            if end - start >= K:
                runs.append((end - start, i + start, j + start))
        i += max(1, length - K + 1)
    runs.sort(key=lambda run: (-run[0], run[1]))
    if not runs:
        return []
    report_form, report_index = positions(report_text)
    source_form, source_index = positions(source_text)
    out = []
    for length, i, j in runs[:PASSAGES_KEPT]:
        mine = _excerpt(report_form, report_index, i, length)
        theirs = _excerpt(source_form, source_index, j, length)
        out.append((mine, theirs))
    return out


def _excerpt(form: str, index: list[int], start: int, length: int) -> str:
    if not index:
        return ""
    end = min(start + length, len(index)) - 1
    return _clip(form[index[start] : index[end] + 1], PASSAGE_MAX_CHARS)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def common_shingles(units_and_shingles: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
    """The sorted shingles found in the reports of most units (at least BOILERPLATE_UNIT_SHARE
    of the units given, and at least BOILERPLATE_MIN_UNITS), from (unit, distinct shingles)
    pairs: a unit counts once however many of its reports hold the shingle."""
    units = {unit for unit, _ in units_and_shingles}
    least = max(BOILERPLATE_MIN_UNITS, BOILERPLATE_UNIT_SHARE * len(units))
    if len(units) < least:
        return np.empty(0, dtype=np.uint64)
    by_unit: dict[int, list[np.ndarray]] = {}
    for unit, shingles in units_and_shingles:
        by_unit.setdefault(unit, []).append(shingles)
    # Each unit's shingles once, then how many units hold each shingle.
    per_unit = [np.unique(np.concatenate(parts)) for parts in by_unit.values()]
    values, counts = np.unique(np.concatenate(per_unit), return_counts=True)
    return values[counts >= least]


def common_passages(reports: Sequence[ReportDoc]) -> list[str]:
    """The passages (normalised text, runs of MIN_RUN_CHARS or more) that most units write,
    e.g. over the reports on one directive: to pass as `boilerplate_texts`, or to store."""
    shingled = [(r, Shingled.of(r.text)) for r in reports]
    common = common_shingles([(r.unit_id, s.distinct) for r, s in shingled])
    out: dict[str, None] = {}
    if not len(common):
        return []
    for _, s in shingled:
        runs = long_runs(contains(common, s.hashes))
        edges = np.diff(np.concatenate(([0], runs.view(np.int8), [0])))
        for start, end in zip(
            np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True
        ):
            out[s.cleaned[start : end + K - 1]] = None
    return list(out)


def _relation(report: ReportDoc, candidate: ReportDoc) -> str | None:
    """The kind of copy `candidate` could be a source of, or None when it cannot be one: the
    report itself, a later report, the same unit's report of the same period, another unit's
    report of another period (the issue asks for the same period: a unit's own words of an
    earlier month that another unit later echoes are usually a shared template)."""
    if candidate.key == report.key or candidate.period > report.period:
        return None
    if candidate.unit_id == report.unit_id:
        return COPY_OWN_EARLIER if candidate.period < report.period else None
    return COPY_OTHER_UNIT if candidate.period == report.period else None


def copy_findings(
    report: ReportDoc,
    candidates: Sequence[ReportDoc],
    directive_text: str,
    boilerplate_texts: Sequence[str],
    prepared: Mapping[int, Shingled] | None = None,
    common: np.ndarray | None = None,
) -> list[Finding]:
    """At most one finding per kind of copy: the source with the largest share, when that
    share reaches COPY_THRESHOLD. `prepared` may hold the candidates' shingles by key;
    `common` the sorted shingles most units write on this directive (`common_shingles`)."""
    prepared = prepared or {}
    mine = prepared.get(report.key) or Shingled.of(report.text)
    if not len(mine.hashes):
        return []
    explicit = contains(shingle_set(boilerplate_texts), mine.hashes)
    explicit |= contains(_set_phrase_shingles(), mine.hashes)
    directive = Shingled.of(directive_text) if directive_text else None
    findings: list[Finding] = []

    # Text in many other units' reports is boilerplate; the per-candidate lookups are kept
    # for the comparison below.
    found_by: dict[int, np.ndarray] = {}
    per_unit: dict[int, np.ndarray] = {}
    shingled: dict[int, Shingled] = {}
    for candidate in candidates:
        if candidate.key == report.key:
            continue
        theirs = prepared.get(candidate.key) or Shingled.of(candidate.text)
        shingled[candidate.key] = theirs
        found = long_runs(contains(theirs.distinct, mine.hashes))
        found_by[candidate.key] = found
        if candidate.unit_id != report.unit_id:
            seen = per_unit.get(candidate.unit_id)
            per_unit[candidate.unit_id] = found if seen is None else seen | found
    many = np.zeros(len(mine.hashes), dtype=bool)
    if common is not None and len(common):
        many = long_runs(contains(common, mine.hashes))
    least = max(BOILERPLATE_MIN_UNITS, BOILERPLATE_UNIT_SHARE * len(per_unit))
    if len(per_unit) >= least:
        many |= np.sum(list(per_unit.values()), axis=0) >= least
    boilerplate = explicit | many

    if directive is not None and len(directive.hashes):
        in_directive = long_runs(contains(directive.distinct, mine.hashes))
        # What most units write counts as boilerplate unless it is the directive's own text
        # (many units restating the directive is the finding, not an excuse).
        result = overlap(mine, directive.distinct, explicit | (many & ~in_directive), in_directive)
        if is_copy(result):
            shown = passages(report.text, mine, result, directive_text, directive)
            findings.append(
                Finding(
                    COPY_DIRECTIVE,
                    round(result.share, 4),
                    None,
                    shown,
                    _copy_reason(COPY_DIRECTIVE, result, report, None, shown),
                )
            )
        boilerplate |= in_directive

    best: dict[str, tuple[Overlap, ReportDoc]] = {}
    for candidate in candidates:
        kind = _relation(report, candidate)
        if kind is None:
            continue
        result = overlap(mine, np.empty(0), boilerplate, found_by[candidate.key])
        if not is_copy(result):
            continue
        held = best.get(kind)
        if held is None or result.share > held[0].share:
            best[kind] = (result, candidate)
    for kind in (COPY_OWN_EARLIER, COPY_OTHER_UNIT):
        if kind not in best:
            continue
        result, source = best[kind]
        shown = passages(report.text, mine, result, source.text, shingled[source.key])
        findings.append(
            Finding(
                kind,
                round(result.share, 4),
                source.key,
                shown,
                _copy_reason(kind, result, report, source, shown),
            )
        )
    return findings


def _copy_reason(
    kind: str,
    result: Overlap,
    report: ReportDoc,
    source: ReportDoc | None,
    shown: list[tuple[str, str]],
) -> str:
    if kind == COPY_DIRECTIVE or source is None:
        whence = "与本项决策部署（督办文件）原文相同，疑似“以文件落实文件”"
    elif kind == COPY_OWN_EARLIER:
        whence = f"与本单位 {source.period} 的报告（编号 {source.key}）相同，疑似跨期照抄"
    else:
        whence = (
            f"与另一单位（单位编号 {source.unit_id}）同期（{source.period}）的报告"
            f"（编号 {source.key}）相同，"
            "疑似照抄其他单位报告"
        )
    text = (
        f"本报告除通用格式文字外共 {result.counted_chars} 字，其中 "
        f"{round(result.share * 100)}%（{result.copied_chars} 字）{whence}。"
    )
    if shown:
        quoted = "；".join(
            f"“{_clip(mine, REASON_PASSAGE_CHARS)}”" for mine, _ in shown[:PASSAGES_IN_REASON]
        )
        text += f"相同段落如：{quoted}。"
    return text
