"""``luoshi backup DIR``: database, uploaded files, audit checkpoints and keys into a new or empty folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.ops.backup import BackupRefused, make_backup


class Command(BaseCommand):
    help = "备份数据库、上传文件和密钥到一个新目录或空目录（运行中也可备份）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path, help=_("备份目录（须不存在或为空）"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = make_backup(opts["target"])
        except BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("备份已写入 {path}：数据库（{vendor}）及共 {count} 个文件，清单见 manifest.json。").format(
                    path=opts["target"], vendor=manifest["database"], count=manifest["file_count"]
                )
            )
        )
        self.stderr.write(
            self.style.WARNING(
                _(
                    "注意：备份中含有系统密钥（keys/ 目录），持有备份即可解密群众个人信息、伪造审计记录。"
                    "请将备份存放在受控位置，限制访问权限，不要与数据库放在同一台机器上。"
                )
            )
        )
