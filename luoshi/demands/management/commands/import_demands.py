"""``luoshi import_demands FILE --user USERNAME``: import a hotline export (CSV or .xlsx) as that user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.core.errors import NotAllowed
from luoshi.demands.imports import import_demands


class Command(BaseCommand):
    help = "导入热线工单（CSV 或 Excel），以指定账号的受理、派单权限校验每一行；任何一行有错误时不导入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="热线系统导出的工单文件（.csv 或 .xlsx）")
        parser.add_argument("--user", required=True, help="以该账号导入（须有受理派单员或领导小组办公室角色）")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        user = get_user_model().objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("找不到账号「{username}」。").format(username=opts["user"]))
        with path.open("rb") as fh:
            try:
                result = import_demands(user, fh, path.name, progress=self._progress)
            except NotAllowed as exc:
                raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.error_count > len(result.errors):
                self.stderr.write(
                    _("……另有 {count} 处错误未列出").format(count=result.error_count - len(result.errors))
                )
            raise CommandError(result.summary())
        rate = result.created / result.seconds if result.seconds else 0
        self.stdout.write(self.style.SUCCESS(result.summary()))
        self.stdout.write(_("用时 {seconds:.1f} 秒，每秒 {rate:.0f} 件。").format(seconds=result.seconds, rate=rate))

    def _progress(self, percent: int, message: str) -> None:
        self.stdout.write(f"[{percent:3d}%] {message}")
