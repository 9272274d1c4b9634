"""``luoshi export_units FILE [--unit CODE]``: export the org tree (or one subtree) in the import template's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.orgs.exports import export_units
from luoshi.orgs.models import Unit


class Command(BaseCommand):
    help = "把组织架构导出为 Excel（与导入模板列相同）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("输出文件（.xlsx）"))
        parser.add_argument("--unit", metavar="CODE", help=_("只导出该单位及其全部下级"))

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = None
        if opts["unit"]:
            unit = Unit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(_("找不到单位代码「{unit}」").format(unit=opts["unit"]))
        data, count = export_units(None, unit)
        path: Path = opts["file"]
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(_("已导出 {count} 个单位到 {path}").format(count=count, path=path)))
