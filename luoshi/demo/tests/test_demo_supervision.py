"""The demo's supervision (Ningbo's 28 groups and 59 units), on one small build of its own."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from luoshi.access import scope
from luoshi.core import paths
from luoshi.demo.campaign import setup_campaign
from luoshi.demo.names import NameMaker
from luoshi.demo.orgtree import build_org_tree
from luoshi.demo.people import People, build_cast
from luoshi.demo.supervision import GROUPS, UNITS, build_supervision
from luoshi.orgs.models import Unit
from luoshi.problems.services import today
from luoshi.reports.services import measure_value
from luoshi.supervision.choices import EventKind, FindingState, MemberRole, ReportState
from luoshi.supervision.models import (
    Finding,
    GroupAssignment,
    GroupMember,
    Questionnaire,
    SupervisionGroup,
    SupervisionReport,
    VisitRecord,
)
from luoshi.urging.models import Urge
from luoshi.visits.choices import VisitState
from luoshi.visits.models import Visit

# the module builds one demo: its tests share a worker (``--dist loadgroup``) so it is built once
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_supervision")]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=str(media)):
        rng = random.Random(5)
        tree = build_org_tree(150, rng)
        people = People(NameMaker(rng))
        cast = build_cast(tree, people.names, people)
        made = setup_campaign(tree.city, today())
        lines = build_supervision(made, tree, cast, people, random.Random(8), today())
        yield {"campaign": made.campaign, "cast": cast, "tree": tree, "lines": lines}
        transaction.set_rollback(True)


def test_28_groups_sent_to_59_units_check_as_ningbo_says(demo: dict[str, Any]) -> None:
    campaign, city = demo["campaign"], demo["tree"].city
    assert SupervisionGroup.objects.filter(campaign=campaign).count() == GROUPS == 28
    units = GroupAssignment.objects.filter(group__campaign=campaign).values("unit").distinct().count()
    assert units == UNITS == 59
    assert measure_value("supervision_groups", campaign, city) == 28
    assert measure_value("supervised_units", campaign, city) == 59
    kinds = set(Unit.objects.filter(pk__in=GroupAssignment.objects.values("unit")).values_list("kind__code", flat=True))
    assert kinds >= {"district", "dept", "street"}
    assert GroupMember.objects.filter(role=MemberRole.LEADER).count() == 28
    assert "派出 28 个督导组，对 59 家单位开展督导" in demo["lines"][0]


def test_the_demo_supervisor_leads_group_1_and_sees_its_units_by_assignment(demo: dict[str, Any]) -> None:
    supervisor, home = demo["cast"].supervisor, demo["cast"].home.unit
    group = SupervisionGroup.objects.get(name="市委第1督导组")
    assert GroupMember.objects.get(group=group, user=supervisor).role == MemberRole.LEADER
    scope.forget(supervisor)
    outside = [a.unit for a in group.assignments.select_related("unit") if not paths.is_within(a.unit.path, home.path)]
    assert outside
    for unit in outside:
        assert scope.can(supervisor, "supervise", unit.path)


def test_two_months_of_visits_of_all_four_kinds_recorded_with_scores_and_questionnaires(
    demo: dict[str, Any],
) -> None:
    visits = Visit.objects.filter(campaign=demo["campaign"]).exclude(state=VisitState.CANCELLED)
    assert visits.filter(date__lt=today() - timedelta(days=40)).exists()
    assert not visits.filter(date__lt=today() - timedelta(days=75)).exists()
    for kind in ("hears", "looks", "checks", "talks"):
        assert visits.filter(**{kind: True}, state=VisitState.RECORDED).exists(), kind
    assert visits.filter(state=VisitState.PLANNED, date__gt=today()).exists()
    records = VisitRecord.objects.filter(visit__campaign=demo["campaign"])
    assert records.count() >= 40
    assert all(r.scores.count() == 5 for r in records.prefetch_related("scores"))
    assert Questionnaire.objects.filter(record__in=records).count() == records.filter(visit__talks=True).count()


def test_a_few_villages_visited_too_often_carry_warnings_and_reasons_many_never_visited(demo: dict[str, Any]) -> None:
    warned = Visit.objects.filter(campaign=demo["campaign"]).exclude(warnings=[])
    assert warned.count() >= 3
    assert set(warned.values_list("unit__kind__code", flat=True)) == {"community"}
    assert all(v.override_reason for v in warned)
    visited = Visit.objects.values("unit")
    assert Unit.objects.exclude(pk__in=visited).count() > Unit.objects.filter(pk__in=visited).count()
    assert GroupAssignment.objects.exclude(unit__in=visited).exists()  # assigned but not visited yet


def test_findings_in_every_state_and_transferred_ones_linked_to_problems(demo: dict[str, Any]) -> None:
    findings = Finding.objects.filter(group__campaign=demo["campaign"])
    assert set(findings.values_list("state", flat=True)) == set(FindingState.values)
    transferred = findings.filter(state=FindingState.TRANSFERRED).select_related("problem", "unit")
    assert transferred
    for finding in transferred:
        assert finding.problem is not None
        assert finding.problem.unit_id == finding.unit_id
        assert finding.unit.kind.code != "dept"


def test_a_word_report_per_visited_unit_issued_and_some_acknowledged(demo: dict[str, Any]) -> None:
    recorded = set(VisitRecord.objects.filter(group__campaign=demo["campaign"]).values_list("visit__unit", flat=True))
    reports = SupervisionReport.objects.filter(group__campaign=demo["campaign"])
    assert set(reports.values_list("unit", flat=True)) == recorded
    assert not reports.filter(state=ReportState.DRAFT).exists()
    assert reports.filter(state=ReportState.ACKNOWLEDGED).exists()
    assert reports.filter(state=ReportState.ISSUED).exists()
    for report in reports.prefetch_related("versions"):
        assert all(version.file.name.endswith(".docx") for version in report.versions.all())
    retaken = reports.get(events__kind=EventKind.WITHDRAWN)
    assert (retaken.state, retaken.versions.count()) == (ReportState.ISSUED, 2)
    assert Urge.objects.filter(object_type="supervision.supervisionreport", object_id=retaken.pk).exists()
