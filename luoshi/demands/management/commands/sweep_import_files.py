"""``luoshi sweep_import_files``: delete uploaded import files that no queued or running job needs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from luoshi.demands.imports_store import sweep_leftover_uploads


class Command(BaseCommand):
    help = "删除导入任务已结束（或被中断）后遗留在 MEDIA_ROOT/imports/ 下的上传文件；工作进程启动时和每天也会执行"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = sweep_leftover_uploads()
        self.stdout.write(self.style.SUCCESS(_("已删除遗留的导入文件 {count} 个。").format(count=removed)))
