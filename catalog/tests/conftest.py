from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """The public catalogue is cached under a version bumped on commit, and a test's
    transaction never commits: each test starts with an empty cache."""
    cache.clear()
    yield
    cache.clear()
