"""Visits benchmark: what the shallow-visit checks add to saving a visit, at a district's scale.

    .venv/bin/python bench/visits_bench.py [--photos 20000] [--summaries 300] [--repeat 50]

A visit is saved with one photo. Saving it always costs reading the photo's facts (perceptual
hash, EXIF) and the upload check's re-encoding without metadata (`zuofeng.filecheck`): that is
the baseline, measured in the same run on the same 1,280 × 960 JPEG. The checks add:
(a) the reused-photo scan: the new photo's hash against every earlier photo of the district
    (`visits.photos.nearest`, one vectorised pass; --photos earlier photos, about ten years of a
    district logging 2,000 photos a year);
(b) the copied-summary check: the summary's MinHash signature against one cadre's earlier
    summaries (`supervision.formalism.shingles.similarity`), then the exact shingle comparison
    for the candidates (--summaries, a very busy cadre's decade).
The database queries that fetch the hashes and signatures are not included. Target: (a) + (b)
under half the baseline. Needs no database; one process.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django

if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zuofeng.settings")
    os.environ.setdefault("ZUOFENG_DEMO", "1")
    django.setup()


def _median_ms(run: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=20_000)
    parser.add_argument("--summaries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from PIL import Image

    from supervision.formalism.shingles import Shingled, fingerprints, similarity
    from visits.checks import SUMMARY_CANDIDATE, jaccard
    from visits.photos import nearest, read_facts
    from visits.samples import make_jpeg
    from zuofeng.filecheck import check_image

    # A phone-sized photo: the sample pattern scaled up.
    small = Image.open(io.BytesIO(make_jpeg("bench")))
    out = io.BytesIO()
    small.resize((1280, 960)).save(out, "JPEG", quality=85)
    photo = out.getvalue()

    def baseline() -> None:
        read_facts(photo)
        check_image(photo, ".jpg", "bench.jpg")

    rng = np.random.default_rng(14)
    hashes = rng.integers(0, 2**63, size=args.photos, dtype=np.int64).view(np.uint64)
    phash = read_facts(photo).phash or 0

    def reuse_scan() -> None:
        nearest(hashes, phash)

    topics = ["用水", "道路", "医保", "路灯", "招工", "许可", "垃圾", "补贴", "用电", "消防"]
    texts = [
        f"到第{i}村走访，与{i % 7 + 3}位村民交谈，了解{topics[i % 10]}和{topics[(i * 3) % 10]}"
        f"方面的情况，其中{i % 11 + 2}户反映问题需要协调，另有{i % 5}位老人需要上门服务。"
        for i in range(args.summaries)
    ]
    signatures = fingerprints(texts)
    mine_text = texts[0] + "补充：村口道路积水。"
    mine_signature = fingerprints([mine_text])[0]

    def summary_check() -> None:
        candidates = [
            i
            for i, s in enumerate(signatures)
            if similarity(mine_signature, s) >= SUMMARY_CANDIDATE
        ]
        mine = Shingled.of(mine_text)
        for i in candidates:
            jaccard(mine, Shingled.of(texts[i]))

    base = _median_ms(baseline, args.repeat)
    scan = _median_ms(reuse_scan, args.repeat)
    summary = _median_ms(summary_check, args.repeat)
    print(f"baseline (read facts + re-encode a 1280x960 JPEG): {base:.1f} ms")
    ratio = scan / base
    print(f"(a) reused-photo scan over {args.photos:,} photos: {scan:.2f} ms (ratio {ratio:.3f})")
    print(
        f"(b) copied-summary check over {args.summaries} summaries: {summary:.2f} ms "
        f"(ratio {summary / base:.3f})"
    )
    total = (scan + summary) / base
    print(f"checks / baseline: {total:.3f} — {'PASS' if total < 0.5 else 'FAIL'} (target < 0.5)")


if __name__ == "__main__":
    main()
