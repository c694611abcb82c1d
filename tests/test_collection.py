"""Every installed project app's tests run: a whole-suite run that misses one fails here.

The scorecard's tests once never ran because `pyproject.toml` listed test folders by hand and
left it out. Discovery now starts at the project root; this test guards it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR).resolve()


def _project_apps_with_tests() -> dict[str, Path]:
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if ROOT not in path.parents or "site-packages" in path.parts:
            continue  # Django's and third-party apps (a virtualenv may sit inside the project)
        if any(path.glob("tests/test_*.py")) or any(path.glob("test_*.py")):
            found[config.label] = path
    return found


def test_every_project_app_with_tests_has_them_collected(request: Any) -> None:
    config = request.config
    if (
        config.args_source == pytest.Config.ArgsSource.ARGS
        or config.option.keyword
        or config.option.markexpr
    ):
        pytest.skip("a subset of the suite was asked for; the guard checks whole-suite runs")
    collected = {Path(str(item.path)).resolve() for item in request.session.items}
    missing = [
        label
        for label, path in _project_apps_with_tests().items()
        if not any(path in file.parents for file in collected)
    ]
    assert _project_apps_with_tests(), "no project app found: the guard itself is broken"
    assert missing == [], f"tests of these installed apps were not collected: {missing}"
