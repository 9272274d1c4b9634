"""Writes to the org tree (组织架构): create, update, move, import, unit kinds. Paths are kept here and nowhere else."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.labels import masked_name
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.core import paths
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.core.models import Scoped
from luoshi.orgs.models import MAX_DEPTH, Unit, UnitKind
from luoshi.orgs.signals import unit_moved

EDITABLE_FIELDS = ("name", "code", "kind", "member_count", "leaders")
IMPORTED_FIELDS = ("name", "kind", "member_count", "leaders")
SYSTEM_ACTOR_NAME = "系统"
BULK_BATCH = 1000


def _next_child_path(parent: Unit | None) -> tuple[str, int]:
    if parent is None:
        return paths.segment(next_top_number()), 1
    parent = Unit.objects.select_for_update().get(pk=parent.pk)
    parent.child_seq += 1
    Unit.objects.filter(pk=parent.pk).update(child_seq=parent.child_seq)
    return paths.child_path(parent.path, parent.child_seq), parent.level + 1


def next_top_number() -> int:
    """The segment number the next top-level unit gets."""
    last = Unit.objects.filter(parent__isnull=True).order_by("-path").values_list("path", flat=True).first()
    return int(last[: paths.SEGMENT]) + 1 if last else 1


def _ensure_code_free(code: str, exclude_pk: int | None = None) -> None:
    taken = Unit.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise RuleViolation(_("单位代码「{code}」已被使用。").format(code=code))


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
            raise RuleViolation(_("只有组织管理员可以新建顶级单位。"))
    elif actor is not None:
        scope.require(actor, Perm.MANAGE_ORGS, parent.path)
    with transaction.atomic():
        _ensure_code_free(code)
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
            raise Conflict(_("该单位已被他人修改，请刷新后再编辑。"))
        before = snapshot(locked)
        for name, value in changes.items():
            if name not in EDITABLE_FIELDS:
                raise RuleViolation(_("字段 {name} 不可修改。").format(name=name))
            setattr(locked, name, value)
        if "code" in changes:
            _ensure_code_free(locked.code, exclude_pk=locked.pk)
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
        raise RuleViolation(_("不能把单位移动到它自己或它的下级单位之下。"))
    if unit.parent_id == new_parent.pk:
        raise RuleViolation(
            _("「{unit}」已经是「{parent}」的下级单位。").format(unit=unit.name, parent=new_parent.name)
        )
    if paths.depth(new_parent.path) + _subtree_height(unit) > MAX_DEPTH:
        raise RuleViolation(_("移动后层级将超过 {max_depth} 级。").format(max_depth=MAX_DEPTH))
    with transaction.atomic():
        before = snapshot(unit)
        old = unit.path
        new, level = _next_child_path(new_parent)
        Unit.objects.filter(paths.subtree_q(old, "path")).update(level=F("level") + (level - unit.level))
        _rewrite_paths(Unit, "path", old, new)
        for model in scoped_models():
            _rewrite_paths(model, "org_path", old, new)
        Unit.objects.filter(pk=unit.pk).update(parent=new_parent, version=F("version") + 1)
        unit.refresh_from_db()
        unit_moved.send(sender=Unit, unit=unit, old_path=old, new_path=new)
        record_change(actor, unit, before, detail="移动单位")
    return unit


def _subtree_height(unit: Unit) -> int:
    """Levels in ``unit``'s subtree, counting ``unit`` itself as one."""
    deepest = Unit.objects.filter(paths.subtree_q(unit.path, "path")).aggregate(m=models.Max("level"))["m"]
    return (deepest or unit.level) - unit.level + 1


def codes_to_ids(codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), BULK_BATCH):
        chunk = codes[start : start + BULK_BATCH]
        found.update(Unit.objects.filter(code__in=chunk).values_list("code", "pk"))
    return found


