"""Problem rollups: after any history of filings, transitions, extensions, edits, unit moves, imports and
light sweeps, every rollup row equals a recomputation from the problem rows, and the dashboard read from
the rollups equals the one counted from the problems; plus the rebuild command and ``subtree_figures``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.access.roles import Role
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.orgs.models import UnitKind
from luoshi.orgs.services import create_unit, move_unit
from luoshi.problems import queries, rollups, services
from luoshi.problems.choices import Light, State
from luoshi.problems.imports import import_ledger
from luoshi.problems.models import ExtensionRequest, Problem, ProblemFacetRollup, ProblemLightsDay, ProblemRollup
from luoshi.problems.tests.test_ledger_import import ledger
from luoshi.problems.tests.test_ledger_import import row as ledger_row
from luoshi.testing.problems import closed, new_problem, png, rectifying
from luoshi.testing.world import World, make_user

TODAY = dt.date.today()
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def on_today() -> Iterator[None]:
    """The services' day is ``TODAY`` even when the run passes midnight in Shanghai after this module loaded."""
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=SHANGHAI)):
        yield


def assert_consistent() -> None:
    assert rollups.current() == rollups.recomputed()


def assert_dashboards_agree(world: World, users: list[Any], units: list[Any], days: list[dt.date]) -> None:
    for user in users:
        for unit in [None, *units]:
            for campaign in (world.campaign, None):
                for day in days:
                    assert queries.dashboard(user, campaign, unit, day) == queries.direct_dashboard(
                        user, campaign, unit, day
                    ), (user, unit, campaign, day)


