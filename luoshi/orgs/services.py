"""Writes to the org tree (组织架构): create, update, move. Paths are kept here and nowhere else."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.services import record_change, snapshot
from luoshi.core import paths
from luoshi.core.errors import RuleViolation
from luoshi.core.models import Scoped
from luoshi.orgs.models import Unit, UnitKind

EDITABLE_FIELDS = ("name", "code", "kind", "member_count", "leaders")


def _next_child_path(parent: Unit | None) -> tuple[str, int]:
    if parent is None:
        last = Unit.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
        n = int(last[: paths.SEGMENT]) + 1 if last else 1
        return paths.segment(n), 1
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    parent.child_seq += 1
    Unit.objects.filter(pk=parent.pk).update(child_seq=parent.child_seq)
    return paths.child_path(parent.path, parent.child_seq), parent.level + 1


def create_unit(
    actor: Any,
    *,
    name: str,
    code: str,
    kind: UnitKind,
    parent: Unit | None,
    member_count: int = 0,
    leaders: str = "",
) -> Unit:
    if parent is None:
        if actor is not None and not scope.has_perm_anywhere(actor, Perm.MANAGE_ORGS):
            raise RuleViolation("只有组织管理员可以新建顶级单位。")
    elif actor is not None:
        scope.require(actor, Perm.MANAGE_ORGS, parent.path)
    with transaction.atomic():
        path, level = _next_child_path(parent)
        unit = Unit.objects.create(
            name=name,
            code=code,
            kind=kind,
            parent=parent,
            path=path,
            level=level,
            member_count=member_count,
            leaders=leaders,
        )
        record_change(actor, unit, None)
    return unit


def update_unit(actor: Any, unit: Unit, version: int, **changes: Any) -> Unit:
    scope.require(actor, Perm.MANAGE_ORGS, unit.path)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.version != version:
            from luoshi.core.errors import Conflict

            raise Conflict("该单位已被他人修改，请刷新后再编辑。")
        before = snapshot(locked)
        for field, value in changes.items():
            if field not in EDITABLE_FIELDS:
                raise RuleViolation(f"字段 {field} 不可修改。")
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
        record_change(actor, locked, before)
    return locked


def scoped_models() -> list[type[models.Model]]:
    """Every concrete model that copies a unit path into ``org_path``."""
    return [m for m in apps.get_models() if issubclass(m, Scoped) and not m._meta.abstract]


def _rewrite_paths(model: type[models.Model], field: str, old: str, new: str) -> None:
    model._default_manager.filter(paths.subtree_q(old, field)).update(
        **{field: Concat(Value(new), Substr(F(field), len(old) + 1, Length(F(field))))}
    )


def move_unit(actor: Any, unit: Unit, new_parent: Unit) -> Unit:
    """Move ``unit`` and its subtree under ``new_parent``; every scoped table follows in one statement each."""
    scope.require(actor, Perm.MANAGE_ORGS, unit.path)
    scope.require(actor, Perm.MANAGE_ORGS, new_parent.path)
    if paths.is_within(new_parent.path, unit.path):
        raise RuleViolation("不能把单位移动到它自己的下级单位之下。")
    with transaction.atomic():
        before = snapshot(unit)
        old = unit.path
        new, level = _next_child_path(new_parent)
        Unit.objects.filter(paths.subtree_q(old, "path")).update(level=F("level") + (level - unit.level))
        _rewrite_paths(Unit, "path", old, new)
        for model in scoped_models():
            _rewrite_paths(model, "org_path", old, new)
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
        unit.refresh_from_db()
        record_change(actor, unit, before, detail="移动单位")
    return unit