def create_unit_kind(actor: Any, *, code: str, name: str, order: int = 0) -> UnitKind:
    """Add a unit kind (单位类型) to the configurable list."""
    if actor is not None and not scope.has_perm_anywhere(actor, Perm.MANAGE_ORGS):
        raise NotAllowed(_("只有组织管理员可以维护单位类型。"))
    with transaction.atomic():
        if UnitKind.objects.filter(code=code).exists():
            raise RuleViolation(_("类型代码「{code}」已被使用。").format(code=code))
        if UnitKind.objects.filter(name=name).exists():
            raise RuleViolation(_("类型名称「{name}」已存在。").format(name=name))
        kind = UnitKind.objects.create(code=code, name=name, order=order)
        record_change(actor, kind, None)
    return kind


@dataclass
class UnitImportPlan:
    """What an org tree import will write, built and checked by ``luoshi.orgs.imports.plan_import``.

    ``new_units`` are unsaved, with path, level and child_seq computed and ``parent_id`` set when
    the parent already exists; ``new_parent_codes`` names the parent of the others (rows of the file).
    """

    new_units: list[Unit] = field(default_factory=list)
    new_parent_codes: dict[str, str] = field(default_factory=dict)
    parents: list[Unit] = field(default_factory=list)
    updates: list[Unit] = field(default_factory=list)
    unchanged: int = 0
    file_name: str = ""
    sha256: str = ""


def _check_import_scope(actor: Any, plan: UnitImportPlan) -> None:
    if actor is None:
        return
    touched = [u.path for u in plan.parents] + [u.path for u in plan.updates]
    if any(not scope.can(actor, Perm.MANAGE_ORGS, path) for path in touched):
        raise NotAllowed(_("导入涉及您管理范围以外的单位。"))
    new_tops = any(u.parent_id is None and u.code not in plan.new_parent_codes for u in plan.new_units)
    if new_tops and Unit.objects.exists():
        raise NotAllowed(_("只有系统导入可以新建顶级单位。"))


def apply_unit_import(actor: Any, plan: UnitImportPlan) -> dict[str, Any]:
    """Write an import plan in bulk, level by level, with one audit record (导入) for the whole file."""
    _check_import_scope(actor, plan)
    now = timezone.now()
    with transaction.atomic():
        Unit.objects.bulk_update(plan.parents, ["child_seq"], batch_size=BULK_BATCH)
        _insert_by_level(plan)
        for unit in plan.updates:
            unit.updated_at = now
        Unit.objects.bulk_update(plan.updates, [*IMPORTED_FIELDS, "version", "updated_at"], batch_size=BULK_BATCH)
        summary = {
            "file": plan.file_name,
            "sha256": plan.sha256,
            "created": len(plan.new_units),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
        }
        record(
            Action.IMPORT,
            actor=actor,
            actor_name="" if actor is not None else SYSTEM_ACTOR_NAME,
            object_type=Unit._meta.label_lower,
            object_repr="组织架构",
            detail=f"导入组织架构：新建 {summary['created']} 个单位，更新 {summary['updated']} 个",
            after={
                **summary,
                "file": masked_name(plan.file_name),
                "created_codes": [u.code for u in plan.new_units],
                "updated_codes": [u.code for u in plan.updates],
            },
        )
    return summary


def _insert_by_level(plan: UnitImportPlan) -> None:
    by_level: dict[int, list[Unit]] = defaultdict(list)
    for unit in plan.new_units:
        by_level[unit.level].append(unit)
    ids: dict[str, int] = {}
    for level in sorted(by_level):
        batch = by_level[level]
        for unit in batch:
            if unit.code in plan.new_parent_codes:
                unit.parent_id = ids[plan.new_parent_codes[unit.code]]
        Unit.objects.bulk_create(batch, batch_size=BULK_BATCH)
        if any(unit.pk is None for unit in batch):
            found = codes_to_ids([u.code for u in batch])
            for unit in batch:
                unit.pk = found[unit.code]
        ids.update((unit.code, unit.pk) for unit in batch)