class History:
    """Random steps through the real services on a small tree with two campaigns."""

    def __init__(self, world: World, rng: random.Random):
        self.world, self.rng = world, rng
        kind = UnitKind.objects.get(code="street")
        self.extra = [
            create_unit(None, name=f"村{i}", code=f"V{i:03d}", kind=kind, parent=parent)
            for i, parent in enumerate([world.street_a, world.district_a, world.district_b, world.street_a])
        ]
        self.units = [world.city, world.district_a, world.street_a, world.district_b, *self.extra]
        self.leader = make_user("leader_city", Role.LEADER, world.city)
        self.office = world.office_city
        other = Campaign.objects.create(
            name="第二批", unit=world.city, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
        )
        self.catalogues = {
            world.campaign.pk: (world.aspects, world.channels),
            other.pk: (
                [Aspect.objects.create(campaign=other, name=f"方面{i}", order=i) for i in range(2)],
                [Channel.objects.create(campaign=other, name=f"来源{i}", order=i) for i in range(2)],
            ),
        }
        self.campaigns = [world.campaign, other]

    def problems(self) -> list[Problem]:
        return list(Problem.objects.order_by("pk"))

    def pick(self) -> Problem | None:
        found = self.problems()
        return self.rng.choice(found) if found else None

    def deadline(self) -> dt.date:
        return TODAY + dt.timedelta(days=self.rng.choice([-20, -3, -1, 0, 1, 2, 5, 40]))

    def file(self) -> None:
        campaign = self.rng.choice(self.campaigns)
        aspects, channels = self.catalogues[campaign.pk]
        deadline = self.deadline()
        services.file_problem(
            self.office,
            campaign=campaign,
            title=f"问题{self.rng.randrange(10**6)}",
            channel=self.rng.choice(channels),
            aspect=self.rng.choice(aspects),
            unit=self.rng.choice(self.units),
            found_on=deadline - dt.timedelta(days=30),
            deadline=deadline,
        )

    def claim(self, p: Problem) -> None:
        services.claim(self.leader, p)

    def to_review(self, p: Problem) -> None:
        services.report_progress(self.leader, p, text="已整改", files=[png()])
        services.request_closure(self.leader, p, summary="完成")

    def approve(self, p: Problem) -> None:
        services.approve_closure(self.office, p)

    def send_back(self, p: Problem) -> None:
        services.send_back(self.office, p, reason="材料不全")

    def reopen(self, p: Problem) -> None:
        services.reopen(self.office, p, reason="回头看发现反弹")

    def extend(self, p: Problem) -> None:
        ext = services.request_extension(
            self.leader, p, new_deadline=p.deadline + dt.timedelta(days=self.rng.randint(1, 30)), reason="需要时间"
        )
        if self.rng.random() < 0.8:
            services.approve_extension(self.office, ext)
        else:
            services.reject_extension(self.office, ext, note="不同意")

    def edit(self, p: Problem) -> None:
        aspects, channels = self.catalogues[p.campaign_id]
        changes: dict[str, Any] = self.rng.choice(
            [
                {"unit": self.rng.choice(self.units)},
                {"aspect": self.rng.choice(aspects)},
                {"channel": self.rng.choice(channels)},
                {"deadline": self.deadline(), "found_on": TODAY - dt.timedelta(days=60)},
                {"unit": self.rng.choice(self.units), "aspect": self.rng.choice(aspects)},
            ]
        )
        services.edit_problem(self.office, p, p.version, **changes)

    def move(self) -> None:
        unit = self.rng.choice(self.extra)
        unit.refresh_from_db()
        parents = [u for u in self.units if u != unit and not u.path.startswith(unit.path) and u.pk != unit.parent_id]
        for u in parents:
            u.refresh_from_db()
        parents = [u for u in parents if not u.path.startswith(unit.path)]
        move_unit(self.office, unit, self.rng.choice(parents))
        for u in self.units:
            u.refresh_from_db()

    def import_rows(self) -> None:
        aspects, channels = self.catalogues[self.world.campaign.pk]
        rows = []
        for i in range(self.rng.randint(1, 6)):
            deadline = self.deadline()
            rows.append(
                ledger_row(
                    self.world,
                    问题标题=f"导入问题{self.rng.randrange(10**6)}-{i}",
                    问题来源=self.rng.choice(channels).name,
                    问题方面=self.rng.choice(aspects).name,
                    责任单位代码=self.rng.choice(self.units).code,
                    发现日期=deadline - dt.timedelta(days=10),
                    整改时限=deadline,
                )
            )
        import_ledger(self.office, self.world.campaign, ledger(rows), "台账.xlsx")

    def sweep(self) -> None:
        services.refresh_lights(TODAY + dt.timedelta(days=self.rng.choice([-2, 0, 0, 1, 3, 10])))

    def step(self) -> str:
        problem = self.pick()
        actions: list[tuple[str, Any]] = [("file", self.file), ("file", self.file), ("import", self.import_rows)]
        actions += [("move", self.move), ("sweep", self.sweep)]
        if problem is not None:
            by_state: dict[str, list[Any]] = {
                State.PENDING_CLAIM: [self.claim, self.edit, self.extend],
                State.RECTIFYING: [self.to_review, self.edit, self.extend],
                State.PENDING_REVIEW: [self.approve, self.send_back, self.extend],
                State.CLOSED: [self.reopen],
            }
            for act in by_state[problem.state]:
                actions += [(act.__name__, lambda act=act: act(problem))] * 3
        name, act = self.rng.choice(actions)
        try:
            act()
        except (RuleViolation, NotAllowed, Conflict):
            name += " (refused)"
        return name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_histories_keep_the_rollups_equal_to_a_recount(world, seed):
    history = History(world, random.Random(seed))
    done = []
    for step in range(40):
        done.append(history.step())
        assert rollups.current() == rollups.recomputed(), done
        if step % 8 == 7:
            days = [TODAY, TODAY + dt.timedelta(days=history.rng.choice([-5, 4, 30]))]
            assert_dashboards_agree(world, [world.office_city, world.office_b], [world.district_a], days)
    assert ProblemRollup.objects.exists()
    kinds = {name.split()[0] for name in done if "refused" not in name}
    assert {"file", "claim", "import", "move", "sweep"} <= kinds, done


def test_every_step_kind_moves_the_rollups(world):
    """Each kind of change moves the counts it should, and only through its own service."""

    def root() -> ProblemRollup:
        return ProblemRollup.objects.get(campaign=world.campaign, unit=world.city)

    problem = new_problem(world, unit=world.street_a, deadline=TODAY + dt.timedelta(days=1))
    row = root()
    assert (row.total, row.pending_claim, row.yellow, row.green) == (1, 1, 1, 0)
    assert ProblemRollup.objects.filter(unit=world.street_a, total=1).exists()
    assert ProblemRollup.objects.filter(unit=world.district_a, total=1).exists()
    assert not ProblemRollup.objects.filter(unit=world.district_b).exists()

    services.refresh_lights(TODAY + dt.timedelta(days=5))
    assert (root().yellow, root().red) == (0, 1)
    services.refresh_lights(TODAY)
    assert (root().yellow, root().red) == (1, 0)

    problem = services.claim(world.leader_a, problem)
    assert (root().pending_claim, root().rectifying) == (0, 1)

    ext = services.request_extension(world.leader_a, problem, new_deadline=TODAY + dt.timedelta(days=60), reason="x")
    services.approve_extension(world.office_a, ext)
    assert (root().yellow, root().green) == (0, 1)

    problem.refresh_from_db()
    services.edit_problem(world.office_a, problem, problem.version, unit=world.district_a, aspect=world.aspects[0])
    assert not ProblemRollup.objects.filter(unit=world.street_a).exists()
    assert ProblemFacetRollup.objects.get(unit=world.city, facet="a", facet_id=world.aspects[0].pk).total == 1
    assert not ProblemFacetRollup.objects.filter(facet="a", facet_id=world.aspects[2].pk).exists()
    assert_consistent()


