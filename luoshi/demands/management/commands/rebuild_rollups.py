"""``luoshi rebuild_rollups``: recompute every daily rollup of demands (日汇总) from the raw tickets."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from luoshi.demands import rollups


class Command(BaseCommand):
    help = "从诉求工单原始数据重新计算全部日汇总（三率、排名和红黑榜读取日汇总）"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = rollups.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _("已重建日汇总 {rows} 行，用时 {seconds:.1f} 秒。").format(rows=written, seconds=seconds)
            )
        )
