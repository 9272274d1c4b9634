"""``luoshi monthly_report --campaign ID --month YYYY-MM OUT.docx``: a campaign's monthly analysis report.

By default a new snapshot is taken (and the document stored, so the campaign's page lists it);
``--snapshot ID`` renders an existing snapshot again, which gives the same bytes as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.analysis import services
from luoshi.analysis.models import MonthlySnapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation


class Command(BaseCommand):
    help = "生成活动的月度分析报告（Word）：默认重新取数生成快照；--snapshot 按已有快照重新输出，内容逐字节相同"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="输出的 .docx 文件")
        parser.add_argument("--campaign", type=int, help="活动编号")
        parser.add_argument("--month", help="月份，例如 2026-10")
        parser.add_argument("--snapshot", type=int, help="按已有快照重新输出（不再取数）")
        parser.add_argument("--user", help="以该账号生成（校验其管理活动的权限）；不填时以系统身份生成")

    def handle(self, *args: Any, **opts: Any) -> None:
        out: Path = opts["out"]
        if not out.parent.is_dir():
            raise CommandError(_("输出目录不存在：{path}").format(path=out.parent))
        try:
            snapshot = self._snapshot(opts)
            data = services.document_bytes(snapshot)
        except (RuleViolation, NotAllowed) as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        self.stdout.write(
            self.style.SUCCESS(
                _("已生成 {path}（快照 #{pk}，数据截至 {taken}，SHA-256 {digest}）").format(
                    path=out, pk=snapshot.pk, taken=snapshot.figures["taken_at"], digest=digest
                )
            )
        )

    def _snapshot(self, opts: dict[str, Any]) -> MonthlySnapshot:
        if opts["snapshot"] is not None:
            found = MonthlySnapshot.objects.filter(pk=opts["snapshot"]).first()
            if found is None:
                raise CommandError(_("找不到快照 #{pk}。").format(pk=opts["snapshot"]))
            return found
        if opts["campaign"] is None or not opts["month"]:
            raise CommandError(_("请给出 --campaign 和 --month，或用 --snapshot 指定已有快照。"))
        campaign = Campaign.objects.select_related("unit").filter(pk=opts["campaign"]).first()
        if campaign is None:
            raise CommandError(_("找不到活动 #{pk}。").format(pk=opts["campaign"]))
        actor = None
        if opts["user"]:
            actor = get_user_model().objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("找不到账号「{username}」。").format(username=opts["user"]))
        month = services.parse_month(opts["month"])
        return services.generate_report(actor, campaign, month)
