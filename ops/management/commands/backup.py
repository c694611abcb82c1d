from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.backup import create_backup
from ops.crypto import KEY_ENV, BackupError, generate_key
from ops.management.commands._keys import operator_key


class Command(BaseCommand):
    help = (
        "Back up the whole database, the uploaded files and a manifest into one file, "
        f"encrypted (AES-256-GCM) with the operator's key ({KEY_ENV} or --key-file). "
        "The application's keys are not in it: keep them separately (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", nargs="?", help="the backup file to write")
        parser.add_argument("--key-file", help=f"a file holding the backup key (else ${KEY_ENV})")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")
        parser.add_argument(
            "--generate-key", action="store_true", help="print a new random backup key and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        if not options["output"]:
            raise CommandError(
                "请给出备份文件的路径，例如 manage.py backup /backups/zuofeng-2026-12-03.zfb"
            )
        try:
            key = operator_key(options["key_file"])
            result = create_backup(Path(options["output"]), key, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.path}（{result.size / (1024 * 1024):.1f} MB），"
                f"{result.tables} 张表共 {result.rows} 行，{result.files} 个文件。"
                "SECRET_KEY、ZUOFENG_IDENTITY_KEYS、ZUOFENG_AUDIT_KEY 和备份密钥"
                "不在备份中，请另行保管。"
            )
        )
