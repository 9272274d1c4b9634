"""``luoshi audit_checkpoint [--out FILE]``: write a signed checkpoint of the audit chain head, to keep elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from luoshi.audit.services import write_checkpoint


class Command(BaseCommand):
    help = "生成审计日志链头的签名检查点文件（默认写入 DATA_DIR/audit_checkpoints/），请另行保存副本。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="检查点文件路径")

    def handle(self, *args: Any, **opts: Any) -> None:
        path, checkpoint = write_checkpoint(opts["out"])
        self.stdout.write(
            self.style.SUCCESS(
                _("已生成审计检查点：第 {seq} 条记录，文件 {path}").format(seq=checkpoint.seq, path=path)
            )
        )
