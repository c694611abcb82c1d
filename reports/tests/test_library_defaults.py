"""The default library of causes and measures is there on every fresh or flushed database:
a report drafted after `manage.py flush` (or a test that truncates tables) still has its
原因分析 and 对策建议."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reports.models import LibraryEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_flushed_database_gets_the_default_library_back() -> None:
    assert LibraryEntry.objects.exists()
    call_command("flush", "--noinput", verbosity=0)
    assert LibraryEntry.objects.filter(active=True).count() > 0


def test_an_office_that_retired_entries_keeps_its_choice() -> None:
    LibraryEntry.objects.update(active=False)
    from reports.apps import after_migrate

    after_migrate()
    assert not LibraryEntry.objects.filter(active=True).exists()
