"""Setting up a campaign (活动): the campaign itself, its phases, problem channels and aspects.

Every function checks that the actor may manage the campaign on its lead unit, runs in one
transaction and writes an audit record of what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import DEFAULT_CHANNELS, Aspect, Campaign, Channel, Phase
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.i18n import record_text
from luoshi.orgs.models import Unit

EDITABLE_FIELDS = ("name", "starts_on", "ends_on", "description", "yellow_days", "is_active")
MAX_YELLOW_DAYS = 90

SetupItem = Channel | Aspect | Phase
SetupModel = type[Channel] | type[Aspect] | type[Phase]
ITEM_LABELS: dict[type[models.Model], str | Promise] = {
    Channel: pgettext_lazy("noun in a sentence", "问题来源"),
    Aspect: pgettext_lazy("noun in a sentence", "问题方面"),
    Phase: pgettext_lazy("noun in a sentence", "阶段"),
}


def can_manage(user: Any, campaign: Campaign) -> bool:
    return scope.can(user, Perm.MANAGE_CAMPAIGN, campaign.unit.path)


def _require_manage(actor: Any, campaign: Campaign) -> None:
    scope.require(
        actor, Perm.MANAGE_CAMPAIGN, campaign.unit.path, _("您无权管理该活动，须由牵头单位的活动办公室设置。")
    )


def _max_length(model: type[models.Model], field: str) -> int:
    return getattr(model._meta.get_field(field), "max_length", None) or 0


def _check_campaign(name: str, starts_on: date, ends_on: date, yellow_days: int) -> None:
    if not name.strip():
        raise RuleViolation(_("活动名称不能为空。"))
    if len(name.strip()) > _max_length(Campaign, "name"):
        raise RuleViolation(_("活动名称不能超过 {max_length} 个字。").format(max_length=_max_length(Campaign, "name")))
    if ends_on < starts_on:
        raise RuleViolation(_("结束日期不能早于开始日期。"))
    if not 0 <= yellow_days <= MAX_YELLOW_DAYS:
        raise RuleViolation(_("临期预警天数须在 0 到 {max_yellow_days} 之间。").format(max_yellow_days=MAX_YELLOW_DAYS))


def _names(values: Iterable[str]) -> list[str]:
    """Non-empty names in order, duplicates dropped."""
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def create_campaign(
    actor: Any,
    *,
    unit: Unit,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    yellow_days: int = 3,
    channels: Iterable[str] = DEFAULT_CHANNELS,
    aspects: Iterable[str] = (),
) -> Campaign:
    """新建活动 led by ``unit``, with the default problem channels unless others are given."""
    scope.require(actor, Perm.MANAGE_CAMPAIGN, unit.path, _("您无权以该单位名义新建活动。"))
    _check_campaign(name, starts_on, ends_on, yellow_days)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            unit=unit,
            name=name.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            description=description.strip(),
            yellow_days=yellow_days,
        )
        record_change(actor, campaign, None)
        initial: tuple[tuple[type[Channel] | type[Aspect], Iterable[str]], ...] = (
            (Channel, channels),
            (Aspect, aspects),
        )
        for model, names in initial:
            for order, item_name in enumerate(_names(names)):
                _check_name(model, campaign, item_name)
                item = model.objects.create(campaign=campaign, name=item_name, order=order)
                record_change(actor, item, None)
    return campaign


def _check_phase_dates(campaign: Campaign, phase_name: str, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise RuleViolation(_("阶段「{phase_name}」的结束日期不能早于开始日期。").format(phase_name=phase_name))
    if starts_on < campaign.starts_on or ends_on > campaign.ends_on:
        span = _("{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}").format(
            starts_on=campaign.starts_on, ends_on=campaign.ends_on
        )
        raise RuleViolation(
            _("阶段「{phase_name}」须在活动起止日期（{span}）之内。").format(phase_name=phase_name, span=span)
        )


def update_campaign(actor: Any, campaign: Campaign, version: int, **changes: Any) -> Campaign:
    """修改活动 with optimistic locking; the lead unit cannot change once problems hang off it."""
    _require_manage(actor, campaign)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(_("字段 {fields} 不可修改。").format(fields=", ".join(sorted(unknown))))
    with transaction.atomic():
        fresh = Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)
        if fresh.version != version:
            raise Conflict(_("该活动已被他人修改，请刷新页面后重试。"))
        before = snapshot(fresh)
        for field, value in changes.items():
            setattr(fresh, field, value.strip() if isinstance(value, str) else value)
        _check_campaign(fresh.name, fresh.starts_on, fresh.ends_on, fresh.yellow_days)
        for phase in fresh.phases.all():
            _check_phase_dates(fresh, phase.name, phase.starts_on, phase.ends_on)
        fresh.version += 1
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


def _check_name(model: SetupModel, campaign: Campaign, name: str, exclude_pk: int | None = None) -> str:
    label = ITEM_LABELS[model]
    name = name.strip()
    if not name:
        raise RuleViolation(_("{label}名称不能为空。").format(label=label))
    max_length = _max_length(model, "name")
    if len(name) > max_length:
        raise RuleViolation(_("{label}名称不能超过 {max_length} 个字。").format(label=label, max_length=max_length))
    clash = model.objects.filter(campaign=campaign, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleViolation(_("本活动已有名为「{name}」的{label}。").format(name=name, label=label))
    return name


def _locked_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)


def add_item(
    actor: Any,
    campaign: Campaign,
    model: SetupModel,
    *,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> SetupItem:
    """新增问题来源、问题方面或阶段, placed last; a phase needs its dates."""
    _require_manage(actor, campaign)
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        name = _check_name(model, campaign, name)
        extra: dict[str, Any] = {}
        if model is Phase:
            if starts_on is None or ends_on is None:
                raise RuleViolation(_("请填写阶段的开始和结束日期。"))
            _check_phase_dates(campaign, name, starts_on, ends_on)
            extra = {"starts_on": starts_on, "ends_on": ends_on}
        last = model.objects.filter(campaign=campaign).aggregate(last=Max("order"))["last"]
        item = model.objects.create(campaign=campaign, name=name, order=0 if last is None else last + 1, **extra)
        record_change(actor, item, None)
    return item


def rename_item(actor: Any, item: SetupItem, name: str) -> SetupItem:
    """改名: problems keep pointing at the same channel or aspect under its new name."""
    _require_manage(actor, item.campaign)
    with transaction.atomic():
        fresh = type(item).objects.select_for_update().get(pk=item.pk)
        before = snapshot(fresh)
        fresh.name = _check_name(type(item), item.campaign, name, exclude_pk=item.pk)
        fresh.save(update_fields=["name"])
        record_change(actor, fresh, before)
    return fresh


def update_phase(actor: Any, phase: Phase, *, name: str, starts_on: date, ends_on: date) -> Phase:
    """修改阶段: name and dates, within the campaign's dates."""
    _require_manage(actor, phase.campaign)
    with transaction.atomic():
        fresh = Phase.objects.select_for_update().get(pk=phase.pk)
        before = snapshot(fresh)
        fresh.name = _check_name(Phase, phase.campaign, name, exclude_pk=phase.pk)
        _check_phase_dates(phase.campaign, fresh.name, starts_on, ends_on)
        fresh.starts_on, fresh.ends_on = starts_on, ends_on
        fresh.save()
        record_change(actor, fresh, before)
    return fresh


