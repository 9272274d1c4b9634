"""The figures and the lifecycle of the demo data, on one shared build."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.audit.services import verify_chain
from luoshi.campaigns.models import DEFAULT_CHANNELS, Campaign
from luoshi.core.paths import child_path, depth, subtree_q
from luoshi.demo.accounts import DEMO_PASSWORD, DEMO_PREFIX
from luoshi.demo.builder import city_level_units
from luoshi.demo.content import ASPECTS
from luoshi.orgs.models import Unit
from luoshi.problems.choices import EventKind, Light, MeasureState, RequestState, State
from luoshi.problems.models import Evidence, ExtensionRequest, Measure, Problem, ProblemClass
from luoshi.problems.services import today

# the module builds one demo: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_data")]

UNITS = 150
DEMO_ROLES = {
    "demo_office": (Role.OFFICE, 1),
    "demo_office_district": (Role.OFFICE, 2),
    "demo_liaison": (Role.LIAISON, 2),
    "demo_leader": (Role.LEADER, 2),
    "demo_city_leader": (Role.LEADER, 1),
    "demo_supervisor": (Role.SUPERVISOR, 2),
    "demo_secadmin": (Role.SECURITY_ADMIN, 1),
    "demo_auditor": (Role.AUDITOR, 1),
    "demo_dispatcher": (Role.DISPATCHER, 1),
    "demo_handler": (Role.HANDLER, 2),
    "demo_speaker": (Role.SPEAKER, 1),
}


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One build shared by this module's tests (each runs in its own savepoint), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo("--units", str(UNITS), "--seed", "7")
        transaction.set_rollback(True)


def city() -> Unit:
    return Unit.objects.get(parent__isnull=True)


def city_level_problems() -> list[Problem]:
    return list(Problem.objects.filter(unit__in=city_level_units(city())))


def test_city_level_list_has_44_problems_38_closed_and_6_rectifying(demo):
    states = [p.state for p in city_level_problems()]
    assert len(states) == 44
    assert states.count(State.CLOSED) == 38
    assert states.count(State.RECTIFYING) == 6
    assert "市级问题清单 44 个" in demo
    assert "已销号 38" in demo


def test_63_measures_each_owned_by_a_city_level_leader(demo):
    city_leaders = set(RoleAssignment.objects.filter(role=Role.LEADER, unit=city()).values_list("user_id", flat=True))
    measures = list(Measure.objects.filter(problem__in=city_level_problems()))
    assert len(measures) == 63
    assert {m.owner_id for m in measures} <= city_leaders
    assert len({m.owner_id for m in measures}) == len(city_leaders) > 1
    demo_leader = get_user_model().objects.get(username="demo_city_leader")
    assert demo_leader.pk in city_leaders
    assert Measure.objects.filter(owner=demo_leader).exists()


def test_campaign_has_all_14_aspects_and_the_8_default_channels(demo):
    campaign = Campaign.objects.get()
    assert [a.name for a in campaign.aspects.all()] == list(ASPECTS)
    assert len(ASPECTS) == 14
    assert [c.name for c in campaign.channels.all()] == list(DEFAULT_CHANNELS)
    assert Problem.objects.values("aspect").distinct().count() == 14


def test_org_tree_has_the_requested_size_and_consistent_paths(demo):
    units = {u.pk: u for u in Unit.objects.all()}
    assert len(units) == UNITS
    children: dict[int, list[Unit]] = {pk: [] for pk in units}
    for unit in units.values():
        if unit.parent_id:
            children[unit.parent_id].append(unit)
        assert unit.level == depth(unit.path)
        assert unit.member_count > 0
        assert unit.leaders
    for pk, kids in children.items():
        parent = units[pk]
        assert parent.child_seq == len(kids)
        assert sorted(k.path for k in kids) == [child_path(parent.path, i) for i in range(1, len(kids) + 1)]
    kinds = set(Unit.objects.values_list("kind__name", flat=True))
    assert {"县市区", "功能区", "市直部门", "乡镇街道", "村社区", "党支部"} <= kinds


def test_a_demo_account_for_every_role_that_can_log_in(demo):
    assignments = RoleAssignment.objects.filter(user__username__startswith=DEMO_PREFIX).select_related("user", "unit")
    found = {a.user.username: (a.role, a.unit.level) for a in assignments}
    assert found == DEMO_ROLES
    assert {role for role, _ in found.values()} == set(Role.values)
    district = Unit.objects.get(assignments__user__username="demo_leader")
    assert all(a.unit == district for a in assignments if a.unit.level == 2)
    assert Client().login(username="demo_liaison", password=DEMO_PASSWORD)
    officials = get_user_model().objects.exclude(username__startswith=DEMO_PREFIX)
    assert officials.exists()
    assert not any(u.has_usable_password() for u in officials)
    assert "demo_city_leader" in demo


def test_every_district_has_problems_in_every_state(demo):
    districts = Unit.objects.filter(parent=city(), kind__name__in=["县市区", "功能区"])
    assert districts.count() == 12
    for district in districts:
        states = set(Problem.objects.filter(subtree_q(district.path)).values_list("state", flat=True))
        assert states == set(State.values), district.name


def test_lifecycle_went_through_the_services_and_the_audit_chain_verifies(demo):
    assert verify_chain() is None
    problem = next(p for p in city_level_problems() if p.state == State.CLOSED)
    kinds = [e.kind for e in problem.events.all()]
    for kind in (EventKind.FILED, EventKind.CLAIMED, EventKind.MEASURE_ADDED, EventKind.PROGRESS, EventKind.CLOSED):
        assert kind in kinds
    closure = problem.closure_requests.get()
    assert closure.state == RequestState.APPROVED
    assert closure.decided_by_id != closure.requested_by_id
    evidence = Evidence.objects.filter(progress__problem=problem).get()
    with evidence.file.open("rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert problem.measures.exclude(state=MeasureState.DONE).count() == 0


def test_lights_overdue_measures_classes_and_a_pending_extension(demo):
    open_problems = Problem.objects.exclude(state=State.CLOSED)
    assert open_problems.filter(light=Light.RED).exists()
    assert open_problems.filter(light=Light.YELLOW).exists()
    assert not Problem.objects.filter(state=State.CLOSED).exclude(light=Light.GREEN).exists()
    city_open = [p for p in city_level_problems() if p.state == State.RECTIFYING]
    assert {p.light for p in city_open} == {Light.RED, Light.YELLOW, Light.GREEN}
    overdue = Measure.objects.filter(state=MeasureState.IN_PROGRESS, deadline__lt=today())
    assert overdue.exists()
    assert ExtensionRequest.objects.filter(state=RequestState.PENDING).count() == 1
    classes = ProblemClass.objects.all()
    assert classes.count() >= 3
    assert all(c.problems.count() >= 2 for c in classes)


DEMO_STUDY_REPORT = (
    "全市制定5大类118项宣讲菜单，基层点单、上门送学84场次，3.3万名党员干部受教育；设立426个开放式学习小组。"
    "以县为单位，举办基层党组织书记专题轮训班21期。县处级读书班至少安排10个半天开展集中学习。"
)


def test_a_report_quoting_the_demo_study_figures_is_checked(demo):
    from luoshi.reports import claims
    from luoshi.reports import services as reports
    from luoshi.reports.tests.helpers import txt

    campaign = Campaign.objects.get()
    office = get_user_model().objects.get(username="demo_office")
    (report,) = reports.upload_reports(office, campaign, city(), [txt(DEMO_STUDY_REPORT)])
    found = {c.rule.measure: (c.verdict, c.actual) for c in claims.check_report(reports.process_report(report))}
    assert found == {
        "lecture_categories": ("consistent", 5),
        "lecture_items": ("consistent", 118),
        "lecture_orders": ("consistent", 84),
        "lecture_listeners": ("consistent", 33_000),
        "study_groups": ("consistent", 426),
        "rotation_classes": ("consistent", 21),
        # one district's reading class was planned with 8 half-days: the check catches the "at least 10"
        "reading_half_days": ("inconsistent", 8),
    }
    assert "宣讲点单 84 单" in demo
    assert "意见建议 3000 条" in demo
