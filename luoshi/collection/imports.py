"""The upload of a round's filled workbook: each row is one unit's values, checked against the template; a unit
only uploads its own rows (those where it may file). Any error rejects the whole file, by row and field; without
errors every row is saved (or submitted) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.collection import services
from luoshi.collection.choices import FieldKind
from luoshi.collection.exports import FILL_SHEET, UNIT_CODE, fill_columns
from luoshi.collection.fields import ValuesInvalid, clean_values
from luoshi.collection.models import CollectionRound, Submission
from luoshi.collection.workflow import EDITABLE
from luoshi.core.errors import NotAllowed
from luoshi.core.imports import (
    ImportRejected,
    RawRow,
    RowChecker,
    RowError,
    SheetFormat,
    capped,
    cell_text,
    check_xlsx,
    parse_date,
    read_sheet,
    refused_row,
)
from luoshi.core.uploads import CheckedUpload

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


class ValuesRejected(ImportRejected):
    summary = gettext_lazy("填报表中有 {count} 处错误，未导入任何数据。请修改后重新上传。")


@dataclass
class Row:
    row: int
    submission: Submission
    values: dict[str, Any]


@dataclass
class ImportReport:
    rows: int
    submitted: bool
    ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.submitted:
            return _("已导入并报送 {n} 个单位的数据。").format(n=self.rows)
        return _("已导入并暂存 {n} 个单位的数据。").format(n=self.rows)


def check_upload_file(upload: UploadedFile) -> CheckedUpload:
    return check_xlsx(upload, MAX_BYTES)


def _cell(kind: str, value: Any) -> Any:
    """A cell as the field takes it: numbers stay numbers, dates become ISO text, the rest text."""
    if value is None:
        return None
    if (
        kind in (FieldKind.INTEGER, FieldKind.DECIMAL)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return value
    if kind == FieldKind.DATE:
        parsed = parse_date(value)
        return parsed.isoformat() if parsed else cell_text(value)
    return cell_text(value)


def check_rows(
    user: User, round_: CollectionRound, raw: list[RawRow], submit: bool
) -> tuple[list[Row], list[RowError]]:
    template = round_.template
    fields = [f for f in template.fields if f["kind"] != FieldKind.FILE]
    label_of = {f["key"]: f["label"] for f in template.fields}
    items = {s.unit.code: s for s in Submission.objects.filter(round=round_).select_related("unit")}
    checker, rows, seen = RowChecker(), [], set()
    for line in raw:
        checker.values = line.values
        code = cell_text(line.values.get(UNIT_CODE))
        item = items.get(code)
        if not code:
            checker.fail(line.row, UNIT_CODE, _("单位编码不能为空。"))
            continue
        if item is None or not scope.can(user, Perm.VIEW, item.org_path):
            checker.fail(line.row, UNIT_CODE, _("单位「{code}」不在本轮报送范围内。").format(code=code))
            continue
        if not scope.can(user, Perm.SUBMIT_COLLECTION, item.org_path):
            checker.fail(line.row, UNIT_CODE, _("您不能替单位「{code}」填报。").format(code=code))
            continue
        if code in seen:
            checker.fail(line.row, UNIT_CODE, _("单位「{code}」重复出现。").format(code=code))
            continue
        seen.add(code)
        if item.state not in EDITABLE:
            checker.fail(line.row, UNIT_CODE, _("单位「{code}」已报送，不能再修改。").format(code=code))
            continue
        values = {f["key"]: _cell(f["kind"], line.values.get(f["label"])) for f in fields}
        merged = {**{k: v for k, v in (item.values or {}).items() if k not in values}, **values}
        try:
            clean_values(template.fields, template.rules, merged, full=submit)
        except ValuesInvalid as exc:
            for key, message in exc.errors.items():
                checker.fail(line.row, label_of.get(key, key), message, value="")
            continue
        rows.append(Row(line.row, item, values))
    return rows, checker.errors


def import_values(user: User, round_: CollectionRound, upload: UploadedFile, *, submit: bool = True) -> ImportReport:
    """导入填报表: the file checked by the one upload checker, every row checked (all rules when ``submit``, types
    only for a draft), then every row saved or submitted in one transaction; any error rejects the whole file."""
    if not scope.has_perm_anywhere(user, Perm.SUBMIT_COLLECTION):
        raise NotAllowed(_("您无权填报。"))
    check_upload_file(upload)
    filename = upload.name or ""
    source: IO[bytes] = upload
    form = SheetFormat(
        FILL_SHEET,
        fill_columns(round_.template),
        example_column=UNIT_CODE,
        too_many=gettext_lazy("单个文件最多导入 {limit} 行。"),
        empty=gettext_lazy("文件中没有填报数据。"),
        what="collection",
    )
    found = read_sheet(source, form, MAX_ROWS)
    if found.errors:
        raise ValuesRejected(found.errors)
    rows, errors = check_rows(user, round_, found.rows, submit)
    if errors:
        raise ValuesRejected(capped(errors), total=len(errors))
    report = ImportReport(0, submit)
    call = services.submit if submit else services.save_draft
    with transaction.atomic():
        for row in rows:
            with refused_row(row.row, ValuesRejected):
                call(user, row.submission, values={**(row.submission.values or {}), **row.values})
            report.rows += 1
            report.ids.append(row.submission.pk)
        record(
            Action.IMPORT,
            actor=user,
            obj=round_,
            detail=f"导入填报表「{masked_name(filename)}」{report.rows} 个单位"[:200],
            after={"file": masked_name(filename), "rows": report.rows, "submitted": submit},
        )
    return report
