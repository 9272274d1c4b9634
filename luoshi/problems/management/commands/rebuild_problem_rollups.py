"""``luoshi rebuild_problem_rollups``: recompute every problem rollup (问题分级汇总) from the problems."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from luoshi.problems import rollups


class Command(BaseCommand):
    help = "从问题原始数据重新计算全部问题分级汇总（整改看板、排名和月报读取汇总）"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = rollups.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("已重建问题汇总 {rows} 行，用时 {seconds:.1f} 秒。").format(rows=written, seconds=seconds)
            )
        )
