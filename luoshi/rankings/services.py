"""Every write of rankings: schemes (排名方案) and publishing (发布). Each checks scope first and is audited."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.paths import is_within
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind, Notification
from luoshi.orgs.models import Unit, UnitKind
from luoshi.rankings import queries
from luoshi.rankings.choices import DEFAULT_HIGHLIGHT, MAX_HIGHLIGHT, MEASURE_KEYS, Cycle, Measure, UnitsMode
from luoshi.rankings.models import Ranking, RankingMember, RankingScheme
from luoshi.rankings.periods import Period

WEIGHT_TOTAL = Decimal(100)


def clean_weights(weights: Mapping[str, Any]) -> dict[str, float]:
    """The weights of the four measures as numbers from 0 to 100 summing to 100; a clear RuleViolation otherwise.
    A measure left out or weighted 0 is not used."""
    labels = dict(Measure.choices)
    unknown = sorted(set(weights) - set(MEASURE_KEYS))
    if unknown:
        raise RuleViolation(_("未知的指标：{keys}。").format(keys="、".join(unknown)), code="bad_weights")
    found: dict[str, Decimal] = {}
    for key in MEASURE_KEYS:
        raw = weights.get(key)
        try:
            value = Decimal(str(raw if raw not in (None, "") else 0))
        except (InvalidOperation, ValueError):
            value = Decimal(-1)
        if not value.is_finite() or not Decimal(0) <= value <= WEIGHT_TOTAL:
            message = _("“{label}”的权重须为 0 到 100 之间的数。").format(label=labels[key])
            raise RuleViolation(message, code="bad_weights")
        found[key] = value
    total = sum(found.values(), Decimal(0))
    if total != WEIGHT_TOTAL:
        message = _("各项指标的权重之和须为 100，现为 {total}。").format(total=f"{total.normalize():f}")
        raise RuleViolation(message, code="bad_weights")
    return {key: float(value) for key, value in found.items()}


def _check_scheme(
    actor: Any, campaign: Campaign, unit: Unit, mode: str, kind: UnitKind | None, cycle: str, highlight: int
) -> None:
    scope.require(actor, Perm.PUBLISH_RANKING, unit.path, _("您无权为该单位设置排名方案。"))
    if not is_within(unit.path, campaign.unit.path):
        raise RuleViolation(_("根单位须是活动牵头单位或其下级单位。"), code="bad_root")
    if mode not in UnitsMode.values:
        raise RuleViolation(_("排名对象无效。"), code="bad_mode")
    if mode == UnitsMode.KIND and kind is None:
        raise RuleViolation(_("按单位类型排名时须选择单位类型。"), code="bad_mode")
    if cycle not in Cycle.values:
        raise RuleViolation(_("排名周期无效。"), code="bad_cycle")
    if not 1 <= int(highlight) <= MAX_HIGHLIGHT:
        message = _("红黑榜名额须在 1 到 {most} 之间。").format(most=MAX_HIGHLIGHT)
        raise RuleViolation(message, code="bad_highlight")


@transaction.atomic
def create_scheme(
    actor: Any,
    *,
    campaign: Campaign,
    name: str,
    unit: Unit,
    weights: Mapping[str, Any],
    mode: str = UnitsMode.CHILDREN,
    kind: UnitKind | None = None,
    cycle: str = Cycle.MONTHLY,
    highlight: int = DEFAULT_HIGHLIGHT,
) -> RankingScheme:
    """新建排名方案 for ``campaign``, rooted at ``unit`` (the office's own unit or one below it)."""
    _check_scheme(actor, campaign, unit, mode, kind, cycle, highlight)
    scheme = RankingScheme.objects.create(
        campaign=campaign,
        name=name.strip() or _("晾晒排名"),
        unit=unit,
        org_path=unit.path,
        mode=mode,
        kind=kind if mode == UnitsMode.KIND else None,
        cycle=cycle,
        weights=clean_weights(weights),
        highlight=int(highlight),
        created_by=actor,
    )
    record_change(actor, scheme, None)
    return scheme


@transaction.atomic
def update_scheme(
    actor: Any,
    scheme: RankingScheme,
    *,
    version: int | None,
    name: str,
    unit: Unit,
    weights: Mapping[str, Any],
    mode: str = UnitsMode.CHILDREN,
    kind: UnitKind | None = None,
    cycle: str = Cycle.MONTHLY,
    highlight: int = DEFAULT_HIGHLIGHT,
) -> RankingScheme:
    """修改排名方案; published rankings keep what they were published with."""
    scope.require(actor, Perm.PUBLISH_RANKING, scheme, _("您无权修改该排名方案。"))
    locked = RankingScheme.objects.select_for_update().select_related("campaign__unit").get(pk=scheme.pk)
    if version is not None and version != locked.version:
        raise Conflict(_("该方案已被他人修改，请刷新后重试。"))
    _check_scheme(actor, locked.campaign, unit, mode, kind, cycle, highlight)
    if locked.rankings.exists() and (unit.pk != locked.unit_id or cycle != locked.cycle):
        raise RuleViolation(_("方案已发布过排名，不能再修改根单位或排名周期；请新建方案。"), code="published")
    before = snapshot(locked)
    locked.name = name.strip() or locked.name
    locked.unit, locked.org_path = unit, unit.path
    locked.mode, locked.kind = mode, kind if mode == UnitsMode.KIND else None
    locked.cycle, locked.highlight = cycle, int(highlight)
    locked.weights = clean_weights(weights)
    locked.version += 1
    locked.save()
    record_change(actor, locked, before)
    return locked


def _notices(ranking: Ranking) -> list[Notification]:
    """One notice per user of each ranked unit, telling the unit's own place."""
    rows = {row["unit_id"]: row for row in ranking.rows}
    users = notices.users_of_units(list(rows), Perm.VIEW)
    title = _("晾晒排名已发布：{name}（{period}）").format(name=ranking.scheme.name, period=ranking.period_key)
    url = reverse("rankings:detail", args=[ranking.pk])
    built: list[Notification] = []
    for unit_id, user_ids in users.items():
        row = rows[unit_id]
        if row["rank"] is None:
            body = _("{unit}本期无数据，未参加排名。").format(unit=row["unit_name"])
        else:
            body = _("{unit}本期第 {rank} 名（共 {count} 个单位）。").format(
                unit=row["unit_name"], rank=row["rank"], count=len(rows)
            )
            if row["flagged"]:
                body += _("已连续两期排名末位。")
        built += notices.build(user_ids, kind=NoticeKind.RANKING, title=title, body=body, url=url, obj=ranking)
    return built


@transaction.atomic
def publish(
    actor: Any,
    scheme: RankingScheme,
    *,
    period: Period,
    expected_hash: str = "",
    supersedes: Ranking | None = None,
    reason: str = "",
) -> Ranking:
    """发布 the ranking of ``period``: computed now, frozen with its SHA-256, never changed afterwards.

    ``expected_hash`` is the hash of the draft the office previewed: if the data changed since, nothing is
    published (Conflict). A period already published is corrected only by superseding it, with a reason."""
    scope.require(actor, Perm.PUBLISH_RANKING, scheme, _("您无权发布该方案的排名。"))
    locked = RankingScheme.objects.select_for_update().select_related("campaign", "unit").get(pk=scheme.pk)
    if period.start > timezone.localdate():
        raise RuleViolation(_("该期次尚未开始，不能发布排名。"), code="future_period")
    reason = reason.strip()
    current = queries.current_for(locked, period)
    if supersedes is not None:
        if supersedes.scheme_id != locked.pk or supersedes.period_key != period.key:
            raise RuleViolation(_("更正版须与被更正的排名属于同一方案、同一期次。"), code="bad_correction")
        if current is None or current.pk != supersedes.pk:
            raise RuleViolation(_("该排名已被更正，请更正最新的版本。"), code="bad_correction")
        if not reason:
            raise RuleViolation(_("发布更正版须填写更正理由。"), code="reason_required")
    elif current is not None:
        raise RuleViolation(_("该期次的排名已发布；如需更正，请在排名页面发布更正版。"), code="already_published")
    found = queries.draft(locked, period)
    if expected_hash and found.hash != expected_hash:
        raise Conflict(_("预览后数据已有变化，请重新预览后再发布。"))
    if not found.rows:
        raise RuleViolation(_("没有可排名的单位。"), code="no_units")
    content = {**found.content, "supersedes": supersedes.pk if supersedes else None, "reason": reason}
    ranking = Ranking.objects.create(
        scheme=locked,
        campaign=locked.campaign,
        org_path=locked.org_path,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        content=content,
        content_hash=queries.content_hash(content),
        supersedes=supersedes,
        reason=reason,
        published_by=actor,
        published_at=timezone.now(),
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[row["unit_id"] for row in found.rows])}
    RankingMember.objects.bulk_create(
        RankingMember(ranking=ranking, unit=units[row["unit_id"]], org_path=units[row["unit_id"]].path)
        for row in found.rows
    )
    detail = _("发布更正版排名") if supersedes else _("发布排名")
    record(
        Action.CREATE,
        actor=actor,
        obj=ranking,
        detail=f"{detail} {locked.name} {period.key}",
        after={
            "scheme": locked.pk,
            "period": period.key,
            "content_hash": ranking.content_hash,
            "rows": len(found.rows),
            "supersedes": supersedes.pk if supersedes else None,
            "reason": reason,
        },
    )
    notices.send_later(lambda: _notices(ranking))
    return ranking
