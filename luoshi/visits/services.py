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
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit
from luoshi.visits.rules import RuleHit, check_visit

KINDS = ("hears", "looks", "checks", "talks")
MAX_HEADCOUNT = 999
MAX_REASON = 1000


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
