"""Exporting the org tree to Excel in the import template's columns, so an export imports back unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.excel import table_bytes
from luoshi.orgs.imports import SHEET_COLUMNS
from luoshi.orgs.models import Unit
from luoshi.orgs.queries import visible_subtree
from luoshi.orgs.services import SYSTEM_ACTOR_NAME

COLUMNS = ("code", "name", "kind__name", "parent__code", "member_count", "leaders")


def workbook_bytes(rows: Iterable[tuple[Any, ...]]) -> tuple[bytes, int]:
    """An xlsx with the template header and ``rows``; returns the file and the number of rows."""
    return table_bytes("单位", SHEET_COLUMNS, rows)


def unit_rows(units: QuerySet[Unit]) -> Iterator[tuple[Any, ...]]:
    """Parents come before their children (path order), though the import accepts any order."""
    return units.order_by("path").values_list(*COLUMNS).iterator(chunk_size=2000)


def export_units(actor: Any, unit: Unit | None = None) -> tuple[bytes, int]:
    """The subtree of ``unit`` (or everything) that ``actor`` may export (``None``: the system), audited as 导出."""
    if actor is None:
        units: QuerySet[Unit] = Unit.objects.subtree(unit) if unit is not None else Unit.objects.all()
    else:
        units = visible_subtree(actor, Perm.EXPORT, unit)
    data, count = workbook_bytes(unit_rows(units))
    record(
        Action.EXPORT,
        actor=actor,
        actor_name="" if actor is not None else SYSTEM_ACTOR_NAME,
        object_type=Unit._meta.label_lower,
        object_id=str(unit.pk) if unit is not None else "",
        object_repr=unit.name if unit is not None else "组织架构",
        detail=f"导出组织架构 {count} 个单位",
        after={"unit": unit.code if unit is not None else "", "count": count},
    )
    return data, count
