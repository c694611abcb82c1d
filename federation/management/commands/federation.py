"""manage.py federation status|refresh|add-district|remove-district|resync|upgrade"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from federation import conf, contract, refresh, replication


class Command(BaseCommand):
    help = "District ↔ city/province federation over PostgreSQL logical replication."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="each district: contract version, data age, lag, errors")
        fill = sub.add_parser("refresh", help="(district) fill the published tables now")
        fill.add_argument("--full", action="store_true", help="every day, not the recent window")
        add = sub.add_parser("add-district", help="(city/province) subscribe to a district")
        add.add_argument("code")
        add.add_argument("--name", required=True)
        add.add_argument(
            "--dsn", required=True, help="the district's database, as reached from here"
        )
        add.add_argument("--url", default="", help="the district instance's base URL")
        add.add_argument(
            "--upper-dsn",
            default="",
            help="this database as the district reaches it (directives flow down); "
            "default ZUOFENG_FEDERATION_UPPER_DSN",
        )
        remove = sub.add_parser("remove-district", help="(city/province) stop a district")
        remove.add_argument("code")
        remove.add_argument("--keep-data", action="store_true")
        again = sub.add_parser("resync", help="(city/province) copy a district afresh")
        again.add_argument("code")
        sub.add_parser("upgrade", help="(city/province) pick up a new contract version")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "do_" + action.replace("-", "_"))(options)
        except replication.FederationError as exc:
            raise CommandError(str(exc)) from exc

    def do_status(self, options: dict[str, Any]) -> None:
        now = timezone.now()
        self.stdout.write(
            f"level {conf.level()}, code {conf.district_code()}, contract v{contract.VERSION}"
        )
        rows = replication.status(now)
        if not rows:
            self.stdout.write("no district known here")
        for item in rows:
            age = item.age(now)
            age_text = f"{int(age.total_seconds())} s" if age is not None else "-"
            pending = "-" if item.pending_bytes is None else f"{item.pending_bytes} B"
            errors = "-" if item.apply_errors is None else f"{item.apply_errors}/{item.sync_errors}"
            state = "LAGGING: " + "; ".join(item.problems) if item.problems else "ok"
            self.stdout.write(
                f"{item.code} {item.name}  v{item.version or '-'}  age {age_text}  "
                f"slot pending {pending}  errors {errors}  {state}"
            )

    def do_refresh(self, options: dict[str, Any]) -> None:
        if conf.is_upper_level():
            raise CommandError("refresh publishes a district's own tables (ZUOFENG_LEVEL=district)")
        written = refresh.refresh(full=options["full"])
        total = sum(written.values())
        details = ", ".join(f"{table} {n}" for table, n in written.items()) or "nothing changed"
        self.stdout.write(f"{total} rows written ({details})")

    def do_add_district(self, options: dict[str, Any]) -> None:
        district = replication.add_district(
            options["code"],
            name=options["name"],
            dsn=options["dsn"],
            base_url=options["url"],
            upper_dsn=options["upper_dsn"],
        )
        self.stdout.write(f"subscribed to {district}; initial copy under way (federation status)")

    def do_remove_district(self, options: dict[str, Any]) -> None:
        replication.remove_district(options["code"], keep_data=options["keep_data"])
        self.stdout.write(f"district {options['code']} removed")

    def do_resync(self, options: dict[str, Any]) -> None:
        deleted = replication.resync(options["code"])
        self.stdout.write(f"{deleted} rows deleted; copying district {options['code']} afresh")

    def do_upgrade(self, options: dict[str, Any]) -> None:
        done = replication.upgrade()
        self.stdout.write(f"contract v{contract.VERSION}; refreshed {', '.join(done) or 'nothing'}")
