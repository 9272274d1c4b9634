"""Reminder rules and the daily sweep: remind owners before and on the due day and every few days while overdue,
and escalate long-overdue work to the unit's responsible leaders and the campaign's office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role, roles_with
from luoshi.accounts.models import User
from luoshi.audit.services import record_change, snapshot
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind, Notification
from luoshi.orgs.models import Unit
from luoshi.reminders.models import ReminderRule, SweepRun
from luoshi.reminders.sources import SOURCES, DeadlineSource

BATCH = 5000
OVERDUE_HORIZON = 730  # days: work overdue longer than two years is not reminded every few days any more
RULE_FIELDS = ("enabled", "days_before", "on_due_day", "overdue_every", "escalate_after")

DUE_SOON, DUE_TODAY, OVERDUE, ESCALATE = "due_soon", "due_today", "overdue", "escalate"


def rule_for(campaign: Campaign | None) -> ReminderRule:
    """The campaign's rule, or the default one (3 days before, on the day, every 3 days overdue, escalate at 7)."""
    if campaign is not None:
        found = ReminderRule.objects.filter(campaign=campaign).first()
        if found is not None:
            return found
    return ReminderRule(campaign=campaign) if campaign is not None else ReminderRule()


def save_rule(actor: User, campaign: Campaign, **fields: Any) -> ReminderRule:
    """The campaign office sets its reminder rule; audited."""
    scope.require(actor, Perm.MANAGE_CAMPAIGN, campaign.unit.path, _("只有活动办公室可以设置到期提醒规则。"))
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise RuleViolation(_("未知的规则项：{names}").format(names="、".join(sorted(unknown))))
    rule = rule_for(campaign)
    before = snapshot(rule) if rule.pk else None
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.full_clean(exclude=["campaign", "updated_by"])
    rule.updated_by = actor
    with transaction.atomic():
        rule.save()
        record_change(actor, rule, before, detail=_("到期提醒规则"))
    return rule


def plan(rule: ReminderRule, today: dt.date) -> dict[dt.date, list[str]]:
    """For each due date, what today's sweep sends for work due then."""
    days: dict[dt.date, list[str]] = {}
    if not rule.enabled:
        return days
    days.setdefault(today + dt.timedelta(days=rule.days_before), []).append(DUE_SOON)
    if rule.on_due_day:
        days.setdefault(today, []).append(DUE_TODAY)
    for back in range(rule.overdue_every, OVERDUE_HORIZON + 1, rule.overdue_every):
        days.setdefault(today - dt.timedelta(days=back), []).append(OVERDUE)
    days.setdefault(today - dt.timedelta(days=rule.escalate_after), []).append(ESCALATE)
    return days


@dataclass(frozen=True)
class Hit:
    source: DeadlineSource
    pk: int
    unit_id: int
    due: dt.date
    title: str


def _hits(source: DeadlineSource, campaign_id: int | None, days: Iterable[dt.date]) -> Iterator[Hit]:
    """The open items of ``source`` due on one of ``days``, streamed."""
    rows = source.rows(campaign_id, list(days)).values_list("pk", source.unit, source.due, source.title_expression)
    for pk, unit_id, due, title in rows.order_by().iterator(chunk_size=BATCH):
        if unit_id is None:
            continue
        if isinstance(due, dt.datetime):
            due = timezone.localtime(due).date()
        yield Hit(source, pk, unit_id, due, title or "")


def _title_parts(
    kind: str, source: DeadlineSource, due: dt.date, today: dt.date, unit: str = ""
) -> tuple[str, str, str]:
    """The notice kind, and the title's text before and after the item's own title."""
    late, label = (today - due).days, source.label
    if kind == DUE_SOON:
        after = _("（{due:%m月%d日}到期）").format(due=due)
        return NoticeKind.DUE_SOON, _("【即将到期】{label}：").format(label=label), after
    if kind == DUE_TODAY:
        return NoticeKind.DUE_SOON, _("【今天到期】{label}：").format(label=label), ""
    if kind == OVERDUE:
        return NoticeKind.OVERDUE, _("【已逾期 {n} 天】{label}：").format(n=late, label=label), ""
    after = _("」已逾期 {n} 天").format(n=late)
    return NoticeKind.ESCALATED, _("【逾期升级】{unit}「{label}：").format(unit=unit, label=label), after


