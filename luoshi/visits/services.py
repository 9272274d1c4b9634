"""Writes of the visit calendar (走访报备): filing a visit against the pile-up rules, cancelling, recording."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.orgs.models import Unit
from luoshi.visits.choices import RuleAction, RuleKind, VisitState
from luoshi.visits.models import Visit, VisitRule
from luoshi.visits.rules import RuleHit, check_visit, rules_for

KINDS = ("hears", "looks", "checks", "talks")
MAX_HEADCOUNT = 999
MAX_REASON = 1000
MAX_LIMIT = 9999
MAX_WINDOW = 3660
WINDOWED = (RuleKind.UNIT_WINDOW, RuleKind.UNIT_YEAR)
RULE_FIELDS = ("limit", "window_days", "action", "enabled")


class VisitRefused(RuleViolation):
    """The visit trips a rule: ``hits`` says which. ``code`` is ``blocked`` when a rule forbids it outright and
    ``needs_reason`` when only warnings stand and no reason was given to go past them."""

    def __init__(self, message: str, hits: list[RuleHit], code: str):
        super().__init__(message, code=code)
        self.hits = hits


def _check_fields(campaign: Campaign, unit: Unit, day: dt.date, headcount: int, team: str, kinds: set[str]) -> None:
    if not 1 <= headcount <= MAX_HEADCOUNT:
        raise RuleViolation(_("走访人数应在 1 到 {most} 之间。").format(most=MAX_HEADCOUNT), code="headcount")
    if not team.strip():
        raise RuleViolation(_("请填写走访人员。"), code="team")
    if not kinds or not kinds <= set(KINDS):
        raise RuleViolation(_("请选择走访方式（听、看、查、访）。"), code="kinds")
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise RuleViolation(_("走访日期应在活动期间内。"), code="date")


def _judge(hits: list[RuleHit], override_reason: str) -> None:
    if any(hit.blocks for hit in hits):
        raise VisitRefused(_("该走访超过报备规则的上限，不能报备。"), hits, code="blocked")
    if hits and not override_reason.strip():
        raise VisitRefused(_("该走访触发报备提醒，如仍需走访请填写理由。"), hits, code="needs_reason")
    if len(override_reason) > MAX_REASON:
        raise RuleViolation(_("理由不能超过 {most} 字。").format(most=MAX_REASON), code="override_reason")


def file_visit(
    actor: Any,
    *,
    campaign: Campaign,
    unit: Unit,
    date: dt.date,
    headcount: int,
    team: str,
    organiser: str,
    organiser_key: str = "",
    kinds: Iterable[str] = (),
    purpose: str = "",
    override_reason: str = "",
) -> Visit:
    """报备走访: checked against the campaign's rules; a warning needs ``override_reason`` (kept and audited), a
    blocking rule refuses. Filings to one unit are serialised by locking the unit's row."""
    scope.require(actor, Perm.FILE_VISIT, unit.path, _("您无权报备走访该单位。"))
    chosen = set(kinds)
    _check_fields(campaign, unit, date, headcount, team, chosen)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        hits = check_visit(campaign, unit, date, headcount, organiser_key)
        _judge(hits, override_reason)
        visit = Visit.objects.create(
            campaign=campaign,
            unit=unit,
            org_path=unit.path,
            date=date,
            headcount=headcount,
            team=team.strip(),
            organiser=organiser.strip()[:200],
            organiser_key=organiser_key,
            purpose=purpose.strip(),
            warnings=[hit.as_dict() for hit in hits],
            override_reason=override_reason.strip() if hits else "",
            filed_by=actor,
            **{kind: kind in chosen for kind in KINDS},
        )
        detail = _("走访报备，触发提醒后仍报备：{reason}").format(reason=visit.override_reason) if hits else ""
        record_change(actor, visit, None, detail=detail or _("走访报备"))
    return visit


def cancel_visit(actor: Any, visit: Visit, reason: str = "") -> Visit:
    """取消走访: by whoever may file visits to the unit; a recorded visit cannot be cancelled."""
    scope.require(actor, Perm.FILE_VISIT, visit.org_path, _("您无权取消该走访。"))
    with transaction.atomic():
        fresh = Visit.objects.select_for_update().get(pk=visit.pk)
        if fresh.state != VisitState.PLANNED:
            raise RuleViolation(_("只有已报备、尚未走访的走访可以取消。"), code="state")
        before = snapshot(fresh)
        fresh.state = VisitState.CANCELLED
        fresh.save(update_fields=["state", "updated_at"])
        record_change(actor, fresh, before, detail=_("取消走访：{reason}").format(reason=reason.strip()))
    return fresh


