"""`python manage.py build_demo [--seed N] [--cases N] [--anchor YYYY-MM-DD] [--if-empty]
[--city]`: fill an empty database with 示范区 (and, with --city, a city of three districts)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.builder import DEFAULT_SEED, DistrictNotEmpty, build_demo, district_is_empty
from demo.cases import DEFAULT_CASES


class Command(BaseCommand):
    help = "生成虚构的演示区县“示范区”：单位、人员和政务服务事项（仅用于空数据库）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子；相同种子生成相同数据"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=DEFAULT_CASES,
            help=(
                f"近一年的历史办件数（默认 {DEFAULT_CASES}，另加约 20 件实时办件；"
                "0 表示不生成办件）"
            ),
        )
        parser.add_argument(
            "--anchor",
            type=dt.date.fromisoformat,
            default=None,
            help="历史办件截止日期 YYYY-MM-DD（默认今天）；相同种子和日期生成相同数据",
        )
        parser.add_argument(
            "--city",
            action="store_true",
            help="同时生成演示市级视角：本区与两个虚构区县的上报数据和一项市级部署",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有单位时什么也不做（供 make run 反复调用）",
        )

    def handle(
        self,
        *args: Any,
        seed: int,
        cases: int,
        anchor: dt.date | None,
        if_empty: bool,
        city: bool,
        **options: Any,
    ) -> None:
        if not district_is_empty():
            if if_empty:
                self.stdout.write("数据库中已有单位数据，跳过演示数据生成。")
                return
            raise CommandError(self._refusal())
        if anchor is not None and anchor > timezone.localdate():
            raise CommandError(f"锚定日期 {anchor} 晚于今天：历史办件不能发生在未来")
        started = time.perf_counter()
        try:
            counts = build_demo(seed, cases=cases, anchor=anchor, city=city)
        except DistrictNotEmpty as error:
            # Another process filled the database between the check above and the build.
            raise CommandError(self._refusal()) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（种子 {seed}）：单位 {counts['units']} 个，"
                f"人员 {counts['people']} 名，事项 {counts['matters']} 项，"
                f"办件 {counts['cases']} 件，"
                f"评价 {counts.get('ratings', 0)} 条，"
                f"举报 {counts.get('complaints', 0)} 件，"
                f"考核月份 {counts.get('scorecards', 0)} 个"
                f"（已发布 {counts.get('scorecards_published', 0)} 个），"
                + (f"市级演示区县 {counts.get('city_districts', 0)} 个，" if city else "")
                + f"用时 {seconds:.1f} 秒。"
            )
        )

    @staticmethod
    def _refusal() -> str:
        return (
            "数据库中已有单位数据，拒绝生成演示数据（以免与现有数据混在一起）。"
            "只想在空数据库上生成请加 --if-empty；要重建演示数据，请先换用一个空数据库"
            "（例如删除 var/zuofeng.sqlite3 后重新执行 migrate）。"
        )
