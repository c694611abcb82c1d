"""Classifier benchmark: complaint texts of 150 characters classified per second on one
core, end to end from raw text (normalisation, features, model, the words shown to staff).

    .venv/bin/python bench/classify_bench.py [--texts 50000] [--lines 50000] [--chars 150]

Texts: generated colloquial complaints (seed 3, all templates) run together and cut into
texts of exactly --chars characters.

1. The gate (issue 16): ``manage.py classify`` in a subprocess, --lines texts on stdin, JSON
   lines on stdout, timed from process start to exit: interpreter, Django set-up and model
   load included. PASS at ≥ 10,000 texts/s for the whole process. The same command on one
   line gives the start-up alone, reported next to the rate after start-up.
2. Information: ``classify_many`` in process over --texts texts, in batches of 1,000, after
   one warm-up batch.

The exit status (1 on FAIL) follows step 1. BLAS and OpenMP are limited to one thread (also
in the subprocess), and the process is pinned to one CPU. CPU time is printed next to wall
time: on this shared two-core machine other sessions' load stretches wall time, not CPU
time. Needs no database.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET = 10_000
BATCH = 1000

# manage.py with the project's settings plus the complaints app, whether or not
# INSTALLED_APPS lists it yet.
SETTINGS = """from zuofeng.settings import *  # noqa: F403
if "complaints" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "complaints"]  # noqa: F405
"""


def verdict(rate: float) -> str:
    return "PASS" if rate >= TARGET else "FAIL"


def texts_of(chars: int, count: int) -> list[str]:
    """`count` texts of exactly `chars` characters, cut from generated complaints."""
    from complaints.classifier.seed_corpus import generate

    out: list[str] = []
    buffer = ""
    per_cat = 1000
    seed = 3
    while len(out) < count:
        for _, text in generate(per_cat, seed=seed, split="all"):
            buffer += text + "。"
            while len(buffer) >= chars and len(out) < count:
                out.append(buffer[:chars])
                buffer = buffer[chars:]
        seed += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--chars", type=int, default=150)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    texts = texts_of(args.chars, max(args.texts, args.lines))
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "classify_bench_settings.py").write_text(SETTINGS, encoding="utf-8")
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "classify_bench_settings",
            "ZUOFENG_DEMO": "1",  # the public demo keys; production refuses them
        }
        cmd = [sys.executable, str(ROOT / "manage.py"), "classify"]

        def run(lines: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
            data = "".join(f"{t}\n" for t in lines).encode("utf-8")
            before = os.times()
            t0 = time.perf_counter()
            proc = subprocess.run(
                cmd, input=data, capture_output=True, env=env, cwd=ROOT, check=False
            )
            after = os.times()
            cpu = (after.children_user - before.children_user) + (
                after.children_system - before.children_system
            )
            return time.perf_counter() - t0, cpu, proc

        startup, startup_cpu, _ = run(["启动"])  # interpreter, Django set-up, model load
        elapsed, cpu, proc = run(texts[: args.lines])
    out_lines = proc.stdout.decode("utf-8").count("\n")
    if proc.returncode or out_lines != args.lines:
        print(f"manage.py classify failed (exit {proc.returncode}, {out_lines} lines)")
        print(proc.stderr.decode("utf-8", errors="replace")[-2000:])
        return 1
    rate = args.lines / elapsed
    print(
        f"manage.py classify: {args.lines:,} texts of {args.chars} characters in {elapsed:.2f} s "
        f"(CPU {cpu:.2f} s), whole process, start-up included: {rate:,.0f} texts/s "
        f"(by CPU time {args.lines / cpu:,.0f}/s)"
    )
    after = args.lines / (cpu - startup_cpu) if cpu > startup_cpu else float("nan")
    print(
        f"  start-up alone (one line) {startup:.2f} s (CPU {startup_cpu:.2f} s); after start-up, "
        f"by CPU time {after:,.0f} texts/s"
    )
    print(
        f"  {verdict(rate)} (target ≥ {TARGET:,} texts/s, whole process, wall clock); "
        f"by CPU time {verdict(args.lines / cpu)}; load average {os.getloadavg()[0]:.1f}"
    )

    from complaints.classifier import get_classifier

    clf = get_classifier()
    sample = texts[: args.texts]
    clf.classify_many(sample[:BATCH])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for i in range(0, len(sample), BATCH):
        n += len(clf.classify_many(sample[i : i + BATCH]))
    wall, used = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"classify_many (information): {n:,} texts of {args.chars} characters, one core: "
        f"{n / wall:,.0f} texts/s (by CPU time {n / used:,.0f}/s)"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
