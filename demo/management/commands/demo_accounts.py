"""`python manage.py demo_accounts`: the table of demo logins that `make run` prints."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from cases.models import Case
from demo.builder import DEMO_PASSWORD, ROLE_ACCOUNTS
from org.models import Staff


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two, so ljust() alone misaligns the table."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、单位、密码）。"

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = [username for username, _ in ROLE_ACCOUNTS]
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        units = dict(
            Staff.objects.filter(user__username__in=usernames).values_list(
                "user__username", "unit__name"
            )
        )
        # All demo accounts share one hash; check each distinct hash once, because
        # a production hasher takes a noticeable fraction of a second per check.
        still_demo: dict[str, bool] = {}
        rows = []
        for username, role in ROLE_ACCOUNTS:
            user = users.get(username)
            if user is None:
                continue
            if user.password not in still_demo:
                still_demo[user.password] = check_password(DEMO_PASSWORD, user.password)
            password = DEMO_PASSWORD if still_demo[user.password] else "（已修改）"
            rows.append((username, str(role.label), units.get(username, "—"), password))
        if not rows:
            self.stdout.write(
                "没有找到演示账号（可运行 python manage.py build_demo 生成演示数据）。"
            )
            return

        self._print_table(rows)
        # A case the public lookup finds (number + query code), for trying the lookup page.
        example = (
            Case.objects.filter(applicant_user__username="resident")
            .order_by("-submitted_at")
            .values_list("number", "query_code")
            .first()
        )
        if example:
            self.stdout.write(f"办件查询示例：编号 {example[0]}，查询码 {example[1]}")

    def _print_table(self, rows: list[tuple[str, str, str, str]]) -> None:
        header = ("用户名", "角色", "单位", "密码")
        widths = [max(display_width(row[i]) for row in (header, *rows)) for i in range(4)]
        self.stdout.write("演示账号：")
        for row in (header, None, *rows):
            if row is None:
                self.stdout.write("  ".join("-" * width for width in widths))
            else:
                cells = (pad(cell, width) for cell, width in zip(row, widths, strict=True))
                self.stdout.write("  ".join(cells).rstrip())
