"""``luoshi verify_audit``: exit 0 when the audit chain is intact, 1 naming the first altered or removed record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luoshi.audit.services import chain_report


class Command(BaseCommand):
    help = "校验审计日志哈希链的完整性：完好时退出码为 0，否则指出第一条被改动或删除的记录。"

    def handle(self, *args: Any, **opts: Any) -> None:
        report = chain_report()
        if report.problem is not None:
            raise CommandError(
                _("审计日志已被篡改：{problem}（已校验 {checked} 条）").format(
                    problem=report.problem, checked=report.checked
                )
            )
        self.stdout.write(self.style.SUCCESS(_("审计日志完整：共 {checked} 条记录。").format(checked=report.checked)))
