"""Front-end libraries from node_modules, served as static files — only the files pages use.

Pointing STATICFILES_DIRS at whole package folders made `collectstatic` copy and compress
every source map and alternative build (ECharts' dist alone is 51 MB). This finder exposes
the listed files and nothing else, under `vendor/<package>/`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# URL prefix under STATIC_URL → (folder inside node_modules, the files used from it).
VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/bulma": ("bulma/css", ("bulma.min.css",)),
    "vendor/htmx": ("htmx.org/dist", ("htmx.min.js",)),
    "vendor/echarts": ("echarts/dist", ("echarts.min.js",)),
    "vendor/swagger-ui": (
        "swagger-ui-dist",
        (
            "swagger-ui.css",
            # Named by swagger-ui.css; the manifest storage refuses a missing reference.
            "swagger-ui.css.map",
            "swagger-ui-bundle.js",
            "swagger-ui-standalone-preset.js",
            "favicon-32x32.png",
        ),
    ),
}


def node_modules() -> Path:
    return Path(settings.BASE_DIR) / "node_modules"


class VendorFinder(BaseFinder):
    def _storages(self) -> list[tuple[FileSystemStorage, tuple[str, ...]]]:
        storages = []
        for prefix, (folder, files) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=node_modules() / folder)
            storage.prefix = prefix
            storages.append((storage, files))
        return storages

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = []
        for storage, files in self._storages():
            for name in files:
                if path == f"{storage.prefix}/{name}" and storage.exists(name):
                    match = storage.path(name)
                    if not find_all:
                        return match
                    found.append(match)
        return found if find_all else None

    def list(self, ignore_patterns: Any) -> Any:
        for storage, files in self._storages():
            for name in files:
                if storage.exists(name):
                    yield name, storage

    def check(self, **kwargs: Any) -> list[Any]:
        from django.core.checks import Warning

        missing = [
            f"{folder}/{name}"
            for folder, files in VENDOR_FILES.values()
            for name in files
            if not (node_modules() / folder / name).exists()
        ]
        if not missing:
            return []
        return [
            Warning(
                f"前端依赖缺失：{', '.join(missing)}",
                hint="运行 npm ci --ignore-scripts（make run / make test 会自动运行）。",
                id="zuofeng.W002",
            )
        ]
