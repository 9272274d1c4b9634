"""``luoshi export_problems FILE [--campaign ID]``: system export of the problem list to Excel (audited)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.campaigns.models import Campaign
from luoshi.problems.exports import export_all


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "未知操作系统账号"


class Command(BaseCommand):
    help = "导出问题清单到 Excel 文件（系统导出，不按用户范围过滤，记入审计日志）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("输出文件路径（.xlsx）"))
        parser.add_argument("--campaign", type=int, help=_("只导出该活动的问题（活动编号）"))

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("输出文件须以 .xlsx 结尾。"))
        campaign_id = opts["campaign"]
        if campaign_id is not None and not Campaign.objects.filter(pk=campaign_id).exists():
            raise CommandError(_("找不到编号为 {campaign_id} 的活动。").format(campaign_id=campaign_id))
        with path.open("wb") as target:
            count = export_all(target, campaign_id, operator=f"系统命令（{_os_user()}）")
        self.stdout.write(self.style.SUCCESS(_("已导出 {count} 条问题到 {path}").format(count=count, path=path)))
