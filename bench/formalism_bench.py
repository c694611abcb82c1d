"""Formalism benchmark (issue 12 item 6): detection quality on the planted corpus and the speed
of copy detection at 10,000 reports, each against a brute-force baseline in the same run.

    .venv/bin/python bench/formalism_bench.py [--units 20 --months 6 --tasks 5] [--scale 10000]

1. Quality, on `bench/formalism_corpus.py`'s planted corpus (600 reports by default): every
   report is checked after the whole corpus is indexed (a same-period copy is found whichever
   of the two was handed in first), with the task's directive and the required headings, as
   the app calls `find_formalism`. Candidates from (a) the LSH index (`CopyIndex.check`) and
   (b) brute force: every report of the same or an earlier period. A report is positive when
   a planted copy took ≥ 50 % of its own text from one source; it is a true positive when a
   copy finding names that source (the directive for a directive copy). Targets: recall ≥ 0.95,
   precision ≥ 0.90, no report flagged for boilerplate alone (the planted boilerplate-only
   reports and every original report).
2. Speed, on a corpus of --scale reports plus one more month (50 units × 20 months × 10 tasks):
   (a) index the first --scale reports in time order (normalisation, shingles, MinHash, LSH
   buckets), against the brute-force screening the index replaces (every report compared
   exactly with every earlier one: timed on a sample of pairs and extrapolated); target < 30 s.
   (b) check each report of the extra month against all earlier ones (`CopyIndex.check`:
   candidates, exact comparison, passages, empty-claim check), against `find_formalism` with
   every earlier report as a candidate (shingles precomputed for both); target < 200 ms.
   Also (b') the app's path without the index's precomputed shingles: fingerprint, band keys,
   the same candidates passed as plain ReportDocs (the database query not included).
One process pinned to one CPU; BLAS threads limited to one. Needs no database.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.formalism_corpus import Corpus, Planted, generate  # noqa: E402
from supervision.formalism import (  # noqa: E402
    COPY_DIRECTIVE,
    COPY_OTHER_UNIT,
    COPY_OWN_EARLIER,
    EMPTY_CLAIM,
    CopyIndex,
    Finding,
    ReportDoc,
    band_keys,
    find_formalism,
    fingerprint,
)
from supervision.formalism.copying import overlap  # noqa: E402

COPY_KINDS = {COPY_OWN_EARLIER, COPY_OTHER_UNIT, COPY_DIRECTIVE}
PLANTED_KIND = {"own_earlier": COPY_OWN_EARLIER, "other_unit": COPY_OTHER_UNIT}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def brute_candidates(corpus: Corpus) -> dict[str, list[ReportDoc]]:
    """Reports by period: a report's brute-force candidates are every report up to its period."""
    upto: dict[str, list[ReportDoc]] = {}
    ordered = sorted(corpus.reports, key=lambda r: r.period)
    for period in sorted({r.period for r in ordered}):
        upto[period] = [r for r in ordered if r.period <= period]
    return upto


def truth(planted: Planted) -> dict[tuple[str, int | None], float]:
    """The report's planted sources, (kind, source key) → share of its own text from it; a
    same-month pair counts both ways (each report shares that much with the other)."""
    sources: dict[tuple[str, int | None], float] = {}
    if planted.kind == "directive":
        sources[(COPY_DIRECTIVE, None)] = planted.share
    elif planted.kind in PLANTED_KIND:
        sources[(PLANTED_KIND[planted.kind], planted.source_key)] = planted.share
    for copier, share in planted.shared:
        sources[(COPY_OTHER_UNIT, copier)] = share
    return sources


