"""12345 hotline import benchmark: a 100,000-row GBK CSV imported with classification, on
SQLite and on PostgreSQL, each into a fresh database.

    .venv/bin/python bench/hotline_bench.py [--rows 100000] [--engines sqlite,postgres] [--keep-db]
        [--profile DIR]

1. Generates the export once: fictional, colloquial complaints from the classifier's seed
   corpus generator (seed 7, every template, simplified characters as 12345 systems export
   them), spread over the last twelve months, about the 40 units of a district (by full
   name, by short name, or a name no unit has: left for triage), 70 % with a caller's name,
   phone and ID number (region code 999999, which does not exist), 0.2 % bad rows (no text,
   an unreadable time); encoded GBK.
2. For each engine, in a child process (BLAS limited to one thread; the import is one
   Python thread, the database server may use the other core):
   fresh database (a new SQLite file, or CREATE DATABASE on 127.0.0.1), `migrate`, the
   units and a supervision-office user, a hotline source with the export's mapping; then
   times `hotline.create_import` (the upload: whole-file decode and header check) plus
   `hotline.run_import` (check rows, classify, near-duplicate groups, seal identities,
   insert complaints, identities, FILED steps and audit events in batches of 5,000).
3. Checks: one complaint per good row, one FILED step and one audit event per complaint,
   one sealed identity per row with caller data, the bad rows reported by number, the audit
   chain verifies; then imports the same file again (all duplicates, nothing created).
4. The office's triage over what was imported, through the pages (office_triage): the
   queue's first page, the queue filtered, and the bulk confirmation of a day's export
   (DAY = 822 complaints above the default threshold) in one request.
5. In the same child, pinned to one CPU, classification throughput: `classify_many` over
   the file's texts in batches of 1,000 (texts/s, one core).

With --profile, the first import runs under cProfile (slower: read the shares, not the wall
time); the statistics go to DIR/<engine>.prof and their top lines, by cumulative and by own
time, are printed.

Prints rows/s and PASS/FAIL against the issue's target (under 30 s per engine). The exit
status is 1 if any engine misses the target or a check fails.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
TARGET_SECONDS = 30.0
DAY = 822  # complaints waiting after one day's 12345 export (issue 11)
HEADERS = ["工单编号", "受理时间", "诉求内容", "被反映单位", "被反映人", "发生地点"]
HEADERS += ["来电人姓名", "来电号码", "身份证号", "来源渠道"]
MAPPING = {
    "ticket": "工单编号",
    "received_at": "受理时间",
    "text": "诉求内容",
    "unit": "被反映单位",
    "subject_name": "被反映人",
    "place": "发生地点",
    "caller_name": "来电人姓名",
    "caller_phone": "来电号码",
    "caller_id_number": "身份证号",
    "channel_detail": "来源渠道",
}
UNIT_NAMES = [
    ("区市场监督管理局", "市场监管局"),
    ("区人力资源和社会保障局", "人社局"),
    ("区住房和城乡建设局", "住建局"),
    ("区自然资源局", "自然资源局"),
    ("区生态环境分局", "环境分局"),
    ("区交通运输局", "交通局"),
    ("区农业农村局", "农业农村局"),
    ("区卫生健康委员会", "卫健委"),
    ("区教育局", "教育局"),
    ("区民政局", "民政局"),
    ("区城市管理局", "城管局"),
    ("区行政审批局", "审批局"),
    ("区医疗保障局", "医保局"),
    ("区税务局", "税务局"),
    ("区公安分局", "公安分局"),
    ("区应急管理局", "应急局"),
    ("区水务局", "水务局"),
    ("区商务局", "商务局"),
    ("区文化和旅游局", "文旅局"),
    ("区退役军人事务局", "退役军人局"),
] + [
    (f"{town}镇人民政府", f"{town}镇")
    for town in ["青石", "白沙", "红岩", "柳塘", "金桥", "东湖", "西山", "南坪", "北岭", "石门"]
]
UNIT_NAMES += [
    (f"{street}街道办事处", f"{street}街道")
    for street in ["城关", "新华", "长安", "和平", "朝阳", "文昌", "建设", "解放", "民主", "胜利"]
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
CHANNELS = ["电话", "电话", "电话", "微信", "网站", "短信", "APP"]


def log(message: str) -> None:
    print(message, flush=True)


# --- the export ----------------------------------------------------------------------------


def generate_export(rows: int, seed: int = 7) -> tuple[bytes, int, int]:
    """The GBK CSV, the number of bad rows and of rows with caller data."""
    from complaints.classifier.seed_corpus import generate

    rng = random.Random(seed)
    texts = [t for _, t in generate(-(-rows // 7), seed=seed, split="all", traditional_share=0)]
    now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8)))
    start = now - dt.timedelta(days=365)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    bad = callers = 0
    for i in range(rows):
        at = start + dt.timedelta(seconds=rng.randrange(365 * 86400 - 3600))
        full, short = rng.choice(UNIT_NAMES)
        unit = rng.choices([full, short, "某某办公室", ""], weights=[50, 35, 10, 5])[0]
        text = texts[i]
        when = at.strftime("%Y-%m-%d %H:%M:%S")
        if rng.random() < 0.002:
            bad += 1
            text, when = rng.choice([("", when), (text, "昨天下午")])
        name = phone = id_number = ""
        if rng.random() < 0.7:
            callers += 1
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            id_number = f"999999{birth:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
        subject = rng.choice(SURNAMES) + "科长" if rng.random() < 0.1 else ""
        place = rng.choice(["政务服务大厅", "", "", "镇便民服务中心", "办公楼三楼"])
        writer.writerow(
            [
                f"12345-{i + 1:08d}",
                when,
                text,
                unit,
                subject,
                place,
                name,
                phone,
                id_number,
                rng.choice(CHANNELS),
            ]
        )
    return buffer.getvalue().encode("gbk", errors="replace"), bad, callers


# --- one engine, in a child process ---------------------------------------------------------


def child(
    engine: str, export: Path, expect_bad: int, expect_callers: int, profile: str = ""
) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from complaints.classifier import classify_many
    from complaints.intake import hotline
    from complaints.models import (
        ComplainantIdentity,
        Complaint,
        ComplaintCluster,
        ComplaintEvent,
        HotlineSource,
    )
    from org import actions as org_actions
    from org.models import Unit
    from org.roles import Role
    from zuofeng.audit.chain import verify_chain
    from zuofeng.audit.models import AuditEvent

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0
    for i, (name, short) in enumerate(UNIT_NAMES):
        unit = org_actions.create_unit(
            actor=None, code=f"U{i:03d}", name=name, kind=Unit.Kind.DEPARTMENT
        )
        Unit.objects.filter(pk=unit.pk).update(short_name=short)
    office = org_actions.create_unit(
        actor=None, code="DCS", name="区政府督查室", kind=Unit.Kind.SUPERVISION
    )
    user = org_actions.add_person(
        actor=None,
        username="office",
        full_name="督查员",
        roles=[Role.SUPERVISOR],
        unit=office,
        password="x" * 12,
    )
    source = HotlineSource.objects.create(name="12345市民热线", column_map=MAPPING)
    data = export.read_bytes()

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    job = hotline.create_import(actor=user, source=source, name="export.csv", data=data)
    job = hotline.run_import(job)
    import_s = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(Path(profile, f"{engine}.prof")))

    result: dict[str, Any] = {
        "engine": engine,
        "migrate_s": migrate_s,
        "import_s": import_s,
        "rows": job.total_rows,
        "status": job.status,
        "message": job.message,
        "created": job.created_count,
        "errors": job.error_count,
        "clusters": ComplaintCluster.objects.count(),
        "clustered": Complaint.objects.exclude(cluster=None).count(),
        "matched_units": Complaint.objects.exclude(unit=None).count(),
    }
    complaints = Complaint.objects.count()
    checks = {
        "one complaint per good row": complaints
        == job.total_rows - expect_bad
        == job.created_count,
        "bad rows reported by number": job.error_count == expect_bad
        and all(e["row"] > 1 for e in job.errors),
        "one FILED step per complaint": ComplaintEvent.objects.count() == complaints,
        "one audit event per complaint": AuditEvent.objects.filter(
            action="complaints.file_complaint"
        ).count()
        == complaints,
        "identities sealed for rows with caller data": ComplainantIdentity.objects.count()
        <= expect_callers
        and ComplainantIdentity.objects.count() >= expect_callers - expect_bad,
        "progress ends at total": job.processed_rows == job.total_rows,
    }
    t0 = time.perf_counter()
    checks["audit chain verifies"] = verify_chain() is None
    result["verify_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    again = hotline.run_import(
        hotline.create_import(actor=user, source=source, name="export.csv", data=data)
    )
    result["reimport_s"] = time.perf_counter() - t0
    checks["re-import creates nothing"] = (
        again.created_count == 0
        and again.duplicate_count == job.created_count
        and Complaint.objects.count() == complaints
    )
    result.update(office_triage(user, checks))
    result["checks"] = checks

    table = hotline.read_table(data, ".csv")
    texts = [row[2] for row in table.rows]
    if hasattr(os, "sched_setaffinity"):  # one core for the throughput figure
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    classify_many(texts[:1000])  # warm-up
    t0 = time.perf_counter()
    for i in range(0, len(texts), 1000):
        classify_many(texts[i : i + 1000])
    result["classify_rate"] = len(texts) / (time.perf_counter() - t0)
    return result


def office_triage(user: Any, checks: dict[str, bool]) -> dict[str, Any]:
    """The office's triage pages over everything just imported, timed as the office waits
    for them (through Django's test client: middleware, session, templates; no network):
    the first page of the queue (whole words segmented for its rows, near-duplicate groups),
    the same filtered to one unit, and the bulk-confirmation button for a day's export
    (DAY complaints above the default threshold), each complaint routed and audited."""
    from django.conf import settings
    from django.test import override_settings

    # No collectstatic in the bench's fresh directory: plain static URLs (not timed work).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        return _office_triage(user, checks)


def _office_triage(user: Any, checks: dict[str, bool]) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from complaints.handling.views.triage import bulk_eligible, waiting_for_triage
    from complaints.models import Complaint, TriageSettings

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(user)
    queue = reverse("complaints:triage_queue")
    client.get(queue)  # warm-up: templates, the jieba dictionary
    t0 = time.perf_counter()
    first = client.get(queue)
    queue_s = time.perf_counter() - t0
    busiest = (
        Complaint.objects.exclude(unit=None)
        .values_list("unit__code", flat=True)
        .order_by("unit__code")
        .first()
    )
    t0 = time.perf_counter()
    filtered = client.get(queue, {"unit": busiest, "band": "high"})
    filtered_s = time.perf_counter() - t0
    threshold = TriageSettings.current().bulk_threshold
    day = list(
        bulk_eligible(waiting_for_triage(user), threshold)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:DAY]
    )
    t0 = time.perf_counter()
    posted = client.post(
        reverse("complaints:triage_bulk"),
        {"ids": ",".join(map(str, day)), "back": queue},
    )
    bulk_s = time.perf_counter() - t0
    routed = Complaint.objects.filter(pk__in=day, status=Complaint.Status.ROUTED).count()
    checks["triage pages answer"] = first.status_code == 200 and filtered.status_code == 200
    checks["bulk confirm routes the day"] = posted.status_code == 302 and routed == len(day)
    return {"queue_s": queue_s, "filtered_s": filtered_s, "bulk_s": bulk_s, "bulk_n": len(day)}


def run_child(
    engine: str, export: Path, bad: int, callers: int, keep: bool, profile: str = ""
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"hotline_bench_{engine}_"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="zuofeng.settings",
        ZUOFENG_VAR_DIR=str(workdir),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="ERROR",
        DEBUG="false",
        ZUOFENG_DEMO="1",  # the public demo keys; production refuses them
    )
    database = f"zuofeng_bench_hotline_{os.getpid()}"
    if engine == "postgres":
        import psycopg

        with psycopg.connect(host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:5432/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        args = [str(export), str(bad), str(callers), profile]
        proc = subprocess.run(
            [sys.executable, __file__, "--child", engine, *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            log(proc.stdout[-2000:] + proc.stderr[-4000:])
            raise SystemExit(f"{engine}: the benchmark process failed")
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        if engine == "postgres" and not keep:
            import psycopg

            with psycopg.connect(
                host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True
            ) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if not keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


def print_profile(path: Path, lines: int = 25) -> None:
    import pstats

    for order in ("cumulative", "tottime"):
        log(f"\n  profile ({path}), by {order}:")
        pstats.Stats(str(path), stream=sys.stdout).sort_stats(order).print_stats(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, engine, export, bad, callers, profile = sys.argv
        print(json.dumps(child(engine, Path(export), int(bad), int(callers), profile)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--profile", metavar="DIR", default="", help="cProfile the import")
    args = parser.parse_args()
    if args.profile:
        args.profile = str(Path(args.profile).resolve())
        Path(args.profile).mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    data, bad, callers = generate_export(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp, "export.csv")
        export.write_bytes(data)
        log(
            f"export: {args.rows:,} rows, GBK, {len(data) / 2**20:.1f} MiB, {bad} bad rows, "
            f"{callers:,} with caller data (generated in {time.perf_counter() - t0:.1f} s)"
        )
        failed = False
        for engine in args.engines.split(","):
            r = run_child(engine, export, bad, callers, args.keep_db, args.profile)
            ok = r["import_s"] < TARGET_SECONDS and r["status"] == "done"
            failed |= not ok or not all(r["checks"].values())
            log(f"\n{engine}: fresh database (migrate {r['migrate_s']:.1f} s)")
            log(
                f"  import: {r['rows']:,} rows in {r['import_s']:.1f} s → "
                f"{r['rows'] / r['import_s']:,.0f} rows/s  "
                f"{'PASS' if ok else 'FAIL'} (target < {TARGET_SECONDS:.0f} s)"
            )
            log(
                f"  {r['created']:,} complaints, {r['errors']} bad rows, "
                f"{r['matched_units']:,} with a matched unit, {r['clustered']:,} in "
                f"{r['clusters']:,} near-duplicate groups"
            )
            log(f"  re-import of the same file: {r['reimport_s']:.1f} s, nothing created")
            log(
                f"  triage queue, first page: {r['queue_s'] * 1000:.0f} ms; filtered to one unit "
                f"and the high band: {r['filtered_s'] * 1000:.0f} ms"
            )
            log(
                f"  bulk confirm of a day's export ({r['bulk_n']} complaints, each routed and "
                f"audited, one request): {r['bulk_s']:.1f} s"
            )
            log(f"  classify_many, same texts, one core: {r['classify_rate']:,.0f} texts/s")
            for name, passed in r["checks"].items():
                log(f"  {'PASS' if passed else 'FAIL'}  {name}")
            if args.profile:
                print_profile(Path(args.profile, f"{engine}.prof"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
