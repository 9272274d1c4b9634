"""Problems and rectification (检视整改) in the demo, driven through ``luoshi.problems.services``.

Every problem is filed, claimed, given measures, reported on, and closed by the people whose role
allows it, so the timelines and the audit chain are those the platform itself would write.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import cycle
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.demo import content
from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast, DistrictCast
from luoshi.orgs.models import Unit
from luoshi.problems import services
from luoshi.problems.choices import Kind, Severity, State
from luoshi.problems.models import Measure, Problem, ProblemClass

# Deadlines of the 6 city-level problems still being rectified, in days from today: 2 red, 2 yellow, 2 green.
OPEN_CITY_OFFSETS = (-12, -4, 1, 3, 25, 50)
HOME_PROBLEMS = 16
SENT_BACK, EXTENSION = "sent_back", "extension"


def tiny_png(seed: int) -> bytes:
    """A valid 1×1 PNG whose colour depends on ``seed``, so each evidence file is distinct."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = bytes([0, seed & 255, (seed >> 8) & 255, (seed >> 16) & 255])
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b"")


@dataclass(frozen=True)
class Dates:
    found_on: date
    deadline: date


class Rectification:
    def __init__(self, demo: DemoCampaign, tree: OrgTree, cast: Cast, rng: random.Random, today: date):
        self.demo, self.tree, self.cast, self.rng, self.today = demo, tree, cast, rng, today
        self.files = 0
        self.city_classes: dict[int, ProblemClass] = {}

    # -- shared steps ------------------------------------------------------------------

    def evidence(self) -> SimpleUploadedFile:
        self.files += 1
        name = self.rng.choice(("整改佐证材料", "现场照片", "制度文件截图", "会议纪要照片"))
        return SimpleUploadedFile(f"{name}.png", tiny_png(self.files * 7919), content_type="image/png")

    def days(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def dates(self, found_ago: tuple[int, int], deadline_offset: int) -> Dates:
        deadline = self.days(deadline_offset)
        found = min(self.days(-self.rng.randint(*found_ago)), deadline - timedelta(days=14))
        return Dates(found, deadline)

    def file(self, actor: Any, unit: Unit, aspect: int, title: str, dates: Dates, **extra: Any) -> Problem:
        extra.setdefault("channel", self.rng.choice(self.demo.channels))
        extra.setdefault("problem_class", self._class_for(aspect))
        return services.file_problem(
            actor,
            campaign=self.demo.campaign,
            title=title,
            description=f"{unit.name}：{title}。",
            aspect=self.demo.aspects[aspect],
            unit=unit,
            found_on=dates.found_on,
            deadline=dates.deadline,
            severity=self.rng.choices(Severity.values, weights=(6, 3, 1))[0],
            kind=self.rng.choices(Kind.values, weights=(3, 6, 1))[0],
            **extra,
        )

    def _class_for(self, aspect: int) -> ProblemClass | None:
        found = self.city_classes.get(aspect)
        return found if found and self.rng.random() < 0.7 else None

    def measure(self, actor: Any, problem: Problem, text: str, owner: Any, deadline: date) -> Measure:
        deadline = max(deadline, problem.found_on + timedelta(days=7))
        return services.add_measure(actor, problem, text=text, owner_unit=problem.unit, owner=owner, deadline=deadline)

    def progress(self, actor: Any, problem: Problem, measure: Measure | None, with_file: bool) -> None:
        files = [self.evidence()] if with_file else []
        text = self.rng.choice(content.PROGRESS_TEXTS)
        services.report_progress(actor, problem, text=text, measure=measure, files=files)

    def to_review(self, problem: Problem, measures: list[Measure], liaison: Any, leader: Any) -> Problem:
        """Finish every measure, report with evidence, and ask for closure (申请销号)."""
        for m in measures:
            services.complete_measure(liaison, m)
        self.progress(liaison, problem, measures[-1] if measures else None, with_file=True)
        services.request_closure(leader, problem, summary=self.rng.choice(content.CLOSURE_SUMMARIES))
        problem.refresh_from_db()
        return problem

    def close(self, problem: Problem, reviewer: Any) -> Problem:
        return services.approve_closure(reviewer, problem, note=self.rng.choice(content.APPROVAL_NOTES))

    # -- city level: 44 problems, 38 closed, 6 rectifying, 63 measures -----------------

    def create_classes(self) -> None:
        for name, description, aspect in content.CITY_PROBLEM_CLASSES:
            self.city_classes[aspect] = services.create_problem_class(
                self.cast.office, campaign=self.demo.campaign, unit=self.tree.city, name=name, description=description
            )

    def city_problems(self) -> None:
        rng, cast = self.rng, self.cast
        still_open = rng.sample(range(content.CITY_PROBLEMS), content.CITY_PROBLEMS - content.CITY_CLOSED)
        open_offsets = dict(zip(still_open, OPEN_CITY_OFFSETS, strict=True))
        doubled = set(rng.sample(range(content.CITY_PROBLEMS), content.CITY_MEASURES - content.CITY_PROBLEMS))
        owners = cycle(rng.sample(cast.committee, len(cast.committee)))
        departments = [d.saved() for d in self.tree.departments]
        for i in range(content.CITY_PROBLEMS):
            aspect, variant = i % len(content.ASPECTS), i // len(content.ASPECTS)
            unit = self.tree.city if i % 3 == 0 else rng.choice(departments)
            leader = cast.committee[i % len(cast.committee)]
            offset = open_offsets.get(i)
            dates = self.dates((70, 110), offset) if offset is not None else self._closed_dates()
            problem = self.file(
                cast.office, unit, aspect, content.PROBLEM_TITLES[aspect][variant], dates, responsible_leader=leader
            )
            problem = services.claim(leader, problem)
            texts = content.MEASURE_TEXTS[aspect]
            measures = [
                self.measure(
                    leader, problem, texts[(variant + k) % len(texts)], next(owners), self._measure_due(dates, k)
                )
                for k in range(2 if i in doubled else 1)
            ]
            if offset is None:
                self.close(self.to_review(problem, measures, cast.city_liaison, leader), cast.office)
            else:
                self._partly_done(problem, measures, cast.city_liaison)

    def _closed_dates(self) -> Dates:
        """Closed problems were found months ago; most were closed before their deadline, a few late."""
        return self.dates((90, 140), self.rng.randint(-5, 40))

    def _measure_due(self, dates: Dates, k: int) -> date:
        """The first of two measures falls due earlier; the last one with the problem."""
        return dates.deadline - timedelta(days=10 if k == 0 else 0)

    def _partly_done(self, problem: Problem, measures: list[Measure], liaison: Any) -> None:
        if len(measures) > 1:
            services.complete_measure(liaison, measures[0])
        self.progress(liaison, problem, measures[0], with_file=self.rng.random() < 0.5)

    # -- district level: every state in every district ---------------------------------

    def district_problems(self) -> None:
        home = self.cast.home
        home_class = services.create_problem_class(
            home.office,
            campaign=self.demo.campaign,
            unit=home.unit,
            name=content.DISTRICT_PROBLEM_CLASS[0],
            description=content.DISTRICT_PROBLEM_CLASS[1],
        )
        self.home_extras(home, home_class)
        for dc in self.cast.districts:
            count = HOME_PROBLEMS if dc is home else self.rng.randint(8, 12)
            base = [State.PENDING_CLAIM, State.RECTIFYING, State.RECTIFYING, State.PENDING_REVIEW, State.CLOSED]
            extra = self.rng.choices(list(State.values), weights=(1, 3, 1, 5), k=count - len(base))
            for state in base + extra:
                self.district_problem(dc, str(state))

    def home_extras(self, home: DistrictCast, home_class: ProblemClass) -> None:
        """A class of similar problems, one sent back, one waiting for an extension, two from supervision."""
        aspect = content.DISTRICT_PROBLEM_CLASS[2]
        for state in (State.CLOSED, State.RECTIFYING, State.PENDING_CLAIM):
            self.district_problem(home, str(state), aspect=aspect, problem_class=home_class)
        self.district_problem(home, SENT_BACK)
        self.district_problem(home, EXTENSION)
        inspection = self.demo.channel("督查检查")
        for state in (State.PENDING_CLAIM, State.RECTIFYING):
            self.district_problem(home, str(state), filer=self.cast.supervisor, channel=inspection)

    def _unit_in(self, dc: DistrictCast) -> Unit:
        node = next(n for n in self.tree.districts if n.saved().pk == dc.unit.pk)
        streets = node.children
        roll = self.rng.random()
        if roll < 0.3 or not streets:
            return dc.unit
        street = self.rng.choice(streets)
        if roll < 0.7 or not street.children:
            return street.saved()
        return self.rng.choice(street.children).saved()

    def _district_dates(self, state: str) -> Dates:
        pick = self.rng.choice
        if state == State.PENDING_CLAIM:
            return self.dates((1, 20), pick((-6, -2, 2, 12, 25, 40)))
        if state in (State.RECTIFYING, SENT_BACK):
            return self.dates((20, 90), pick((-15, -5, -1, 2, 3, 8, 14, 20, 30, 45, 60, 70)))
        if state == EXTENSION:
            return self.dates((20, 60), pick((2, 5, 10)))
        if state == State.PENDING_REVIEW:
            return self.dates((30, 100), pick((-3, 2, 10, 25)))
        return self._closed_dates()

    def district_problem(
        self, dc: DistrictCast, state: str, filer: Any = None, aspect: int | None = None, **extra: Any
    ) -> None:
        aspect = self.rng.randrange(len(content.ASPECTS)) if aspect is None else aspect
        dates = self._district_dates(state)
        title = self.rng.choice(content.PROBLEM_TITLES[aspect])
        problem = self.file(filer or dc.liaison, self._unit_in(dc), aspect, title, dates, **extra)
        if state == State.PENDING_CLAIM:
            return
        problem = services.claim(dc.leader, problem)
        text = self.rng.choice(content.MEASURE_TEXTS[aspect])
        measure = self.measure(
            dc.leader, problem, text, dc.leader, dates.deadline - timedelta(days=self.rng.randint(0, 5))
        )
        if state in (State.RECTIFYING, EXTENSION):
            self._rectifying(dc, problem, measure, state)
            return
        problem = self.to_review(problem, [measure], dc.liaison, dc.leader)
        if state == State.CLOSED:
            self.close(problem, dc.office)
        elif state == SENT_BACK:
            services.send_back(dc.office, problem, reason="佐证材料不够充分，请补充整改前后对比材料后重新申请。")

    def _rectifying(self, dc: DistrictCast, problem: Problem, measure: Measure, state: str) -> None:
        if self.rng.random() < 0.6:
            self.progress(dc.liaison, problem, measure, with_file=self.rng.random() < 0.5)
        if state == EXTENSION:
            services.request_extension(
                dc.liaison,
                problem,
                new_deadline=problem.deadline + timedelta(days=30),
                reason="涉及多个部门协调，整改方案需报上级审定，申请延期一个月。",
            )


def build_rectification(demo: DemoCampaign, tree: OrgTree, cast: Cast, rng: random.Random) -> Rectification:
    """Create the city-level list (44/38/6, 63 measures) and district-level problems in every state."""
    work = Rectification(demo, tree, cast, rng, services.today())
    work.create_classes()
    work.city_problems()
    work.district_problems()
    services.refresh_lights()
    return work
