"""Classify complaint texts from standard input (complaints/classifier/cli.py says how). From
the shell, `manage.py classify` runs the same code without Django's set-up of every app; this
command serves `call_command` and `manage.py help classify`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from complaints.classifier.cli import HELP, add_arguments, classify_lines


class Command(BaseCommand):
    help = HELP
    stealth_options = ("stdin",)
    # A filter in a pipe: the project-wide system checks (URLs, views, admin) would cost
    # more start-up time than classifying 20,000 lines.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        classify_lines(
            options.get("stdin") or sys.stdin,
            self.stdout.write,
            batch=options["batch"],
            words=not options["no_words"],
        )
