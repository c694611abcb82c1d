"""The 12345 hotline export sample and its saved column mapping.

`hotline_rows` plans a 12345 export (GBK CSV, the headers such systems use) and
`write_hotline_sample` writes it; demo/data/hotline_12345_sample.csv is one such file
(`manage.py demo_hotline_file` writes a fresh one dated before today). The build creates the
matching HotlineSource with its column mapping, so the file can be imported as it is.

Kept apart from the build steps because it also runs without a database
(`manage.py demo_hotline_file`); the calls are drafted as the history's complaints are
(demo.complaints_text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from complaints.models import HotlineSource
from demo import data_complaints as phrases
from demo.cases import _Workdays, cases_rng
from demo.complaints_text import District, Drafter, Writer, weighted
from zuofeng.audit.chain import record

HOTLINE_SOURCE = "示范区12345政务服务便民热线"
HOTLINE_SAMPLE = Path(__file__).with_name("data") / "hotline_12345_sample.csv"
HOTLINE_SAMPLE_ROWS = 800
# Our field → the 12345 export's column header (complaints.intake.hotline.FIELDS names the fields).
HOTLINE_COLUMNS: dict[str, str] = {
    "ticket": "工单编号",
    "received_at": "来电时间",
    "text": "诉求内容",
    "unit": "涉及单位",
    "caller_name": "来电人",
    "caller_phone": "来电号码",
    "caller_id_number": "证件号码",
    "place": "事发地址",
    "subject_name": "被反映人",
    "channel_detail": "来电渠道",
}
# Columns a 12345 export has that we do not import.
HOTLINE_EXTRA_COLUMNS = ("诉求类型", "工单状态")


def hotline_rows(
    seed: int, anchor: dt.date, count: int = HOTLINE_SAMPLE_ROWS
) -> list[dict[str, str]]:
    """A 12345 export of the `count` calls of the two weeks before `anchor`, by header.

    Two rows are deliberately bad, as real exports have them: one with no text, and one
    ticket exported twice. Pure function of (seed, anchor); needs no database."""
    rng = cases_rng(seed, "hotline-file")
    writer = Writer(cases_rng(seed, "hotline-file-texts"))
    writer.phones = 5_000
    days = _Workdays(anchor - dt.timedelta(days=20), anchor + dt.timedelta(days=5))
    drafter = Drafter(rng, writer, District.from_plans(seed), days)
    rows: list[dict[str, str]] = []
    kinds = {"other": ("咨询", "求助", "建议")}
    for n in range(count):
        category = weighted(rng, phrases.CATEGORY_SHARES)
        day = anchor - dt.timedelta(days=rng.randint(1, 14))
        draft = drafter.draft(category, day, "hotline")
        who = draft.identity
        row = {
            HOTLINE_COLUMNS["ticket"]: f"GD{day:%Y%m%d}{60_000 + n:05d}",
            HOTLINE_COLUMNS["received_at"]: f"{draft.received_at:%Y-%m-%d %H:%M:%S}",
            HOTLINE_COLUMNS["caller_name"]: who.name or "匿名",
            HOTLINE_COLUMNS["caller_phone"]: who.phone,
            HOTLINE_COLUMNS["caller_id_number"]: who.id_number,
            "诉求类型": rng.choice(kinds.get(category, ("投诉", "投诉", "举报"))),
            HOTLINE_COLUMNS["channel_detail"]: rng.choice(("电话", "电话", "电话", "微信", "网站")),
            HOTLINE_COLUMNS["text"]: draft.text,
            HOTLINE_COLUMNS["unit"]: draft.unit.name,
            HOTLINE_COLUMNS["place"]: rng.choice(phrases.PLACES) if rng.random() < 0.6 else "",
            HOTLINE_COLUMNS["subject_name"]: draft.subject_name,
            "工单状态": "待派单",
        }
        rows.append(row)
    rows.sort(key=lambda row: row[HOTLINE_COLUMNS["received_at"]])
    if len(rows) >= 10:
        rows[len(rows) // 3][HOTLINE_COLUMNS["text"]] = ""
        rows.insert(len(rows) // 2, dict(rows[len(rows) // 2 - 1]))
    return rows


HOTLINE_HEADERS = (
    HOTLINE_COLUMNS["ticket"],
    HOTLINE_COLUMNS["received_at"],
    "诉求类型",
    HOTLINE_COLUMNS["channel_detail"],
    HOTLINE_COLUMNS["caller_name"],
    HOTLINE_COLUMNS["caller_phone"],
    HOTLINE_COLUMNS["caller_id_number"],
    HOTLINE_COLUMNS["text"],
    HOTLINE_COLUMNS["unit"],
    HOTLINE_COLUMNS["place"],
    HOTLINE_COLUMNS["subject_name"],
    "工单状态",
)


def hotline_csv(rows: list[dict[str, str]]) -> bytes:
    """The rows as the 12345 system exports them: GBK, CRLF, every field quoted."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=HOTLINE_HEADERS, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    # GBK has every character of the simplified texts; the traditional ones it lacks
    # (a few HK forms) become "?" the way such exports mangle them.
    return out.getvalue().encode("gbk", errors="replace")


def write_hotline_sample(
    path: Path, seed: int, anchor: dt.date, count: int = HOTLINE_SAMPLE_ROWS
) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = hotline_rows(seed, anchor, count)
    path.write_bytes(hotline_csv(rows))
    return len(rows)


def create_hotline_source() -> HotlineSource:
    """The 12345 source of the sample file, with its saved column mapping."""
    source = HotlineSource.objects.create(name=HOTLINE_SOURCE, column_map=dict(HOTLINE_COLUMNS))
    record(
        actor=None,
        action="demo.create_hotline_source",
        obj=source,
        after={"name": source.name, "column_map": source.column_map},
        reason="演示数据：12345 热线导出文件的列对应关系",
    )
    return source
