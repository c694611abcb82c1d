from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import read_manifest_checked, restore_backup
from ops.crypto import KEY_ENV, BackupError
from ops.management.commands._keys import operator_key


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database: migrate, check "
        "the whole file, load every table, reset sequences, put the files back, verify row "
        "counts, file hashes and the audit chains. A database that already holds users or "
        "audit events is refused unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the backup file")
        parser.add_argument("--key-file", help=f"a file holding the backup key (else ${KEY_ENV})")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace ALL data of a non-empty database by the backup",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the file (key, every chunk, every member's hash) and stop",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not run migrate first (tests)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup"])
        try:
            key = operator_key(options["key_file"])
            if options["check"]:
                manifest = read_manifest_checked(path, key)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"备份文件完整：{manifest['created_at']} 的备份，"
                        f"版本 {manifest['app']['version']}（commit {manifest['app']['commit']}），"
                        f"{len(manifest['tables'])} 张表共 "
                        f"{sum(t['rows'] for t in manifest['tables'])} 行，"
                        f"{len(manifest['files'])} 个文件；未作任何改动"
                    )
                )
                return
            report = restore_backup(
                path,
                key,
                force=options["force"],
                progress=self.stdout.write,
                migrate=None if options["no_migrate"] else self._migrate,
            )
        except BackupError as exc:
            raise CommandError(f"恢复被拒绝，数据和文件均未改动：{exc}") from None
        self.stdout.write(
            f"已恢复 {report.rows} 行、{report.files} 个文件；行数与文件 SHA-256 均与清单一致。"
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if report.audit_problems:
            for problem in report.audit_problems:
                self.stderr.write(problem)
            if not report.older_than_checkpoints:
                raise CommandError(
                    f"数据已恢复，但审计链校验失败（{len(report.audit_problems)} 处）：见上；"
                    "请检查审计密钥（ZUOFENG_AUDIT_KEY）是否与备份时一致"
                )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"审计链完整：{report.audit_chains} 条链共 {report.audit_events} 条记录，"
                    "校验通过"
                )
            )

    def _migrate(self) -> None:
        call_command("migrate", interactive=False, verbosity=0)