def score(corpus: Corpus, results: dict[int, list[Finding]], label: str) -> dict[str, float]:
    positives = tp_any = tp_source = flagged = 0
    boiler_flags = original_flags = 0
    by_bin: dict[str, list[int]] = {}
    false_by: Counter[str] = Counter()
    for report in corpus.reports:
        planted = corpus.planted[report.key]
        copies = [f for f in results[report.key] if f.kind in COPY_KINDS]
        sources = truth(planted)
        share = max(sources.values(), default=0.0)
        positive = share >= 0.5
        if sources:
            low = min(int(share * 10), 9) / 10
            counts = by_bin.setdefault(f"{low:.1f}–{low + 0.1:.1f}", [0, 0])
            counts[0] += 1
            counts[1] += bool(copies)
        if copies:
            flagged += 1
            if positive:
                tp_any += 1
            else:
                what = planted.kind if planted.kind != "original" or not sources else "copied"
                false_by[f"{what} (share {share:.2f})" if sources else what] += 1
        if positive:
            positives += 1
            tp_source += any(sources.get((f.kind, f.source_key), 0) >= 0.5 for f in copies)
        if copies and planted.kind == "boilerplate":
            boiler_flags += 1
        if copies and planted.kind == "original" and not sources:
            original_flags += 1
    recall = tp_any / positives if positives else 1.0
    recall_source = tp_source / positives if positives else 1.0
    precision = tp_any / flagged if flagged else 1.0
    print(f"  {label}")
    print(
        f"    positives (≥ 50 % shared with one source) {positives}, flagged {flagged}, "
        f"true positives {tp_any} (naming the planted source: {tp_source})"
    )
    print(
        f"    recall {recall:.3f} {verdict(recall >= 0.95)} (≥ 0.95)   "
        f"recall with the right source {recall_source:.3f}   "
        f"precision {precision:.3f} {verdict(precision >= 0.90)} (≥ 0.90)"
    )
    print(
        f"    flagged with no planted copy: {boiler_flags} boilerplate-only reports, "
        f"{original_flags} originals  {verdict(boiler_flags + original_flags == 0)} (0)"
    )
    print(
        "    reports flagged by planted share (original sources included): "
        + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(by_bin.items()))
    )
    if false_by:
        print("    false flags: " + ", ".join(f"{k} ×{v}" for k, v in false_by.most_common(8)))
    return {"recall": recall, "precision": precision, "boiler": boiler_flags + original_flags}


def claims_quality(corpus: Corpus, results: dict[int, list[Finding]]) -> None:
    planted_empty = flagged_empty = with_evidence = evidence_flags = other_flags = 0
    for report in corpus.reports:
        planted = corpus.planted[report.key]
        flagged = any(f.kind == EMPTY_CLAIM for f in results[report.key])
        if planted.kind == "empty" and report.evidence_count == 0:
            planted_empty += 1
            flagged_empty += flagged
        elif planted.kind == "empty":
            with_evidence += 1
            evidence_flags += flagged
        else:
            other_flags += flagged
    print(
        f"  empty claims: {flagged_empty}/{planted_empty} planted ones without evidence flagged; "
        f"{evidence_flags}/{with_evidence} with evidence flagged (should be 0); "
        f"{other_flags} other reports flagged"
    )


def quality(args: argparse.Namespace) -> bool:
    corpus = generate(args.units, args.months, args.tasks, args.seed)
    kinds = Counter(p.kind for p in corpus.planted.values())
    print(
        f"1. quality: {len(corpus.reports)} reports ({args.units} units × {args.months} months × "
        f"{args.tasks} tasks, seed {args.seed}): " + ", ".join(f"{k} {v}" for k, v in kinds.items())
    )
    index = CopyIndex()
    index.add_many(corpus.reports)
    lsh: dict[int, list[Finding]] = {}
    started = time.perf_counter()
    for report in corpus.reports:
        lsh[report.key] = index.check(report, corpus.directives[report.task_id], corpus.boilerplate)
    lsh_s = time.perf_counter() - started
    prepared = {r.key: index.prepared(r.key) for r in corpus.reports}
    upto = brute_candidates(corpus)
    brute: dict[int, list[Finding]] = {}
    started = time.perf_counter()
    for report in corpus.reports:
        brute[report.key] = find_formalism(
            report,
            upto[report.period],
            corpus.directives[report.task_id],
            corpus.boilerplate,
            prepared=prepared,
        )
    brute_s = time.perf_counter() - started
    a = score(corpus, lsh, f"(a) LSH candidates (CopyIndex.check), {lsh_s:.1f} s for all")
    b = score(corpus, brute, f"(b) brute force, every earlier report a candidate, {brute_s:.1f} s")
    claims_quality(corpus, lsh)
    example = next(
        (f for r in corpus.reports for f in lsh[r.key] if f.kind == COPY_OWN_EARLIER), None
    )
    if example:
        print(f"  example reason: {example.reason[:200]}")
    print(
        f"  LSH time / brute-force time {lsh_s / brute_s:.3f}; recall (a)/(b) "
        f"{a['recall'] / b['recall']:.3f}"
    )
    return a["recall"] >= 0.95 and a["precision"] >= 0.90 and a["boiler"] == 0