def reorder_items(actor: Any, campaign: Campaign, model: SetupModel, ordered_ids: Sequence[int]) -> None:
    """调整顺序: ``ordered_ids`` must list every item of that kind exactly once."""
    _require_manage(actor, campaign)
    with transaction.atomic():
        campaign = _locked_campaign(campaign)
        items = {item.pk: item for item in model.objects.filter(campaign=campaign)}
        if sorted(ordered_ids) != sorted(items):
            raise RuleViolation(_("{label}列表已变化，请刷新页面后重试。").format(label=ITEM_LABELS[model]))
        for order, pk in enumerate(ordered_ids):
            item = items[pk]
            if item.order != order:
                before = snapshot(item)
                item.order = order
                item.save(update_fields=["order"])
                record_change(actor, item, before, detail="调整顺序")


def move_item(actor: Any, item: SetupItem, offset: int) -> None:
    """Move one item up (``-1``) or down (``+1``) in its list."""
    model = type(item)
    ids = list(model.objects.filter(campaign=item.campaign).values_list("pk", flat=True))
    position = ids.index(item.pk)
    target = max(0, min(len(ids) - 1, position + offset))
    ids.insert(target, ids.pop(position))
    reorder_items(actor, item.campaign, model, ids)


def remove_item(actor: Any, item: SetupItem) -> None:
    """删除问题来源、问题方面或阶段, only while nothing uses it."""
    _require_manage(actor, item.campaign)
    label = ITEM_LABELS[type(item)]
    with transaction.atomic():
        before = snapshot(item)
        try:
            item.delete()
        except models.ProtectedError as exc:
            raise RuleViolation(
                _("{label}「{name}」已被 {count} 条记录（如问题清单）使用，不能删除；可以改名或调整顺序。").format(
                    label=label, name=item.name, count=len(exc.protected_objects)
                ),
                code="in_use",
            ) from exc
        record(
            Action.DELETE,
            actor=actor,
            object_type=item._meta.label_lower,
            object_id=str(before["id"]),
            object_repr=item.name,
            before=before,
            detail="删除" + record_text(label),
        )
