"""Serve the few front-end files we use straight out of node_modules (installed from npm at set-up)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

VENDOR_FILES = (
    "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    "htmx.org/dist/htmx.min.js",
    "echarts/dist/echarts.min.js",
)
PREFIX = "vendor/"


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.storage = FileSystemStorage(location=settings.BASE_DIR / "node_modules")
        self.storage.prefix = PREFIX.rstrip("/")  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [f for f in VENDOR_FILES if not self.storage.exists(f)]
        if missing:
            return [Error(f"front-end packages missing: {', '.join(missing)}", hint="run `npm ci`", id="luoshi.E001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        rel = path[len(PREFIX) :] if path.startswith(PREFIX) else None
        if rel in VENDOR_FILES and self.storage.exists(rel):
            full = self.storage.path(rel)
            return [full] if find_all else full
        return [] if find_all else ""

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for rel in VENDOR_FILES:
            if self.storage.exists(rel):
                yield rel, self.storage