def test_closed_on_time_counts_closures_on_or_before_the_deadline(world):
    closed(world, deadline=TODAY)
    late = rectifying(world, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=1))
    services.report_progress(world.liaison_a, late, text="已整改", files=[png()])
    services.request_closure(world.leader_a, late, summary="完成")
    services.approve_closure(world.office_city, late)
    row = ProblemRollup.objects.get(campaign=world.campaign, unit=world.district_a)
    assert (row.closed, row.closed_on_time, row.red) == (2, 1, 0)
    figures = rollups.subtree_figures(world.campaign.pk, [world.district_a])[world.district_a.pk]
    assert (figures.closed, figures.closed_on_time, figures.on_time_rate) == (2, 1, 50.0)
    assert_consistent()


def test_subtree_figures_of_nested_and_empty_units(world):
    new_problem(
        world, unit=world.street_a, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=2)
    )
    new_problem(world, deadline=TODAY + dt.timedelta(days=1))
    closed(world)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    units = [world.city, world.district_a, world.street_a, world.district_b]
    with CaptureQueriesContext(connection) as ctx:
        figures = rollups.subtree_figures(world.campaign.pk, units)
    assert len(ctx.captured_queries) <= 3
    city, east, street, west = (figures[u.pk] for u in units)
    assert (city.total, city.open, city.closed, city.overdue, city.red, city.yellow) == (4, 3, 1, 1, 1, 1)
    assert (east.total, east.closed, east.overdue) == (3, 1, 1)
    assert (street.total, street.overdue, street.closure_rate, street.on_time_rate) == (1, 1, 0.0, None)
    assert (west.total, west.overdue) == (1, 0)
    assert east.closure_rate == pytest.approx(100 / 3)
    other = Campaign.objects.create(name="空活动", unit=world.city, starts_on=TODAY, ends_on=TODAY)
    empty = rollups.subtree_figures(other.pk, [world.city])[world.city.pk]
    assert (empty.total, empty.closure_rate, empty.on_time_rate) == (0, None, None)
    assert rollups.subtree_figures(None, [world.city])[world.city.pk] == city


def test_overdue_follows_the_day_even_before_the_sweep_runs(world):
    """Lights are refreshed nightly; overdue is right for any day in between (and for past days)."""
    due = new_problem(world, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY + dt.timedelta(days=1))
    assert due.light == Light.YELLOW
    later = TODAY + dt.timedelta(days=3)
    assert rollups.tallies(world.campaign.pk, [world.city], later)[world.city.pk]["overdue"] == 1
    assert queries.summary(world.office_city, world.campaign, None, later).overdue == 1
    services.refresh_lights(later)
    assert rollups.tallies(world.campaign.pk, [world.city], later)[world.city.pk]["overdue"] == 1
    assert rollups.tallies(world.campaign.pk, [world.city], TODAY)[world.city.pk]["overdue"] == 0
    assert queries.summary(world.office_city, world.campaign, None, TODAY).overdue == 0


def test_unit_move_carries_its_subtree_totals_to_the_new_ancestors(world):
    new_problem(world, unit=world.street_a)
    new_problem(world, unit=world.street_a)
    move_unit(world.office_city, world.street_a, world.district_b)
    assert ProblemRollup.objects.get(unit=world.district_b).total == 2
    assert not ProblemRollup.objects.filter(unit=world.district_a).exists()
    assert ProblemRollup.objects.get(unit=world.city).total == 2
    assert_consistent()


def test_import_writes_the_rollups_of_the_whole_file(world):
    rows = [
        ledger_row(world, 问题标题=f"台账问题{i}", 责任单位代码=code) for i, code in enumerate(["D001", "S001", "D002"])
    ]
    import_ledger(world.office_city, world.campaign, ledger(rows), "台账.xlsx")
    assert ProblemRollup.objects.get(unit=world.city).total == 3
    assert ProblemRollup.objects.get(unit=world.district_a).total == 2
    assert_consistent()


