"""Scorecard test fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard.models import Standard


@pytest.fixture
def first_standard(db: Any) -> None:
    """The first default standard (作风建设考核办法（试行）) instead of the current one: the
    hand-counted November of `fixtures.py` and the tests of the scoring mechanics (counts,
    small samples, weights) were written against its indicators."""
    from django.apps import apps

    from scorecard.defaults import install

    Standard.objects.all().delete()  # the current default, unused in a fresh test database
    install(apps)
