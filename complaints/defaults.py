"""The taxonomy of design §1 with default resolution limits (working days).

Installed by migration 0002 and again after every `migrate` or `flush` (post_migrate), so a
database emptied by a test's flush or by an operator still has the categories every complaint
points to. Existing rows are left alone: the admin may have changed their limits.
"""

from __future__ import annotations

from typing import Any

CATEGORIES = [
    ("mindset", "思想观念滞后、缺乏担当", "等靠要、推诿扯皮、各行其是、政策与实际两张皮", 10),
    (
        "service",
        "服务意识差、效率低",
        "门难进脸难看事难办、找熟人才能办、能办的不马上办、明进暗不进",
        5,
    ),
    ("bureaucratism", "官僚主义", "衙门作风、以会议落实会议、以文件落实文件、决策不落地", 10),
    ("formalism", "形式主义", "走过场、拍照留痕、制度上墙不落实、报喜不报忧", 10),
    ("disconnect", "调查研究不深入、脱离群众", "走马观花、一刀切、一关了之、回避难题", 15),
    ("integrity", "廉洁问题", "吃拿卡要、收受好处、滥用职权（转纪检，不转被举报单位）", 20),
    ("other", "其他诉求", "不属于作风问题的诉求，如路灯损坏", 5),
]


def install_categories(apps: Any, using: str = "default") -> None:
    Category = apps.get_model("complaints", "ComplaintCategory")
    for order, (code, name, description, days) in enumerate(CATEGORIES):
        Category.objects.using(using).get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "resolve_workdays": days,
                "sort_order": order,
            },
        )


def after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps

    install_categories(apps, using)