def test_a_refused_import_leaves_the_rollups_untouched(world):
    new_problem(world)
    before = rollups.current()
    rows = [ledger_row(world, 问题标题="好的一行"), ledger_row(world, 问题标题="坏的一行", 责任单位代码="NOPE")]
    with pytest.raises(Exception):  # noqa: B017, PT011 - the ledger's own rejection
        import_ledger(world.office_city, world.campaign, ledger(rows), "台账.xlsx")
    assert rollups.current() == before


def test_rebuild_command_recomputes_every_row(world):
    new_problem(world, unit=world.street_a)
    closed(world)
    new_problem(world, unit=world.district_b, actor=world.liaison_b)
    expected = rollups.current()
    ProblemRollup.objects.filter(unit=world.city).update(total=99, red=7)
    ProblemFacetRollup.objects.filter(unit=world.district_b).delete()
    kind = UnitKind.objects.get(code="district")
    spare = create_unit(None, name="南城区", code="D003", kind=kind, parent=world.city)
    ProblemRollup.objects.create(campaign=world.campaign, unit=spare, org_path=spare.path, total=5)
    assert rollups.current() != expected
    out = StringIO()
    call_command("rebuild_problem_rollups", stdout=out)
    assert rollups.current() == expected == rollups.recomputed()
    assert "已重建问题汇总" in out.getvalue()


def test_rebuild_of_an_empty_database_writes_nothing(db):
    out = StringIO()
    call_command("rebuild_problem_rollups", stdout=out)
    assert rollups.current() == ({}, {})
    assert "0" in out.getvalue()


def test_extension_requests_alone_do_not_touch_the_rollups(world):
    problem = new_problem(world)
    before = rollups.current()
    services.request_extension(world.leader_a, problem, new_deadline=TODAY + dt.timedelta(days=90), reason="x")
    ext = ExtensionRequest.objects.get()
    services.reject_extension(world.office_a, ext, note="不同意")
    assert rollups.current() == before


def test_once_the_day_is_swept_overdue_is_read_from_the_rollups_alone(world):
    new_problem(world, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=1))
    services.refresh_lights(TODAY)
    new_problem(
        world, unit=world.street_a, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=3)
    )
    new_problem(world, deadline=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        figures = rollups.subtree_figures(world.campaign.pk, [world.city, world.street_a])
    assert len(ctx.captured_queries) == 2  # the rollup rows and the day of the lights; no problem is read
    assert 'problems_problem"' not in " ".join(q["sql"] for q in ctx.captured_queries)
    assert (figures[world.city.pk].overdue, figures[world.street_a.pk].overdue) == (2, 1)
    tomorrow = TODAY + dt.timedelta(days=1)
    assert rollups.tallies(world.campaign.pk, [world.city], tomorrow)[world.city.pk]["overdue"] == 3
    assert_dashboards_agree(world, [world.office_city, world.office_a], [world.district_a], [TODAY, tomorrow])


def test_overdue_after_a_sweep_for_an_earlier_or_a_later_day(world):
    """Swept for two days ago: problems whose deadline passed since count as overdue; swept for a later day
    than it ran: the lights say nothing of today, and overdue is still counted right."""
    new_problem(world, found_on=TODAY - dt.timedelta(days=9), deadline=TODAY - dt.timedelta(days=1))
    new_problem(world, unit=world.street_a, deadline=TODAY + dt.timedelta(days=2))
    services.refresh_lights(TODAY - dt.timedelta(days=2))
    assert rollups.tallies(world.campaign.pk, [world.city], TODAY)[world.city.pk]["red"] == 0
    assert rollups.subtree_figures(world.campaign.pk, [world.city])[world.city.pk].overdue == 1
    swept = ProblemLightsDay.objects.get(campaign=world.campaign)
    assert (swept.day, swept.swept_on) == (TODAY - dt.timedelta(days=2), TODAY)
    services.refresh_lights(TODAY + dt.timedelta(days=3))
    assert ProblemLightsDay.objects.get(campaign=world.campaign).day == TODAY + dt.timedelta(days=3)
    assert rollups.tallies(world.campaign.pk, [world.city], TODAY)[world.city.pk]["red"] == 2
    assert rollups.subtree_figures(world.campaign.pk, [world.city])[world.city.pk].overdue == 1
    assert_dashboards_agree(world, [world.office_city], [world.district_a], [TODAY, TODAY + dt.timedelta(days=5)])
