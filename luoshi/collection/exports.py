"""Excel of periodic collection: one round (a row per unit, a column per field), a series of rounds of a template
family (a sheet per numeric field, units × periods), and the fill-in workbook of a round. Every cell from user
input is neutralised by ``luoshi.core.excel``; every export is audited."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.collection.choices import NUMERIC_KINDS, FieldKind, State
from luoshi.collection.fields import as_decimal, shown
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission
from luoshi.core.excel import Book, Cells, Column, help_sheet
from luoshi.core.imports import Column as ImportColumn

UNIT_CODE = "单位编码"
UNIT_NAME = "单位名称"
FILL_SHEET = "填报"
KEYS_SHEET = "字段标识"
STATES = dict(State.choices)


def _cell_kind(field: dict[str, Any]) -> Cells:
    return {
        FieldKind.INTEGER: Cells.INTEGER,
        FieldKind.DECIMAL: Cells.DECIMAL,
        FieldKind.DATE: Cells.TEXT,
    }.get(field["kind"], Cells.TEXT)


def _value(field: dict[str, Any], value: Any) -> Any:
    if field["kind"] == FieldKind.INTEGER and value not in (None, ""):
        return value
    if field["kind"] == FieldKind.DECIMAL:
        return as_decimal(value)
    return shown(field, value) or None


def _submissions(user: Any, round_: CollectionRound) -> list[Submission]:
    return list(
        Submission.objects.visible_to(user, Perm.VIEW)
        .filter(round=round_)
        .select_related("unit")
        .order_by("org_path", "id")
    )


def round_workbook(user: Any, round_: CollectionRound) -> bytes:
    """One round: a row per unit the user sees, a column per field, the state, late mark and submitted time."""
    fields = round_.template.fields
    columns = [
        Column(gettext_lazy("单位编码"), width=12),
        Column(gettext_lazy("单位"), width=20),
        *(Column(f["label"], _cell_kind(f), 14) for f in fields),
        Column(gettext_lazy("状态"), width=9),
        Column(gettext_lazy("逾期"), width=6),
        Column(gettext_lazy("报送时间"), Cells.DATETIME, 17),
    ]
    rows = _submissions(user, round_)
    book = Book()
    sheet = book.sheet(round_.period_label, columns)
    for item in rows:
        values = item.values or {}
        sheet.append(
            [
                item.unit.code,
                item.unit.name,
                *(_value(f, values.get(f["key"])) for f in fields),
                STATES.get(item.state, item.state),
                _("逾期") if item.overdue else "",
                item.submitted_at,
            ]
        )
    sheet.filter_rows()
    record(
        Action.EXPORT,
        actor=user,
        obj=round_,
        detail=f"导出报送轮次「{round_.title}」{len(rows)} 个单位"[:200],
        after={"round": round_.pk, "rows": len(rows)},
    )
    return book.bytes()


def series_workbook(user: Any, template: CollectionTemplate) -> bytes:
    """Every round of the template's family the user sees: a sheet per numeric field, a row per unit, a column per
    period (the filed value; empty when not filed)."""
    rounds = list(
        CollectionRound.objects.visible_to(user, Perm.VIEW)
        .filter(template__family_id=template.family_id)
        .select_related("template")
        .order_by("period_start", "id")
    )
    rows = (
        Submission.objects.visible_to(user, Perm.VIEW)
        .filter(round__in=[r.pk for r in rounds], state__in=(State.SUBMITTED, State.ACCEPTED))
        .values_list("round_id", "unit_id", "values")
    )
    values: dict[tuple[int, int], dict[str, Any]] = {(r, u): v or {} for r, u, v in rows}
    units: dict[int, tuple[str, str, str]] = {}
    for item in (
        Submission.objects.visible_to(user, Perm.VIEW).filter(round__in=[r.pk for r in rounds]).select_related("unit")
    ):
        units[item.unit_id] = (item.org_path, item.unit.code, item.unit.name)
    ordered = sorted(units.items(), key=lambda kv: kv[1][0])
    labels: dict[str, str] = {}
    for r in rounds:
        for f in r.template.fields:
            if f["kind"] in NUMERIC_KINDS:
                labels.setdefault(f["key"], f["label"])
    book = Book()
    for key, label in labels.items() or [("", _("无数字字段"))]:
        columns = [
            Column(gettext_lazy("单位编码"), width=12),
            Column(gettext_lazy("单位"), width=20),
            *(Column(r.period_label, Cells.DECIMAL, 14) for r in rounds),
        ]
        sheet = book.sheet(label, columns)
        for unit_id, (_path, code, name) in ordered:
            sheet.append([code, name, *(as_decimal(values.get((r.pk, unit_id), {}).get(key)) for r in rounds)])
    record(
        Action.EXPORT,
        actor=user,
        obj=template,
        detail=f"导出报送模板「{template.name}」{len(rounds)} 期汇总"[:200],
        after={"family": template.family_id, "rounds": len(rounds), "units": len(ordered)},
    )
    return book.bytes()


def fill_columns(template: CollectionTemplate) -> list[ImportColumn]:
    """The columns of the fill-in workbook: the unit, then every field but files (uploaded on the page)."""
    columns = [
        ImportColumn(UNIT_CODE, True, _("不要修改：本行所属单位的编码。"), 12),
        ImportColumn(UNIT_NAME, False, _("仅供核对，导入时不读取。"), 20),
    ]
    for f in template.fields:
        if f["kind"] == FieldKind.FILE:
            continue
        hint = [str(FieldKind(f["kind"]).label)]
        if f.get("options"):
            hint.append(_("选项：{options}").format(options=_("、").join(f["options"])))
        if f.get("min") is not None or f.get("max") is not None:
            hint.append(_("范围：{low} ~ {high}").format(low=f.get("min") or "", high=f.get("max") or ""))
        if f.get("help"):
            hint.append(f["help"])
        columns.append(ImportColumn(f["label"], f["required"], "；".join(hint), 14))
    return columns


def fill_workbook(user: Any, round_: CollectionRound) -> bytes:
    """The round's fill-in workbook: a row per unit the user may file for (with what it holds already), a header of
    field labels, the field keys on a hidden sheet and a sheet of help."""
    template = round_.template
    columns = fill_columns(template)
    items = list(
        Submission.objects.visible_to(user, Perm.SUBMIT_COLLECTION)
        .filter(round=round_)
        .select_related("unit")
        .order_by("org_path", "id")
    )
    fields = [f for f in template.fields if f["kind"] != FieldKind.FILE]
    book = Book()
    kinds = [Cells.TEXT, Cells.TEXT, *(_cell_kind(f) for f in fields)]
    declared = [
        Column(c.header, kind, c.width, optional=not c.required) for c, kind in zip(columns, kinds, strict=True)
    ]
    sheet = book.sheet(FILL_SHEET, declared)
    for item in items:
        values = item.values or {}
        sheet.append([item.unit.code, item.unit.name, *(_value(f, values.get(f["key"])) for f in fields)])
    notes = [
        _("报送轮次：{round}，截止日期 {deadline}。").format(
            round=round_.title, deadline=f"{round_.deadline:%Y-%m-%d}"
        ),
        _("每行是一个单位，请勿修改单位编码；只能导入本单位（及下级单位）的行。"),
        _("任何一行有错误时，整个文件都不会导入；请按错误清单修改后重新上传。"),
    ]
    help_sheet(book, columns, notes)
    keys = book.sheet(KEYS_SHEET, [Column(c.header, width=14) for c in columns], hidden=True)
    keys.append(["unit_code", "unit_name", *(f["key"] for f in fields)])
    return book.bytes()


def download_name(what: str) -> str:
    return f"{what}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
