#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # `classify` is a filter in a pipe that needs neither the database nor any app: it runs
    # without Django's set-up of every app, which costs more than classifying 10,000 lines
    # (complaints/classifier/cli.py; `manage.py help classify` still describes it).
    if sys.argv[1:2] == ["classify"]:
        from complaints.classifier.cli import main as classify

        sys.exit(classify(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zuofeng.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
