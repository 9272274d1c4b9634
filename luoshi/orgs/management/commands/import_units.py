"""``luoshi import_units FILE``: import the org tree from Excel as the system (top-level units allowed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation
from luoshi.core.uploads import check_upload
from luoshi.orgs.imports import XLSX_ONLY, ImportFailed, import_units, summary_message

ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = "从 Excel 导入组织架构（单位代码、单位名称、单位类型、上级单位代码、成员数、负责人）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("导入文件（.xlsx）"))

    def handle(self, *args: Any, **opts: Any) -> None:
        self.verbosity = int(opts["verbosity"])
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        with path.open("rb") as fh:
            upload = UploadedFile(fh, name=path.name, size=path.stat().st_size)
            try:
                checked = check_upload(upload, XLSX_ONLY)
                summary = import_units(None, fh, file_name=checked.name, sha256=checked.sha256, progress=self._progress)
            except ImportFailed as exc:
                for error in exc.errors[:ERRORS_PRINTED]:
                    self.stderr.write(str(error))
                if len(exc.errors) > ERRORS_PRINTED:
                    self.stderr.write(_("……另有 {count} 处错误未列出").format(count=len(exc.errors) - ERRORS_PRINTED))
                raise CommandError(str(exc)) from exc
            except RuleViolation as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(summary_message(summary)))

    def _progress(self, percent: int, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"[{percent:3d}%] {message}")