def speed(args: argparse.Namespace) -> bool:
    units, tasks = 50, 10
    months = -(-args.scale // (units * tasks)) + 1
    started = time.perf_counter()
    corpus = generate(units, months, tasks, args.seed + 1)
    reports = sorted(corpus.reports, key=lambda r: (r.period, r.key))
    indexed, new = reports[: args.scale], [r for r in reports[args.scale :]][: args.queries]
    print(
        f"\n2. speed: {len(indexed):,} reports indexed ({units} units × {months - 1} months × "
        f"{tasks} tasks, mean {statistics.mean(len(r.text) for r in indexed):.0f} characters), "
        f"{len(new)} new reports of the next month checked (corpus generated in "
        f"{time.perf_counter() - started:.1f} s, not timed)"
    )
    index = CopyIndex()
    started = time.perf_counter()
    for start in range(0, len(indexed), 1000):
        index.add_many(indexed[start : start + 1000])
    index_s = time.perf_counter() - started

    # Baseline (a): brute-force screening, every report against every earlier one, exactly
    # (the same shingles and comparison as the detector, shingling itself not counted).
    shingled = [index.prepared(r.key) for r in indexed]
    sample = shingled[:: max(1, len(shingled) // 10)][:10]
    pairs = 0
    started = time.perf_counter()
    for mine in sample:
        nothing = np.zeros(len(mine.hashes), dtype=bool)
        for theirs in shingled:
            overlap(mine, theirs.distinct, nothing)
            pairs += 1
    per_pair = (time.perf_counter() - started) / pairs
    all_pairs = len(indexed) * (len(indexed) - 1) / 2
    brute_index_s = per_pair * all_pairs
    print(
        f"  (a) index {len(indexed):,} reports: {index_s:.2f} s  {verdict(index_s < 30)} (< 30 s)"
    )
    print(
        f"      baseline: brute-force screening of all {all_pairs:,.0f} pairs ≈ "
        f"{brute_index_s:,.0f} s ({per_pair * 1e6:.1f} µs a pair, timed on {pairs:,})   "
        f"ratio {index_s / brute_index_s:.4f}"
    )

    times, counts, flagged = [], [], 0
    for doc in new:
        started = time.perf_counter()
        found = index.check(doc, corpus.directives[doc.task_id], corpus.boilerplate)
        times.append(time.perf_counter() - started)
        counts.append(len(index.query(doc)))
        flagged += any(f.kind in COPY_KINDS for f in found)
    app_times = []
    for doc in new:
        started = time.perf_counter()
        keys = band_keys(fingerprint(doc.text))
        candidates = index.query(doc)  # stands for the database look-up by `keys`
        find_formalism(doc, candidates, corpus.directives[doc.task_id], corpus.boilerplate)
        app_times.append(time.perf_counter() - started)
    assert keys
    prepared = {r.key: s for r, s in zip(indexed, shingled, strict=True)}
    brute_times, agree = [], 0
    for n, doc in enumerate(new):
        started = time.perf_counter()
        exact = find_formalism(
            doc, indexed, corpus.directives[doc.task_id], corpus.boilerplate, prepared=prepared
        )
        if n < args.brute:
            brute_times.append(time.perf_counter() - started)
        via_index = index.check(doc, corpus.directives[doc.task_id], corpus.boilerplate)
        agree += {(f.kind, f.source_key) for f in exact if f.kind in COPY_KINDS} == {
            (f.kind, f.source_key) for f in via_index if f.kind in COPY_KINDS
        }
    median = statistics.median(times)
    worst = max(times)
    brute_median = statistics.median(brute_times)
    print(
        f"  (b) one new report against all earlier ones: median {median * 1000:.1f} ms, "
        f"p90 {sorted(times)[int(0.9 * len(times))] * 1000:.1f} ms, max {worst * 1000:.1f} ms  "
        f"{verdict(worst < 0.2)} (< 200 ms); candidates median {statistics.median(counts):.0f}; "
        f"{flagged}/{len(new)} flagged as copies"
    )
    print(
        f"      baseline: find_formalism with all {len(indexed):,} earlier reports as candidates "
        f"(shingles precomputed), median of {len(brute_times)}: {brute_median * 1000:.0f} ms   "
        f"ratio {median / brute_median:.4f}; same copy findings as brute force for "
        f"{agree}/{len(new)} new reports"
    )
    print(
        f"  (b') app path (fingerprint, band keys, the candidates as plain ReportDocs, shingled "
        f"again): median {statistics.median(app_times) * 1000:.1f} ms, max "
        f"{max(app_times) * 1000:.1f} ms"
    )
    return index_s < 30 and worst < 0.2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--tasks", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--brute", type=int, default=5, help="brute-force checks timed")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    ok = quality(args)
    if not args.skip_speed:
        ok = speed(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