def _title(kind: str, hit: Hit, today: dt.date, unit_name: str = "") -> tuple[str, str]:
    notice_kind, before, after = _title_parts(kind, hit.source, hit.due, today, unit_name)
    return notice_kind, f"{before}{hit.title}{after}"


def _leaders(unit_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {pk: [] for pk in unit_ids}
    rows = RoleAssignment.objects.filter(unit_id__in=unit_ids, role=Role.LEADER, user__is_active=True)
    for unit_id, user_id in rows.values_list("unit_id", "user_id").distinct():
        found[unit_id].append(user_id)
    return found


def _notices(batch: list[tuple[str, Hit]], today: dt.date, office: list[int]) -> list[Notification]:
    units = {hit.unit_id for _kind, hit in batch}
    owners: dict[str, dict[int, list[int]]] = {}
    for audience in {hit.source.audience for _kind, hit in batch}:
        owners[audience] = notices.users_of_units(units, audience)
    escalated = {hit.unit_id for kind, hit in batch if kind == ESCALATE}
    leaders = _leaders(escalated) if escalated else {}
    names = dict(_unit_names(escalated))
    rows: list[Notification] = []
    for kind, hit in batch:
        notice_kind, title = _title(kind, hit, today, names.get(hit.unit_id, ""))
        to = [*leaders.get(hit.unit_id, []), *office] if kind == ESCALATE else owners[hit.source.audience][hit.unit_id]
        url = hit.source.url.format(pk=hit.pk)
        made = notices.build(to, kind=notice_kind, title=title, url=url)
        for row in made:
            row.object_type, row.object_id = hit.source.model._meta.label_lower, hit.pk
        rows += made
    return rows


def _unit_names(unit_ids: set[int]) -> Iterable[tuple[int, str]]:
    return Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name") if unit_ids else []


def _office_of(campaign: Campaign | None) -> list[int]:
    if campaign is None:
        return []
    return notices.users_of_unit(campaign.unit_id, Perm.MANAGE_CAMPAIGN)


def _remind_campaign(campaign: Campaign | None, today: dt.date, counts: dict[str, int]) -> None:
    """Send today's reminders for one campaign's work (``None``: the work tied to no campaign)."""
    schedule = plan(rule_for(campaign), today)
    if not schedule:
        return
    office = _office_of(campaign)
    for source in [s for s in SOURCES if (s.campaign is None) == (campaign is None)]:
        if source.due_is_datetime:
            _remind_row_by_row(source, campaign, schedule, today, counts, office)
        else:
            _remind_in_bulk(source, campaign, schedule, today, counts, office)


def _remind_row_by_row(
    source: DeadlineSource,
    campaign: Campaign | None,
    schedule: dict[dt.date, list[str]],
    today: dt.date,
    counts: dict[str, int],
    office: list[int],
) -> None:
    """Reminders and escalations built item by item (deadlines with a time of day; escalations)."""
    batch: list[tuple[str, Hit]] = []
    for hit in _hits(source, campaign.pk if campaign else None, schedule):
        for kind in schedule[hit.due]:
            if kind == ESCALATE and campaign is None:
                continue
            batch.append((kind, hit))
            counts[kind] = counts.get(kind, 0) + 1
        if len(batch) >= BATCH:
            notices.send(_notices(batch, today, office))
            batch = []
    if batch:
        notices.send(_notices(batch, today, office))


def _remind_in_bulk(
    source: DeadlineSource,
    campaign: Campaign | None,
    schedule: dict[dt.date, list[str]],
    today: dt.date,
    counts: dict[str, int],
    office: list[int],
) -> None:
    """The owners' reminders written by the database, one INSERT … SELECT per due date; escalations (few, and
    sent at once on every channel) item by item."""
    campaign_id = campaign.pk if campaign else None
    per_day = source.rows(campaign_id, list(schedule)).values(source.due).annotate(n=Count("pk")).order_by()
    for due, n in per_day.values_list(source.due, "n"):
        for kind in schedule[due]:
            counts[kind] = counts.get(kind, 0) + n
            if kind == ESCALATE:
                _remind_row_by_row(source, campaign, {due: [ESCALATE]}, today, {}, office)
            else:
                _insert_reminders(source, campaign_id, due, kind, today)


def _insert_reminders(source: DeadlineSource, campaign_id: int | None, due: dt.date, kind: str, today: dt.date) -> int:
    """One notice per active user of each item's unit holding the source's perm, in one statement."""
    notice_kind, before, after = _title_parts(kind, source, due, today)
    url_before, url_after = source.url.split("{pk}")
    items = source.rows(campaign_id, [due]).values(
        item_id=F("pk"), unit_ref=F(source.unit), title_text=source.title_expression
    )
    item_sql, item_params = items.query.sql_with_params()
    roles = sorted(roles_with(source.audience))
    users, assignments = get_user_model()._meta.db_table, RoleAssignment._meta.db_table
    sql = (  # table names from the models, values as parameters
        f"INSERT INTO {Notification._meta.db_table} "  # noqa: S608
        "(recipient_id, kind, title, body, url, object_type, object_id, created_at) "
        "SELECT DISTINCT ra.user_id, %s, SUBSTR(%s || COALESCE(it.title_text, '') || %s, 1, 200), '', "
        "%s || CAST(it.item_id AS TEXT) || %s, %s, it.item_id, %s "
        f"FROM ({item_sql}) it JOIN {assignments} ra ON ra.unit_id = it.unit_ref "
        f"JOIN {users} u ON u.id = ra.user_id "
        f"WHERE u.is_active AND ra.role IN ({', '.join(['%s'] * len(roles))})"
    )
    label = source.model._meta.label_lower
    head: list[Any] = [notice_kind, before, after, url_before, url_after, label, timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *item_params, *roles])
        return cursor.rowcount


