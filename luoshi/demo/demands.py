"""A year of citizen demands for the demo city (诉求工单), planned in memory and written in bulk.

Tickets arrive over the last 365 days up to now, through the default channels and categories; property
tickets concern the estates (小区) of fictional property companies (物业企业) whose profiles put some of
them on the red list and others on the black list under each threshold. The state of a ticket follows
from its age (recent ones open, old ones rated and archived), with some late, escalated, returned,
extended and redone. Personal data is encrypted as the services do; the rollups are rebuilt at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from luoshi.access.roles import Role
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import crypto
from luoshi.demands import rollups, timers
from luoshi.demands.choices import DemandEventKind as EK
from luoshi.demands.choices import DemandState, Outcome, Satisfaction
from luoshi.demands.models import Category, Company, Demand, DemandChannel, DemandEvent, DemandExtension, Project
from luoshi.demands.services import RESOLVE_BREACH, TRACKING_ALPHABET
from luoshi.demo import demand_texts as texts
from luoshi.demo.names import PLACE, NameMaker
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import People
from luoshi.orgs.models import Unit

TICKETS_PER_UNIT = 8
DAYS = 365
BATCH = 2000
# The latest tickets, just in: some wait to be dispatched, some to be signed.
FRESH_STAGES = (DemandState.RECEIVED, DemandState.DISPATCHED, DemandState.RECEIVED, DemandState.SIGNED)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 9, 12, 14, 14, 12, 10, 9, 8, 6, 4, 2, 1)


Ticket = SimpleNamespace  # a demand row being planned: the model's column attributes, plus ``category``


@cache
def _ticket_defaults() -> dict[str, Any]:
    return {f.attname: f.get_default() for f in Demand._meta.concrete_fields}


def _month(d: Ticket) -> dt.date:
    """The first day of the month a ticket was received, on the local calendar."""
    return timezone.localtime(d.received_at).date().replace(day=1)


def new_ticket(**values: Any) -> Ticket:
    return Ticket(**{**_ticket_defaults(), **values})


@lru_cache(maxsize=20000)
def _phone_keys(phone: str) -> tuple[str, str]:
    return (crypto.blind_index(phone) if phone else "", crypto.mask_phone(phone))


@dataclass
class Quality:
    """How a handler or company performs: shares late, unresolved, 不满意 and 基本满意.

    Failures are spread evenly within each month of receipt (error diffusion from a half): of n tickets
    judged in a month, round(n × share) fail, so each month's rates show the profile, even for a company
    with a handful of tickets that month.
    """

    late: float
    unresolved: float
    unsatisfied: float
    basic: float = 0.15
    debts: dict[tuple[int, dt.date], float] = field(default_factory=dict)

    def fails(self, which: int, month: dt.date) -> bool:
        share = (self.late, self.unresolved, self.unsatisfied)[which]
        debt = self.debts.get((which, month), 0.5) + share
        failed = debt >= 1 - 1e-9  # 0.5 + 0.1 × 5 sums to 0.9999…
        self.debts[(which, month)] = debt - 1 if failed else debt
        return failed


PROFILES = {
    texts.RED: (0.0, 0.01, 0.01),
    texts.GOOD: (0.02, 0.08, 0.08),
    texts.SLOW: (0.20, 0.08, 0.08),
    texts.UNRESOLVED: (0.02, 0.30, 0.12),
    texts.DISLIKED: (0.02, 0.08, 0.32),
    texts.POOR: (0.10, 0.30, 0.32),
}


@dataclass
class Handler:
    """A unit that handles demands, with the official who acts for it and how well it does."""

    unit: Unit
    user: Any
    quality: Quality
    places: list[str]
    roads: list[str]


@dataclass
class Estate:
    project: Project
    handler: Handler
    quality: Quality


@dataclass
class Setup:
    dispatcher: Any
    city: Unit
    handlers: list[Handler]
    weights: list[float]
    estates: list[Estate]
    departments: list[Handler]
    categories: dict[str, list[Category]]
    channels: list[DemandChannel]
    channel_weights: list[int]


# --- the setting: handlers, companies, estates ------------------------------------------------------


def _roads(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.sample(PLACE, 2)) + rng.choice(texts.ROAD_SUFFIXES) for _ in range(n)]


def _unit_quality(rng: random.Random) -> Quality:
    return Quality(rng.uniform(0.005, 0.07), rng.uniform(0.04, 0.22), rng.uniform(0.03, 0.24))


def _handler_users(tree: OrgTree, people: People) -> dict[int, Any]:
    """One 承办人 per district-level unit and department (the home district has demo_handler)."""
    from django.contrib.auth import get_user_model

    users = {}
    home = get_user_model().objects.get(username="demo_handler")
    for i, node in enumerate([*tree.districts, *tree.departments], 1):
        unit = node.saved()
        users[unit.pk] = (
            home if i == 1 else people.user(f"h{i:02d}_handler", f"{unit.name}诉求承办人", Role.HANDLER, unit)
        )
    return users


def _handlers(tree: OrgTree, rng: random.Random, users: dict[int, Any]) -> tuple[list[Handler], list[float]]:
    """Streets and district-level units as handlers, weighted by size."""
    handlers, weights = [], []
    for node in tree.districts:
        district = node.saved()
        quality = _unit_quality(rng)
        roads = _roads(rng, 6)
        own = Handler(
            district, users[district.pk], quality, [c.name for s in node.children for c in s.children][:8], roads
        )
        handlers.append(own)
        weights.append(1.5)
        for street in node.children:
            places = [c.name for c in street.children] or [street.name]
            handlers.append(Handler(street.saved(), users[district.pk], quality, places, _roads(rng, 4)))
            weights.append(1.0 if district.kind.code == "district" else 0.6)
    for handler in handlers:
        handler.places = handler.places or [handler.unit.name]
    return handlers, weights


def _departments(tree: OrgTree, rng: random.Random, users: dict[int, Any]) -> list[Handler]:
    return [
        Handler(n.saved(), users[n.saved().pk], _unit_quality(rng), [n.name], _roads(rng, 3)) for n in tree.departments
    ]


def _companies(tree: OrgTree, handlers: list[Handler], rng: random.Random) -> list[Estate]:
    """The property companies, each supervised by a district, with 3–6 estates in its streets."""
    by_district = {node.saved().pk: node for node in tree.districts}
    streets = {h.unit.pk: h for h in handlers}
    estates: list[Estate] = []
    taken: set[str] = set()
    districts = list(by_district.values())
    for i, (name, profile) in enumerate(texts.COMPANIES):
        node = districts[i % len(districts)]
        district = node.saved()
        company = Company.objects.create(
            name=name, credit_code=f"91990000MA{i + 1:08d}", unit=district, org_path=district.path
        )
        quality = Quality(*PROFILES[profile])
        for _ in range(rng.randint(3, 6)):
            street = rng.choice(node.children).saved() if node.children else district
            estate = _estate_name(rng, taken)
            project = Project.objects.create(name=estate, company=company, unit=street, org_path=street.path)
            estates.append(Estate(project, streets[street.pk], quality))
    return estates


def _estate_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.sample(PLACE, 2)) + rng.choice(texts.ESTATE_SUFFIXES)
        if name not in taken:
            taken.add(name)
            return name


def _categories() -> dict[str, list[Category]]:
    leaves: dict[str, list[Category]] = {}
    for category in Category.objects.select_related("parent"):
        if category.name in texts.TEXTS and (category.parent is not None or not category.children.exists()):
            root = category.parent.name if category.parent else category.name
            leaves.setdefault(root, []).append(category)
    return leaves


def build_setup(tree: OrgTree, people: People, dispatcher: Any, rng: random.Random) -> Setup:
    users = _handler_users(tree, people)
    handlers, weights = _handlers(tree, rng, users)
    channels = list(DemandChannel.objects.filter(code__in=texts.CHANNEL_WEIGHTS).order_by("order"))
    return Setup(
        dispatcher=dispatcher,
        city=tree.city,
        handlers=handlers,
        weights=weights,
        estates=_companies(tree, handlers, rng),
        departments=_departments(tree, rng, users),
        categories=_categories(),
        channels=channels,
        channel_weights=[texts.CHANNEL_WEIGHTS[c.code] for c in channels],
    )


# --- one ticket ----------------------------------------------------------------------------------------


@dataclass
class Context:
    """Who handles a ticket, what it concerns and what the citizen wrote."""

    handler: Handler
    quality: Quality
    estate: Estate | None
    category: Category
    title: str
    content: str
    kind: str
    address: str


class TicketMaker:
    """Plans tickets with their timeline; everything is kept in lists for bulk writing."""

    def __init__(self, setup: Setup, rng: random.Random, now: dt.datetime):
        self.setup, self.rng, self.now = setup, rng, now
        self.names = NameMaker(rng)
        self.calendar = timers.Calendar()
        self.limits: dict[int, timers.Limits] = {}
        self.codes: set[str] = set()
        self.demands: list[Ticket] = []
        self.events: list[tuple[Any, ...]] = []
        self.extensions: list[DemandExtension] = []
        roots = list(texts.ROOT_WEIGHTS)
        self.roots = [r for r in roots if r in setup.categories]
        self.root_weights = [texts.ROOT_WEIGHTS[r] for r in self.roots]
        by_company: dict[int, list[Estate]] = {}
        for estate in setup.estates:
            by_company.setdefault(estate.project.company_id, []).append(estate)
        self.companies = list(by_company.values())

    # the ticket as filed

    def _context(self) -> Context:
        rng, setup = self.rng, self.setup
        root = rng.choices(self.roots, self.root_weights)[0]
        category = rng.choice(setup.categories[root])
        title, content, kind = rng.choice(texts.TEXTS[category.name])
        # The company first, then one of its estates: every company gets its share of tickets each month.
        estate = rng.choice(rng.choice(self.companies)) if root == texts.PROPERTY_ROOT and self.companies else None
        if estate is not None:
            handler, quality = estate.handler, estate.quality
        elif rng.random() < 0.12 and setup.departments:
            handler = rng.choice(setup.departments)
            quality = handler.quality
        else:
            handler = rng.choices(setup.handlers, setup.weights)[0]
            quality = handler.quality
        place = estate.project.name if estate else rng.choice(handler.places)
        road, road2 = rng.sample(handler.roads, 2)
        values = {
            "place": place,
            "road": road,
            "road2": road2,
            "b": rng.randint(1, 32),
            "u": rng.randint(1, 6),
            "n": rng.randint(2, 9),
            "days": rng.randint(3, 20),
            "money": rng.choice(texts.MONEY),
        }
        number = f"{values['b']}栋" if estate else f"{road}{rng.randint(1, 400)}号"
        address = f"{handler.unit.name}{place if estate else ''}{number}"
        return Context(handler, quality, estate, category, title, content.format(**values), kind, address[:200])

    def _code(self) -> str:
        while True:
            code = "".join(self.rng.choice(TRACKING_ALPHABET) for _ in range(10))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _citizen(self) -> dict[str, str]:
        """A fictional name and a 1380000xxxx number, encrypted, indexed and masked as the services do."""
        name = self.names.person() if self.rng.random() < 0.92 else ""
        phone = f"1380000{self.rng.randrange(10000):04d}" if self.rng.random() < 0.96 else ""
        index, masked = _phone_keys(phone)
        return {
            "citizen_name_enc": crypto.encrypt(name),
            "citizen_phone_enc": crypto.encrypt(phone),
            "citizen_phone_index": index,
            "citizen_phone_masked": masked,
        }

    def _demand(self, pk: int, at: dt.datetime, ctx: Context) -> Ticket:
        rng, city = self.rng, self.setup.city
        return new_ticket(
            id=pk,
            number=f"{timezone.localtime(at):%Y%m%d}{pk:08d}",
            tracking_code=self._code(),
            channel_id=rng.choices(self.setup.channels, self.setup.channel_weights)[0].pk,
            category_id=ctx.category.pk,
            category=ctx.category,
            kind=ctx.kind,
            urgent=rng.random() < 0.03,
            title=ctx.title,
            content=ctx.content,
            address=ctx.address,
            dispatcher_unit_id=city.pk,
            org_path=city.path,
            company_id=ctx.estate.project.company_id if ctx.estate else None,
            project_id=ctx.estate.project.pk if ctx.estate else None,
            received_at=at,
            **self._citizen(),
        )

    # the timeline

    def _later(self, t: dt.datetime, low: float, high: float) -> dt.datetime:
        """``t`` plus ``low``–``high`` minutes, never after now."""
        return max(t, min(t + dt.timedelta(minutes=self.rng.uniform(low, high)), self.now - dt.timedelta(minutes=1)))

    def _event(self, d: Ticket, at: dt.datetime, actor: Any, kind: str, state: str = "", **kw: Any) -> None:
        """A timeline row (``EVENT_COLUMNS``); ``state`` is the state the ticket moves to, if any."""
        from_state = d.state if state else ""
        if state:
            d.state = state
        unit = kw.get("unit")
        self.events.append(
            (
                d.id,
                d.org_path,
                at,
                actor.pk if actor else None,
                kind,
                from_state,
                state,
                unit.pk if unit else None,
                kw.get("note", ""),
            )
        )

    def _limits(self, category: Category) -> timers.Limits:
        if category.pk not in self.limits:
            self.limits[category.pk] = timers.limits_for(category)
        return self.limits[category.pk]

    def _dispatch(self, d: Ticket, t: dt.datetime, handler: Handler) -> None:
        limits = self._limits(d.category)
        d.handling_unit_id, d.org_path, d.dispatched_at = handler.unit.pk, handler.unit.path, t
        d.sign_due = timers.add_hours(t, limits.sign_hours)
        d.respond_due = timers.add_hours(t, limits.contact(d.urgent))
        d.resolve_due = timers.add_working_days(t, limits.resolve(d.kind), self.calendar)
        d.unit_hops += 1
        self._event(d, t, self.setup.dispatcher, EK.DISPATCHED, DemandState.DISPATCHED, unit=handler.unit)

    def _returned(self, d: Ticket, t: dt.datetime) -> dt.datetime:
        """派错单位后退单，再改派 (a wrong unit sends the ticket back, then it is dispatched again)."""
        wrong = self.rng.choice(
            [h for h in self.setup.handlers[:40] if h.unit.pk != d.handling_unit_id] or self.setup.handlers
        )
        self._dispatch(d, t, wrong)
        back = self._later(t, 60, 1200)
        d.handling_unit_id, d.org_path = None, self.setup.city.path
        self._event(d, back, wrong.user, EK.RETURNED, DemandState.RECEIVED, note=self.rng.choice(texts.RETURN_REASONS))
        return self._later(back, 20, 120)

    def _late_marks(self, d: Ticket) -> None:
        """What the breach sweep would have marked on a ticket still open now."""
        if d.state == DemandState.DISPATCHED and d.sign_due and d.sign_due < self.now:
            self._event(d, d.sign_due, None, EK.BREACHED, note="签收超时")
        if d.responded_at is None and d.respond_due and d.respond_due < self.now:
            d.responded_on_time = False
            self._event(d, d.respond_due, None, EK.BREACHED, note="联系群众超时")
        if d.resolve_due and d.resolve_due < self.now and d.finished_on_time is None:
            d.finished_on_time = False
            self._escalated(d, d.resolve_due)

    def _escalated(self, d: Ticket, due: dt.datetime) -> None:
        d.escalated = True
        at = min(due + dt.timedelta(minutes=10), self.now)
        self._event(d, at, None, EK.BREACHED, note=RESOLVE_BREACH)
        self._event(d, at, None, EK.ESCALATED, note="超过办结时限，自动督办。")

    def _respond(self, d: Ticket, ctx: Context, judged: bool) -> None:
        late = judged and ctx.quality.fails(0, _month(d))
        if late:
            assert d.respond_due is not None
            t = self._later(d.respond_due + dt.timedelta(minutes=30), 30, 1800)
        else:
            assert d.signed_at is not None
            assert d.respond_due is not None
            room = (d.respond_due - d.signed_at).total_seconds() / 60
            t = self._later(d.signed_at, 5, max(6.0, room * 0.8))
        d.responded_at, d.responded_on_time = t, not late
        self._event(d, t, ctx.handler.user, EK.RESPONDED, DemandState.RESPONDED, note=self.rng.choice(texts.RESPONSES))

    def _extension(self, d: Ticket, ctx: Context, approved: bool) -> None:
        assert d.resolve_due is not None
        assert d.responded_at is not None
        days = self.rng.randint(2, timers.MAX_EXTENSION_DAYS)
        asked = self._later(d.responded_at, 30, 600)
        new_due = timers.add_working_days(d.resolve_due, days, self.calendar)
        reason = self.rng.choice(texts.EXTENSION_REASONS)
        ext = DemandExtension(
            demand_id=d.id,
            org_path=d.org_path,
            requested_by=ctx.handler.user,
            days=days,
            reason=reason,
            old_due=d.resolve_due,
            new_due=new_due,
        )
        self._event(d, asked, ctx.handler.user, EK.EXTENSION_REQUESTED, note=f"延期 {days} 个工作日：{reason}")
        if approved:
            ext.state, ext.decided_by, ext.decided_at = "approved", self.setup.dispatcher, self._later(asked, 30, 600)
            self._event(d, ext.decided_at, self.setup.dispatcher, EK.EXTENSION_APPROVED, note=f"{new_due:%Y-%m-%d}")
            d.resolve_due = new_due
        self.extensions.append(ext)

    def _finish(self, d: Ticket, ctx: Context, start: dt.datetime, outcome: str | None = None) -> None:
        assert d.resolve_due is not None
        if outcome is None:
            outcome = Outcome.UNRESOLVED if ctx.quality.fails(1, _month(d)) else Outcome.RESOLVED
        if d.resolve_due + dt.timedelta(days=3) < self.now and self.rng.random() < 0.03:
            t = d.resolve_due + dt.timedelta(hours=self.rng.uniform(2, 72))
            d.finished_on_time = False
            self._escalated(d, d.resolve_due)
        else:
            span = max((d.resolve_due - start).total_seconds() / 60, 10.0)
            t = self._later(start, span * 0.05, span * 0.8)
            d.finished_on_time = True
        texts_for = texts.FINISH_RESOLVED if outcome == Outcome.RESOLVED else texts.FINISH_UNRESOLVED
        d.finished_at, d.outcome, d.explanation = t, outcome, self.rng.choice(texts_for)
        d.callback_due = timers.add_working_days(t, self._limits(d.category).callback_days, self.calendar)
        label = "已解决" if outcome == Outcome.RESOLVED else "未解决"
        self._event(d, t, ctx.handler.user, EK.FINISHED, DemandState.FINISHED, note=label)

    def _call_back(self, d: Ticket, ctx: Context, satisfaction: str | None = None) -> None:
        assert d.finished_at is not None
        if satisfaction is None:
            if ctx.quality.fails(2, _month(d)):
                satisfaction = Satisfaction.UNSATISFIED
            else:
                basic = self.rng.random() < ctx.quality.basic
                satisfaction = Satisfaction.BASIC if basic else Satisfaction.SATISFIED
        t = self._later(d.finished_at, 60, 1200)
        d.satisfaction, d.called_back_at = satisfaction, t
        labels: dict[str, str] = {Satisfaction.SATISFIED: "满意", Satisfaction.BASIC: "基本满意"}
        label = labels.get(satisfaction, "不满意")
        self._event(d, t, self.setup.dispatcher, EK.CALLED_BACK, DemandState.CALLED_BACK, note=label)

    def _redo(self, d: Ticket, ctx: Context) -> None:
        """An unsatisfied callback, 重办, and a second finish."""
        assert d.responded_at is not None
        self._finish(d, ctx, d.responded_at, Outcome.RESOLVED)
        self._call_back(d, ctx, Satisfaction.UNSATISFIED)
        assert d.called_back_at is not None
        t = self._later(d.called_back_at, 60, 600)
        d.redo_count += 1
        d.satisfaction, d.called_back_at, d.outcome = "", None, ""
        d.resolve_due = timers.add_working_days(t, self._limits(d.category).resolve(d.kind), self.calendar)
        self._event(d, t, self.setup.dispatcher, EK.REDONE, DemandState.SIGNED, note=texts.REDO_REASON)
        self._finish(d, ctx, t)

    def _stage(self, age_hours: float) -> str:
        r, days = self.rng.random(), age_hours / 24
        if age_hours < 1.5:
            return DemandState.RECEIVED if r < 0.5 else DemandState.DISPATCHED
        if age_hours < 24:
            return DemandState.DISPATCHED if r < 0.15 else DemandState.SIGNED if r < 0.4 else DemandState.RESPONDED
        if days < 5:
            return DemandState.RESPONDED if r < 0.55 else DemandState.FINISHED if r < 0.9 else DemandState.CALLED_BACK
        if days < 15:
            cuts = ((0.06, DemandState.RESPONDED), (0.16, DemandState.FINISHED), (0.65, DemandState.CALLED_BACK))
            return next((state for cut, state in cuts if r < cut), DemandState.ARCHIVED)
        if days < 90 and r < 0.012:
            return DemandState.RESPONDED
        return DemandState.CALLED_BACK if days < 45 and r < 0.2 else DemandState.ARCHIVED

    def make(self, pk: int, at: dt.datetime, stage: str | None = None) -> None:
        """Plan one ticket received at ``at`` and its timeline up to now (to ``stage`` if given)."""
        ctx = self._context()
        d = self._demand(pk, at, ctx)
        self.demands.append(d)
        self._event(d, at, self.setup.dispatcher, EK.RECEIVED, unit=self.setup.city)
        age_hours = (self.now - at).total_seconds() / 3600
        stage = stage or self._stage(age_hours)
        if stage == DemandState.RECEIVED:
            return
        t = self._later(at, 10, 90)
        if age_hours > 72 and self.rng.random() < 0.03:
            t = self._returned(d, t)
        self._dispatch(d, t, ctx.handler)
        self._handle(d, ctx, stage, age_hours / 24)

    def _handle(self, d: Ticket, ctx: Context, stage: str, age_days: float) -> None:
        assert d.dispatched_at is not None
        if stage != DemandState.DISPATCHED:
            d.signed_at = self._later(d.dispatched_at, 5, 100)
            self._event(d, d.signed_at, ctx.handler.user, EK.SIGNED, DemandState.SIGNED)
        if stage not in (DemandState.DISPATCHED, DemandState.SIGNED):
            self._respond(d, ctx, judged=age_days >= 3)
        if stage == DemandState.RESPONDED and age_days < 8 and self.rng.random() < 0.2:
            self._extension(d, ctx, approved=False)
        if stage in (DemandState.DISPATCHED, DemandState.SIGNED, DemandState.RESPONDED):
            self._late_marks(d)
            return
        if age_days >= 20 and self.rng.random() < 0.04:
            self._extension(d, ctx, approved=True)
        if stage == DemandState.ARCHIVED and age_days >= 30 and self.rng.random() < 0.015:
            self._redo(d, ctx)
        else:
            assert d.responded_at is not None
            self._finish(d, ctx, d.responded_at)
        if stage == DemandState.FINISHED:
            return
        if stage == DemandState.CALLED_BACK or self.rng.random() < 0.92:
            self._call_back(d, ctx)
        if stage == DemandState.ARCHIVED:
            assert d.finished_at is not None
            d.archived_at = self._later(d.called_back_at or d.finished_at, 600, 4000)
            self._event(d, d.archived_at, self.setup.dispatcher, EK.ARCHIVED, DemandState.ARCHIVED)


# --- arrival times, writing, the whole year ---------------------------------------------------------------


def received_times(rng: random.Random, now: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` moments over the last ``DAYS`` days up to ``now``: fewer at weekends and at night,
    slowly growing over the year; oldest first."""
    today = timezone.localtime(now).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS)]
    weights = [(0.6 if d.weekday() >= 5 else 1.0) * (0.85 + 0.3 * (DAYS - i) / DAYS) for i, d in enumerate(days)]
    weights[0] *= (timezone.localtime(now).hour + 1) / 24
    moments = []
    for day, hour in zip(
        rng.choices(days, weights, k=count), rng.choices(range(24), HOUR_WEIGHTS, k=count), strict=True
    ):
        moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
        aware = timezone.make_aware(moment, timezone.get_current_timezone())
        moments.append(aware if aware < now else now - dt.timedelta(minutes=rng.uniform(1, 120)))
    fresh = [now - dt.timedelta(minutes=rng.uniform(1, 80)) for _ in FRESH_STAGES]
    return sorted(moments[: max(0, count - len(fresh))]) + sorted(fresh)[: min(count, len(fresh))]