def mark_recorded(actor: Any, visit: Visit) -> Visit:
    """The visit took place (已走访); called by the mechanism that records what was seen, inside its transaction."""
    scope.require(actor, Perm.FILE_VISIT, visit.org_path, _("您无权记录该走访。"))
    if visit.state == VisitState.CANCELLED:
        raise RuleViolation(_("该走访已取消。"), code="state")
    if visit.state != VisitState.RECORDED:
        before = snapshot(visit)
        visit.state = VisitState.RECORDED
        visit.save(update_fields=["state", "updated_at"])
        record_change(actor, visit, before, detail=_("已走访"))
    return visit


def preview_visit(
    actor: Any, *, campaign: Campaign, unit: Unit, date: dt.date, headcount: int, organiser_key: str = ""
) -> list[RuleHit]:
    """试报备 (a dry run): the rules a visit would trip, for whoever may file visits to the unit; nothing is written."""
    scope.require(actor, Perm.FILE_VISIT, unit.path, _("您无权报备走访该单位。"))
    if not 1 <= headcount <= MAX_HEADCOUNT:
        raise RuleViolation(_("走访人数应在 1 到 {most} 之间。").format(most=MAX_HEADCOUNT), code="headcount")
    if not campaign.starts_on <= date <= campaign.ends_on:
        raise RuleViolation(_("走访日期应在活动期间内。"), code="date")
    return check_visit(campaign, unit, date, headcount, organiser_key)


def _clean_rule(rule: VisitRule, row: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields as ``row`` sets them; what it leaves out keeps its current value."""
    unknown = set(row) - {*RULE_FIELDS, "kind"}
    if unknown:
        raise RuleViolation(_("未知的规则项：{names}").format(names="、".join(sorted(unknown))), code="rules")
    label, kind = RuleKind(rule.kind).label, rule.kind
    try:
        limit = int(row.get("limit", rule.limit))
        window = int(row.get("window_days", rule.window_days) or 0)
    except (TypeError, ValueError):
        raise RuleViolation(_("「{rule}」的限值和天数须为整数。").format(rule=label), code="rules") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise RuleViolation(
            _("「{rule}」的限值应在 1 到 {most} 之间。").format(rule=label, most=MAX_LIMIT), code="rules"
        )
    if kind in WINDOWED and not 1 <= window <= MAX_WINDOW:
        raise RuleViolation(
            _("「{rule}」的统计天数应在 1 到 {most} 之间。").format(rule=label, most=MAX_WINDOW), code="rules"
        )
    action = row.get("action", rule.action)
    if action not in RuleAction.values:
        raise RuleViolation(_("「{rule}」的处理方式无效。").format(rule=label), code="rules")
    enabled = row.get("enabled", rule.enabled)
    if not isinstance(enabled, bool):
        raise RuleViolation(_("「{rule}」的启用项须为是或否。").format(rule=label), code="rules")
    return {"limit": limit, "window_days": window if kind in WINDOWED else 0, "action": action, "enabled": enabled}


def save_rules(actor: Any, campaign: Campaign, rows: Iterable[dict[str, Any]]) -> list[VisitRule]:
    """The campaign office sets the pile-up rules (报备规则): per kind its limit, window, warn or block, enabled.
    Kinds left out keep what they had; each changed rule is audited. Returns the campaign's four rules."""
    scope.require(actor, Perm.MANAGE_CAMPAIGN, campaign.unit.path, _("只有活动办公室可以设置走访报备规则。"))
    current = {rule.kind: rule for rule in rules_for(campaign)}
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = row.get("kind")
        if kind not in RuleKind.values:
            raise RuleViolation(_("未知的规则：{kind}").format(kind=str(kind)[:40]), code="rules")
        if kind in wanted:
            raise RuleViolation(_("规则「{rule}」重复。").format(rule=RuleKind(kind).label), code="rules")
        wanted[kind] = _clean_rule(current[kind], row)
    with transaction.atomic():
        for kind, fields in wanted.items():
            rule = current[kind]
            before = snapshot(rule) if rule.pk else None
            if rule.pk and all(getattr(rule, name) == value for name, value in fields.items()):
                continue
            for name, value in fields.items():
                setattr(rule, name, value)
            rule.save()
            record_change(actor, rule, before, detail=_("走访报备规则：{rule}").format(rule=rule.get_kind_display()))
    return rules_for(campaign)