def _live_campaigns(today: dt.date) -> list[Campaign]:
    """Campaigns that are on, or ended within the overdue horizon."""
    since = today - dt.timedelta(days=OVERDUE_HORIZON)
    return list(Campaign.objects.filter(ends_on__gte=since, starts_on__lte=today).select_related("unit"))


def run_sweep(today: dt.date | None = None, *, force: bool = False) -> dict[str, int]:
    """Send the day's reminders once: a second run on the same day does nothing unless ``force``d."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            run, created = SweepRun.objects.get_or_create(day=today)
    except IntegrityError:
        return {}
    if not created and not force:
        return dict(run.counts)
    counts: dict[str, int] = {}
    for campaign in [*_live_campaigns(today), None]:
        _remind_campaign(campaign, today, counts)
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), counts=counts)
    return counts


def preview(campaign: Campaign, today: dt.date | None = None) -> list[dict[str, Any]]:
    """How many items of each kind today's sweep reaches for the campaign, per reminder kind."""
    today = today or timezone.localdate()
    schedule = plan(rule_for(campaign), today)
    rows = []
    for source in (s for s in SOURCES if s.campaign):
        found = {DUE_SOON: 0, DUE_TODAY: 0, OVERDUE: 0, ESCALATE: 0}
        if schedule:
            dues = source.rows(campaign.pk, list(schedule)).values_list(source.due, flat=True)
            for due in dues.iterator(chunk_size=BATCH):
                for kind in schedule[due]:
                    found[kind] += 1
        rows.append({"label": source.label, **found})
    return rows
