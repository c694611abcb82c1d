"""Screenshots of each role's workbench for docs/screenshots/ (issue 11).

Run against a demo server (`make run`, or the same commands on a spare port):
    .venv/bin/python -m portal.screenshots http://127.0.0.1:8000 docs/screenshots
Logs in as the demo accounts (password zuofeng-demo) in the system Chromium and saves each
page at 1280 px and 360 px wide, as PNG cut to the first screens (small files).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "zuofeng-demo"
# (file stem, username, page): each role's start page.
PAGES = [
    ("office", "office", "/staff/"),
    ("head", "head", "/staff/"),
    ("clerk", "staff", "/staff/"),
    ("discipline", "discipline", "/staff/"),
    ("resident", "resident", "/my/cases/"),
    ("inbox-head", "head", "/inbox/"),
    ("supervision-office", "office", "/staff/supervision/"),
    ("overdue-office", "office", "/staff/followup/overdue/"),
    ("supervision-public", "resident", "/supervision/"),
    ("catalogue-public", "resident", "/matters/?q=办理营业执照"),
]
WIDTHS = {"desktop": (1280, 900), "phone": (360, 1000)}


def main(base_url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        for stem, username, path in PAGES:
            for label, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    locale="zh-CN", base_url=base_url, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                page.goto("/accounts/login/")
                page.get_by_label("用户名").fill(username)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录").click()
                page.wait_for_load_state()
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{stem}-{label}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
