"""Settings for the benchmarks: the project's own settings (so every environment variable
works as in production), with a URLconf that adds a bare view to compare pages against."""

from __future__ import annotations

from zuofeng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
