"""The only code that writes urges: urging open items (提醒 → 催办 → 督办) and acknowledging them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.urging.models import LADDER, MESSAGE_MAX, Urge, UrgeLevel
from luoshi.urging.registry import Urgeable, spec_for

MAX_ITEMS = 500


def _spec(label: str) -> Urgeable:
    spec = spec_for(label)
    if spec is None:
        raise RuleViolation(_("这类事项不能催办。"))
    return spec


def _clean_message(message: str) -> str:
    text = (message or "").strip()
    if not text:
        raise RuleViolation(_("请填写催办内容。"))
    if len(text) > MESSAGE_MAX:
        raise RuleViolation(_("催办内容不能超过 {n} 个字。").format(n=MESSAGE_MAX))
    return text


def _clean_level(level: str) -> str:
    if level not in UrgeLevel.values:
        raise RuleViolation(_("催办级别无效。"))
    return level


def _check(actor: User, spec: Urgeable, item: Any) -> None:
    scope.require(actor, Perm.URGE, item, _("您无权催办「{item}」。").format(item=spec.title(item)))
    if not spec.is_open(item):
        raise RuleViolation(_("「{item}」已办结，无需催办。").format(item=spec.title(item)))
    if spec.unit(item) is None:
        raise RuleViolation(_("「{item}」尚无责任单位，无法催办。").format(item=spec.title(item)))


def urge(actor: User, items: Sequence[Any], *, message: str, level: str = UrgeLevel.URGE) -> list[Urge]:
    """Urge the owner units of ``items`` (all of one registered kind, each open and in the actor's
    Perm.URGE scope, or nothing is written); one urge per item, audited, its unit's users notified."""
    if not items:
        return []
    if len(items) > MAX_ITEMS:
        raise RuleViolation(_("一次最多催办 {n} 项。").format(n=MAX_ITEMS))
    text, level = _clean_message(message), _clean_level(level)
    spec = _spec(items[0]._meta.label_lower)
    for item in items:
        if spec_for(item) is not spec:
            raise RuleViolation(_("一次只能催办同一类事项。"))
        _check(actor, spec, item)
    rows = [
        Urge(
            object_type=spec.label,
            object_id=item.pk,
            title=spec.title(item)[:200],
            url=spec.url(item)[:500],
            unit_id=spec.unit(item) or 0,
            org_path=item.org_path,
            level=level,
            message=text,
            created_by=actor,
        )
        for item in items
    ]
    with transaction.atomic():
        made = Urge.objects.bulk_create(rows)
        for row in made:
            detail = _("{level}：{title}").format(level=row.get_level_display(), title=row.title)
            record(Action.CREATE, actor=actor, obj=row, detail=detail[:200], after={"level": level, "message": text})
        notices.send_later(lambda: _notices(spec, made))
    return made


def _notices(spec: Urgeable, urges: list[Urge]) -> list[Any]:
    """To each urged unit's users who acknowledge urges and act on this kind of item."""
    units = {u.unit_id for u in urges}
    acknowledging = notices.users_of_units(units, Perm.ACKNOWLEDGE_URGE)
    acting = notices.users_of_units(units, spec.audience)
    rows = []
    for u in urges:
        title = _("【{level}】{title}").format(level=u.get_level_display(), title=u.title)
        to = [pk for pk in acknowledging.get(u.unit_id, []) if pk in acting.get(u.unit_id, [])]
        rows += notices.build(to, kind=NoticeKind.URGED, title=title, body=u.message, url=f"/urging/{u.pk}/", obj=u)
    return rows


def load(actor: User, label: str, ids: Iterable[int]) -> list[Any]:
    """The items of kind ``label`` with these ids that the actor sees (others silently left out)."""
    spec = _spec(label)
    wanted = sorted({int(i) for i in ids})[: MAX_ITEMS + 1]
    queryset = spec.model._default_manager.filter(pk__in=wanted).select_related(*spec.related)
    return list(queryset.filter(scope.visible_q(actor, Perm.VIEW)).order_by("pk"))


def urge_ids(actor: User, label: str, ids: Iterable[int], *, message: str, level: str) -> list[Urge]:
    """Urge the items of kind ``label`` with these ids; ids out of the actor's sight are not found."""
    items = load(actor, label, ids)
    if not items:
        raise RuleViolation(_("没有找到可催办的事项。"))
    return urge(actor, items, message=message, level=level)


def acknowledge(actor: User, urge: Urge, reply: str = "") -> Urge:
    """The owner unit acknowledges an urge (签收), once, with an optional reply."""
    scope.require(actor, Perm.ACKNOWLEDGE_URGE, urge, _("您无权签收这条催办。"))
    with transaction.atomic():
        fresh = Urge.objects.select_for_update().get(pk=urge.pk)
        if fresh.acknowledged_at is not None:
            raise RuleViolation(_("这条催办已签收。"))
        fresh.acknowledged_at, fresh.acknowledged_by, fresh.reply = timezone.now(), actor, (reply or "").strip()[:500]
        fresh.save(update_fields=["acknowledged_at", "acknowledged_by", "reply"])
        record(Action.TRANSITION, actor=actor, obj=fresh, detail=_("签收催办"), after={"reply": fresh.reply})
    return fresh


def visible(user: User) -> models.QuerySet[Urge]:
    """Urges the user may see: those on units in their sight (the office's, and a unit's own)."""
    return Urge.objects.filter(scope.visible_q(user, Perm.VIEW) | scope.visible_q(user, Perm.VIEW_DEMANDS))


def to_acknowledge(user: User) -> models.QuerySet[Urge]:
    """Urges waiting for this user's acknowledgement."""
    return Urge.objects.filter(scope.visible_q(user, Perm.ACKNOWLEDGE_URGE), acknowledged_at__isnull=True)


def counts(label: str, ids: Iterable[int]) -> dict[int, int]:
    """How often each item was urged."""
    rows = Urge.objects.filter(object_type=label, object_id__in=list(ids))
    return dict(rows.values_list("object_id").annotate(n=Count("id")).values_list("object_id", "n"))


def count_for(item: models.Model) -> int:
    return counts(item._meta.label_lower, [item.pk]).get(item.pk, 0)


def next_level(label: str, ids: Iterable[int]) -> str:
    """The ladder's next step for these items: one above the highest level any of them was urged at."""
    levels = set(Urge.objects.filter(object_type=label, object_id__in=list(ids)).values_list("level", flat=True))
    reached = max((LADDER.index(UrgeLevel(level)) for level in levels), default=-1)
    return LADDER[min(reached + 1, len(LADDER) - 1)]


def supervised_units(user: User) -> list[dict[str, Any]]:
    """The 督办 board: units with unacknowledged 督办 urges in the user's sight, most first."""
    rows = (
        visible(user)
        .filter(level=UrgeLevel.SUPERVISE, acknowledged_at__isnull=True)
        .values("unit_id", "unit__name")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by("-n", "unit__name")
    )
    return [{"unit_id": r["unit_id"], "unit": r["unit__name"], "count": r["n"], "last": r["last"]} for r in rows]


def require_reader(actor: User) -> None:
    """Only those who work on campaign data see urges (not the security admin or the auditor)."""
    if not (scope.has_perm_anywhere(actor, Perm.VIEW) or scope.has_perm_anywhere(actor, Perm.VIEW_DEMANDS)):
        raise NotAllowed(_("您没有查看催办的权限。"))


def require_urger(actor: User) -> None:
    if not scope.has_perm_anywhere(actor, Perm.URGE):
        raise NotAllowed(_("您无权催办。"))
