"""``luoshi verify_audit [--checkpoint FILE]``: exit 0 when the audit chain is intact, 1 naming the first
altered or removed record; with a checkpoint, also that the record it names still has the hash it signed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.audit.services import Checkpoint, CheckpointRefused, chain_report, read_checkpoint


class Command(BaseCommand):
    help = "校验审计日志哈希链的完整性：完好时退出码为 0，否则指出第一条被改动或删除的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoint", type=Path, help="另行保存的审计检查点文件（luoshi audit_checkpoint 生成）")

    def handle(self, *args: Any, **opts: Any) -> None:
        anchor: Checkpoint | None = None
        if opts["checkpoint"] is not None:
            try:
                anchor = read_checkpoint(opts["checkpoint"])
            except CheckpointRefused as exc:
                raise CommandError(_("检查点文件不予采信：{reason}").format(reason=exc)) from exc
        report = chain_report(anchor=anchor)
        if report.problem is not None:
            raise CommandError(
                _("审计日志已被篡改：{problem}（已校验 {checked} 条）").format(
                    problem=report.problem, checked=report.checked
                )
            )
        self.stdout.write(self.style.SUCCESS(_("审计日志完整：共 {checked} 条记录。").format(checked=report.checked)))
        if anchor is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    _("与检查点一致：第 {seq} 条记录及之前的记录自 {at} 起未被改动。").format(
                        seq=anchor.seq, at=anchor.at
                    )
                )
            )
