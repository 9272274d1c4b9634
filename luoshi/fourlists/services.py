"""Writes of the four lists (四张清单): the plain items of a unit's lists, and marking key tasks and rectification
measures as innovation measures (创新举措). Every write checks permission and scope and is audited.

Who keeps the plain items: those holding ``EDIT_PROBLEM`` over the unit — the unit's office (领导小组办公室) and
its liaison (单位联络员), and the offices above it. They are the people who already keep the unit's problem list
(问题清单), the one of the four lists the platform held before, so the four lists stay in the same hands.
``MANAGE_CAMPAIGN`` was the other candidate; only the campaign's office holds it, which would leave each
leadership group unable to keep its own study list.

Marking a key task as 创新举措 needs ``MANAGE_TASKS`` over its issuing unit (whoever deploys the task), and a
measure ``MANAGE_MEASURES`` over its problem (whoever sets the problem's measures).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core import paths
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.fourlists.choices import ItemStatus, ListKind
from luoshi.fourlists.models import ListItem
from luoshi.orgs.models import Unit
from luoshi.problems.models import Measure
from luoshi.tasks.models import Task

KEEP_PERM = Perm.EDIT_PROBLEM
NO_RIGHT = "您无权维护该单位的清单。"


def can_keep(user: Any, unit: Unit) -> bool:
    """Whether ``user`` may add, edit and delete the plain items of ``unit``'s lists."""
    return scope.can(user, KEEP_PERM, unit.path)


def _clean(campaign: Campaign, unit: Unit, kind: str, title: str, owner: str, status: str) -> tuple[str, str]:
    if not paths.is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("单位「{unit}」不在活动「{campaign}」的范围内。").format(unit=unit, campaign=campaign))
    if kind not in ListKind.values:
        raise RuleViolation(_("清单类型无效。"))
    if kind in (ListKind.PROBLEM, ListKind.RESEARCH):
        raise RuleViolation(_("问题清单和调研清单来自问题整改和调查研究，不能手工添加事项。"))
    if status not in ItemStatus.values:
        raise RuleViolation(_("状态无效。"))
    title, owner = title.strip(), owner.strip()
    if not title:
        raise RuleViolation(_("事项不能为空。"))
    if not owner:
        raise RuleViolation(_("责任人不能为空。"))
    for text in (title, owner):
        if "\x00" in text:
            raise RuleViolation(_("输入中含有不允许的空字符（NUL）。"))
    return title[:200], owner[:60]


def add_item(
    actor: Any,
    *,
    campaign: Campaign,
    unit: Unit,
    kind: str,
    title: str,
    owner: str,
    due_date: dt.date | None = None,
    status: str = ItemStatus.PLANNED,
) -> ListItem:
    """Adds a plain item to the study or innovation list of ``unit`` in ``campaign``."""
    scope.require(actor, KEEP_PERM, unit.path, _(NO_RIGHT))
    if not campaign.is_active:
        raise RuleViolation(_("活动「{campaign}」已结束，不能再添加清单事项。").format(campaign=campaign))
    title, owner = _clean(campaign, unit, kind, title, owner, status)
    item = ListItem(
        campaign=campaign,
        unit=unit,
        org_path=unit.path,
        kind=kind,
        title=title,
        owner=owner,
        due_date=due_date,
        status=status,
        created_by=actor,
    )
    with transaction.atomic():
        item.save()
        record_change(actor, item, None, detail=f"清单新增事项「{title}」"[:200])
    return item


def edit_item(actor: Any, item: ListItem, **changes: Any) -> ListItem:
    """Changes the title, owner, due date or status of a plain item (the kind and unit stay)."""
    allowed = {"title", "owner", "due_date", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise RuleViolation(_("不能修改：{fields}。").format(fields="、".join(sorted(unknown))))
    scope.require(actor, KEEP_PERM, item, _(NO_RIGHT))
    with transaction.atomic():
        try:
            fresh = ListItem.objects.select_for_update().select_related("campaign__unit", "unit").get(pk=item.pk)
        except ListItem.DoesNotExist as exc:
            raise Conflict(_("该事项已被删除。")) from exc
        scope.require(actor, KEEP_PERM, fresh, _(NO_RIGHT))
        before = snapshot(fresh)
        for name, value in changes.items():
            setattr(fresh, name, value)
        fresh.title, fresh.owner = _clean(
            fresh.campaign, fresh.unit, fresh.kind, fresh.title, fresh.owner, fresh.status
        )
        fresh.save()
        record_change(actor, fresh, before, detail=f"清单修改事项「{fresh.title}」"[:200])
    return fresh


def delete_item(actor: Any, item: ListItem) -> None:
    """Deletes a plain item; the audit record keeps what it was."""
    scope.require(actor, KEEP_PERM, item, _(NO_RIGHT))
    with transaction.atomic():
        fresh = ListItem.objects.select_for_update().filter(pk=item.pk).first()
        if fresh is None:
            return
        scope.require(actor, KEEP_PERM, fresh, _(NO_RIGHT))
        before = snapshot(fresh)
        record(Action.DELETE, actor=actor, obj=fresh, before=before, detail=f"清单删除事项「{fresh.title}」"[:200])
        fresh.delete()


def mark_task(actor: Any, task: Task, innovation: bool) -> Task:
    """Marks a key task as an innovation measure (创新举措) or unmarks it; ``MANAGE_TASKS`` over its issuing unit."""
    message = _("您无权修改该重点任务。")
    scope.require(actor, Perm.MANAGE_TASKS, task, message)
    with transaction.atomic():
        fresh = Task.objects.select_for_update().get(pk=task.pk)
        scope.require(actor, Perm.MANAGE_TASKS, fresh, message)
        if fresh.is_innovation == innovation:
            return fresh
        before = snapshot(fresh)
        fresh.is_innovation = innovation
        fresh.version += 1
        fresh.save(update_fields=["is_innovation", "version", "updated_at"])
        record_change(actor, fresh, before, detail="标记创新举措" if innovation else "取消创新举措")
    return fresh


def mark_measure(actor: Any, measure: Measure, innovation: bool) -> Measure:
    """Marks a rectification measure as an innovation measure (创新举措) or unmarks it; ``MANAGE_MEASURES``."""
    message = _("您无权修改该整改措施。")
    scope.require(actor, Perm.MANAGE_MEASURES, measure, message)
    with transaction.atomic():
        fresh = Measure.objects.select_for_update().get(pk=measure.pk)
        scope.require(actor, Perm.MANAGE_MEASURES, fresh, message)
        if fresh.is_innovation == innovation:
            return fresh
        before = snapshot(fresh)
        fresh.is_innovation = innovation
        fresh.version += 1
        fresh.save(update_fields=["is_innovation", "version", "updated_at"])
        record_change(actor, fresh, before, detail="标记创新举措" if innovation else "取消创新举措")
    return fresh


def require_keeper(user: Any, unit: Unit) -> None:
    if not can_keep(user, unit):
        raise NotAllowed(_(NO_RIGHT))