EVENT_COLUMNS = ("demand_id", "org_path", "at", "actor_id", "kind", "from_state", "to_state", "unit_id", "note")


def _datetime_adapter() -> Any:
    """How a datetime is written, as Django's backend does it: naive in the connection's zone on SQLite."""
    if connection.vendor == "sqlite":
        zone = connection.timezone
        return lambda value: str(value.astimezone(zone).replace(tzinfo=None))
    return lambda value: value


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], datetimes: set[int]) -> None:
    """Plain INSERTs of many rows (executemany): the bulk writer for the demo's two big tables.

    ``datetimes`` are the positions of the datetime columns, adapted as Django's backend would."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})"  # noqa: S608 (own names)
    adapt = _datetime_adapter()
    positions = sorted(datetimes)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = [list(row) for row in rows[start : start + BATCH]]
            for row in batch:
                for i in positions:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
            cursor.executemany(sql, batch)


def _demand_rows(demands: list[Ticket], now: dt.datetime) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    fields = Demand._meta.concrete_fields
    columns = tuple(f.column for f in fields)
    rows = []
    for d in demands:
        d.created_at, d.updated_at = d.received_at, now
        rows.append(tuple(getattr(d, f.attname) for f in fields))
    return columns, rows


def _write(maker: TicketMaker) -> None:
    columns, rows = _demand_rows(maker.demands, maker.now)
    fields = Demand._meta.concrete_fields
    _insert(
        Demand._meta.db_table,
        columns,
        rows,
        {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"},
    )
    _insert(DemandEvent._meta.db_table, EVENT_COLUMNS, maker.events, {EVENT_COLUMNS.index("at")})
    DemandExtension.objects.bulk_create(maker.extensions, batch_size=BATCH)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Demand]):
            cursor.execute(sql)
    rollups.add_new(rollups.facts(cast(Demand, ticket)) for ticket in maker.demands)


def build_demands(tree: OrgTree, people: People, rng: random.Random, count: int) -> int:
    """A year of ``count`` demands for the demo city, up to now; returns the number written."""
    from django.contrib.auth import get_user_model

    dispatcher = get_user_model().objects.get(username="demo_dispatcher")
    setup = build_setup(tree, people, dispatcher, rng)
    now = timezone.now()
    start = (Demand.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    maker = TicketMaker(setup, rng, now)
    times = received_times(rng, now, count)
    first_fresh = len(times) - min(len(times), len(FRESH_STAGES))
    for i, at in enumerate(times):
        maker.make(start + i, at, FRESH_STAGES[i - first_fresh] if i >= first_fresh else None)
    _write(maker)
    record(
        Action.IMPORT,
        object_type="demands.demand",
        object_repr="演示诉求工单",
        actor_name="演示数据",
        detail=f"演示数据：批量生成 {len(maker.demands)} 件诉求工单",
        after={"demands": len(maker.demands), "events": len(maker.events), "extensions": len(maker.extensions)},
    )
    return len(maker.demands)
