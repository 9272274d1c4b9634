"""No sequence of (actor, action) calls against the real services reaches an illegal state.

A Hypothesis state machine drives one problem of 东城区 with random users and actions (some
with a stale version, a missing reason or a bad file) and checks after every step that:
the state is one of the four; closed ⇔ closed_at set; a closed problem has an approved closure
request decided by someone other than its requester; the timeline's from/to states chain up to
the current state; every child row carries the problem's org path; a refused call changed
nothing; and, at the end, the audit chain verifies. Each example runs inside a savepoint that is
rolled back, so every example starts from the same clean world.

Set ``LUOSHI_HYPOTHESIS_PROFILE=thorough`` for a long run; the default ``ci`` profile takes seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.audit.services import verify_chain
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.problems import services, workflow
from luoshi.problems.choices import MeasureState, RequestState, State
from luoshi.problems.models import (
    ClosureRequest,
    Evidence,
    ExtensionRequest,
    Measure,
    Problem,
    ProblemEvent,
    ProgressEntry,
)
from luoshi.testing.footprint import footprint
from luoshi.testing.problems import new_problem, png
from luoshi.testing.world import World, make_user

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
# CI reports a failing run as found (with its reproduction blob) instead of spending minutes shrinking it
settings.register_profile(
    "luoshi-ci", max_examples=20, stateful_step_count=20, phases=[p for p in Phase if p != Phase.shrink], **_COMMON
)
settings.register_profile("luoshi-thorough", max_examples=400, stateful_step_count=50, **_COMMON)
PROFILE = settings.get_profile("luoshi-" + os.environ.get("LUOSHI_HYPOTHESIS_PROFILE", "ci"))

USERS = (
    "office_city",
    "office_a",
    "liaison_a",
    "leader_a",
    "leader_a2",
    "leader_b",
    "office_b",
    "supervisor_a",
    "both_a",
)
# who usually does each action
USUAL = {
    "claim": ("leader_a", "leader_a2"),
    "add_measure": ("leader_a", "leader_a2"),
    "complete_measure": ("leader_a", "liaison_a"),
    "report_progress": ("liaison_a", "leader_a"),
    "request_closure": ("leader_a", "both_a"),
    "approve_closure": ("both_a", "office_city"),
    "send_back": ("office_a", "both_a"),
    "reopen": ("office_city", "office_a"),
    "request_extension": ("liaison_a", "leader_a"),
    "approve_extension": ("office_city", "office_a"),
    "reject_extension": ("office_city", "office_a"),
    "edit": ("office_city", "liaison_a"),
    "move": ("office_city", "office_a"),
}
# what usually comes next in each state, so that random runs get deep into the lifecycle
LIKELY: dict[str, tuple[str, ...]] = {
    State.PENDING_CLAIM: ("claim", "edit", "request_extension"),
    State.RECTIFYING: ("report_progress", "request_closure", "complete_measure", "add_measure"),
    State.PENDING_REVIEW: ("approve_closure", "send_back", "approve_extension"),
    State.CLOSED: ("reopen", "move"),
}
VERSIONED = frozenset({"claim", "request_closure", "approve_closure", "send_back", "reopen", "edit"})
BAD_FILE = b"this is not a picture"


class Lifecycle(RuleBasedStateMachine):
    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.problem = new_problem(world, deadline=dt.date.today() + dt.timedelta(days=60))
        self.last_version = self.problem.version
        self.footprint: dict[str, Any] | None = None

    def teardown(self) -> None:
        try:
            assert verify_chain() is None
        finally:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def _fresh(self) -> Problem:
        return Problem.objects.get(pk=self.problem.pk)

    def _version(self, choice: str) -> int | None:
        current = self._fresh().version
        return {"current": current, "stale": current - 1, "none": None}[choice]

    def _calls(self, text: str, bad_file: bool) -> dict[str, Callable[[Any, Problem, int | None], Any]]:
        w = self.world
        current = self._fresh().version

        def open_measure() -> Measure | None:
            measures = Measure.objects.filter(problem=self.problem).order_by("state", "id")
            return measures.filter(state=MeasureState.IN_PROGRESS).first() or measures.first()

        def pending_extension() -> ExtensionRequest | None:
            return ExtensionRequest.objects.filter(problem=self.problem, state=RequestState.PENDING).first()

        def need(obj: Any) -> Any:
            if obj is None:
                raise RuleViolation("nothing to act on", code="test_nothing")
            return obj

        files = [SimpleUploadedFile("bad.png", BAD_FILE)] if bad_file else [png()]
        return {
            "claim": lambda u, p, v: services.claim(u, p, version=v),
            "add_measure": lambda u, p, v: services.add_measure(
                u, p, text=text, owner_unit=w.district_a, deadline=p.deadline
            ),
            "complete_measure": lambda u, p, v: services.complete_measure(u, need(open_measure())),
            "report_progress": lambda u, p, v: services.report_progress(u, p, text=text, files=files),
            "request_closure": lambda u, p, v: services.request_closure(u, p, summary=text, version=v),
            "approve_closure": lambda u, p, v: services.approve_closure(u, p, note=text, version=v),
            "send_back": lambda u, p, v: services.send_back(u, p, reason=text, version=v),
            "reopen": lambda u, p, v: services.reopen(u, p, reason=text, version=v),
            "request_extension": lambda u, p, v: services.request_extension(
                u, p, new_deadline=p.deadline + dt.timedelta(days=7), reason=text
            ),
            "approve_extension": lambda u, p, v: services.approve_extension(u, need(pending_extension()), note=text),
            "reject_extension": lambda u, p, v: services.reject_extension(u, need(pending_extension()), note=text),
            "edit": lambda u, p, v: services.edit_problem(u, p, current if v is None else v, title=text or "空"),
            "move": lambda u, p, v: services.edit_problem(
                u, p, current, unit=w.street_a if self._fresh().unit_id == w.district_a.pk else w.district_a
            ),
        }

    @rule(
        data=st.data(),
        text=st.sampled_from(["整改到位", "整改到位", "整改到位", "", "  "]),
        version=st.sampled_from(["current", "current", "none", "stale"]),
        bad_file=st.sampled_from([False, False, False, True]),
    )
    def act(self, data: st.DataObject, text: str, version: str, bad_file: bool) -> None:
        fresh = self._fresh()
        likely = st.sampled_from(LIKELY[fresh.state])
        action = data.draw(st.one_of(likely, likely, likely, st.sampled_from(sorted(USUAL))), label="action")
        usual = st.sampled_from(USUAL[action])
        username = data.draw(st.one_of(usual, usual, usual, st.sampled_from(USERS)), label="actor")
        actor = self.world.users[username]
        before = self.footprint or footprint(self.problem)
        call = self._calls(text, bad_file)[action]
        refusal: RuleViolation | NotAllowed | None = None
        try:
            call(actor, self.problem, self._version(version))
        except (RuleViolation, NotAllowed) as exc:
            refusal = exc
        if refusal is None:
            self.footprint = None
            self._check_success(action, actor, fresh, version)
            event(f"{action} 成功")
            return
        self.footprint = footprint(self.problem)
        assert self.footprint == before, f"{username} {action} refused but changed data: {refusal}"
        self._check_refusal(action, actor, fresh, version, refusal)

    @rule(decision=st.sampled_from(["approve", "send_back"]), requester=st.sampled_from(["both_a", "leader_a"]))
    def advance(self, decision: str, requester: str) -> None:
        """The usual next step by the usual person always works: no sequence leaves a problem stuck."""
        w, problem = self.world, self._fresh()
        if problem.state == State.PENDING_CLAIM:
            services.claim(problem.responsible_leader or w.leader_a, problem)
        elif problem.state == State.RECTIFYING:
            measure = problem.measures.filter(state=MeasureState.IN_PROGRESS).first()
            if measure is not None:
                services.complete_measure(w.liaison_a, measure)
            elif not Evidence.objects.filter(progress__problem=problem).exists():
                services.report_progress(w.liaison_a, problem, text="整改进展", files=[png()])
            else:
                services.request_closure(w.users[requester], problem, summary="整改完成", version=problem.version)
        elif problem.state == State.PENDING_REVIEW and decision == "approve":
            services.approve_closure(w.office_city, problem, version=problem.version)
        elif problem.state == State.PENDING_REVIEW:
            services.send_back(w.office_a, problem, reason="佐证不足", version=problem.version)
        else:
            services.reopen(w.office_a, problem, reason="回头看发现反弹", version=problem.version)
        self.footprint = None
        event(f"advance from {problem.state}")

    def _check_refusal(self, action: str, actor: Any, before: Problem, version: str, exc: Exception) -> None:
        step = workflow.TRANSITIONS.get(action)
        if step is None or version != "current" or isinstance(exc, Conflict):
            return
        if scope.can(actor, step.perm, before.org_path) and before.state in step.sources:
            # a permitted, legal transition may only be refused by a rule about its input
            assert isinstance(exc, RuleViolation)
            assert exc.code != "illegal_transition"

    def _check_success(self, action: str, actor: Any, before: Problem, version: str) -> None:
        if action in VERSIONED:
            assert version != "stale", f"{action} accepted a stale version"
        step = workflow.TRANSITIONS.get(action)
        if step is not None:
            assert before.state in step.sources
            assert scope.can(actor, step.perm, before.org_path)
            assert self._fresh().state == step.target
        if action == "move":
            self._check_children()

    @invariant()
    def consistent(self) -> None:
        problem = self._fresh()
        self._check_problem(problem)
        self._check_requests(problem)
        self._check_timeline(problem)

    def _check_problem(self, problem: Problem) -> None:
        assert problem.state in State.values
        assert (problem.state == State.CLOSED) == (problem.closed_at is not None)
        assert problem.version >= self.last_version
        self.last_version = problem.version
        light = workflow.light_for(problem.state, problem.deadline, services.today(), problem.campaign.yellow_days)
        assert problem.light == light

    def _check_requests(self, problem: Problem) -> None:
        closures = list(ClosureRequest.objects.filter(problem=problem).order_by("id"))
        pending = [c for c in closures if c.state == RequestState.PENDING]
        assert len(pending) == (1 if problem.state == State.PENDING_REVIEW else 0)
        assert ExtensionRequest.objects.filter(problem=problem, state=RequestState.PENDING).count() <= 1
        if problem.state in (State.PENDING_REVIEW, State.CLOSED):
            assert not problem.measures.exclude(state=MeasureState.DONE).exists()
            assert Evidence.objects.filter(progress__problem=problem).exists()
        if problem.state == State.CLOSED:
            last = closures[-1]
            assert last.state == RequestState.APPROVED
            assert last.decided_by_id is not None
            assert last.decided_by_id != last.requested_by_id

    def _check_timeline(self, problem: Problem) -> None:
        steps = ProblemEvent.objects.filter(problem=problem).exclude(to_state="").order_by("id")
        pairs = list(steps.values_list("from_state", "to_state"))
        assert pairs[0] == ("", State.PENDING_CLAIM)
        for (_, previous_to), (from_state, _) in itertools.pairwise(pairs):
            assert from_state == previous_to
        assert pairs[-1][1] == problem.state

    def _check_children(self) -> None:
        problem = self._fresh()
        for model in (Measure, ProgressEntry, ClosureRequest, ExtensionRequest, ProblemEvent):
            assert not model.objects.filter(problem=problem).exclude(org_path=problem.org_path).exists()
        evidence = Evidence.objects.filter(progress__problem=problem).exclude(org_path=problem.org_path)
        assert not evidence.exists()


def _with_leader_who_is_also_office(world: World) -> World:
    """Someone holding both roles in 东城区 tests that nobody reviews their own request."""
    both = make_user("both_a", Role.LEADER, world.district_a, "东城兼职")
    RoleAssignment.objects.create(user=both, role=Role.OFFICE, unit=world.district_a)
    world.users["both_a"] = both
    return world


def test_no_sequence_of_calls_reaches_an_illegal_state(world: World) -> None:
    world = _with_leader_who_is_also_office(world)

    class LifecycleInWorld(Lifecycle):
        def __init__(self) -> None:
            super().__init__(world)

    run_state_machine_as_test(LifecycleInWorld, settings=PROFILE)


def test_the_machine_reaches_closure(world: World) -> None:
    """A scripted run through the same machine shows that its rules can close and reopen a problem."""
    machine = Lifecycle(world)
    try:
        for action, username in [
            ("claim", "leader_a"),
            ("report_progress", "liaison_a"),
            ("request_closure", "leader_a"),
            ("approve_closure", "office_city"),
            ("reopen", "office_a"),
        ]:
            call = machine._calls("整改到位", bad_file=False)[action]
            call(world.users[username], machine.problem, None)
            machine.consistent()
        assert machine._fresh().state == State.RECTIFYING
    finally:
        machine.teardown()
