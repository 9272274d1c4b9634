"""``luoshi restore DIR``: restore a ``luoshi backup`` folder into an empty installation, then verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.ops.backup import BackupRefused, restore_backup


class Command(BaseCommand):
    help = "从 luoshi backup 生成的目录恢复数据库、上传文件和密钥（目标须为空），并校验审计日志"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help=_("备份目录"))
        parser.add_argument(
            "--force", action="store_true", help=_("PostgreSQL：目标数据库已有数据时仍然覆盖（密钥不同时仍会拒绝）")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            report = restore_backup(opts["source"], force=opts["force"])
        except BackupRefused as exc:
            raise CommandError(_("未恢复：{reason}").format(reason=exc)) from exc
        self.stdout.write(_("已恢复 {count} 个上传文件。").format(count=report.files))
        if report.keys_installed:
            names = "、".join(report.keys_installed)
            self.stdout.write(_("已从备份写入密钥文件（权限 0600）：{names}").format(names=names))
        for label, count in report.counts.items():
            self.stdout.write(_("{label}：{count}").format(label=label, count=count))
        if report.audit_problem:
            raise CommandError(
                _("数据已恢复，但审计日志校验未通过：{problem}（已校验 {checked} 条）").format(
                    problem=report.audit_problem, checked=report.audit_checked
                )
            )
        self.stdout.write(
            self.style.SUCCESS(_("恢复完成，审计日志完整：共 {checked} 条记录。").format(checked=report.audit_checked))
        )
