"""``luoshi verify_audit``: exit 0 when the audit chain is intact, 1 naming the first altered or removed record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.audit.services import chain_report


class Command(BaseCommand):
    help = "校验审计日志哈希链的完整性：完好时退出码为 0，否则指出第一条被改动或删除的记录。"

    def handle(self, *args: Any, **opts: Any) -> None:
        report = chain_report()
        if report.problem is not None:
            raise CommandError(f"审计日志已被篡改：{report.problem}（已校验 {report.checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：共 {report.checked} 条记录。"))
