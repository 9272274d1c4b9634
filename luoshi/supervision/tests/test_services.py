"""Supervision services: groups, members, assignments, the checklist, visits and their records, findings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.access.roles import Role
from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.notices.models import Notification
from luoshi.problems.models import Problem
from luoshi.supervision import queries, services
from luoshi.supervision.choices import FindingKind, FindingState, MemberRole
from luoshi.supervision.models import ChecklistItem, FindingEvent, GroupMember, SupervisionGroup, VisitFile
from luoshi.supervision.tests.factory import TODAY, Sup, build, finding, on, plan, recorded
from luoshi.testing.problems import png
from luoshi.testing.world import World, make_user
from luoshi.visits.choices import VisitState
from luoshi.visits.services import VisitRefused


@pytest.fixture
def sup(world: World) -> Sup:
    return build(world)


def items(sup: Sup) -> tuple[ChecklistItem, ChecklistItem]:
    world = sup.world
    one = services.add_checklist_item(world.office_city, world.campaign, text="台账规范", max_score="10")
    two = services.add_checklist_item(
        world.office_city, world.campaign, text="群众满意", max_score=Decimal(20), aspect=world.aspects[3]
    )
    return one, two


def audited(obj: object, action: str = "create") -> bool:
    return AuditEvent.objects.filter(
        action=action,
        object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
        object_id=str(obj.pk),  # type: ignore[attr-defined]
    ).exists()


# --- groups -------------------------------------------------------------------------------------------------------


def test_create_and_update_group(world: World) -> None:
    group = services.create_group(world.office_a, campaign=world.campaign, unit=world.district_a, name=" 第一组 ")
    assert group.name == "第一组"
    assert group.org_path == world.district_a.path
    assert audited(group)
    changed = services.update_group(world.office_a, group, name="东城第一督导组", round=2, note="首轮")
    assert (changed.name, changed.round, changed.note) == ("东城第一督导组", 2, "首轮")
    assert audited(changed, "update")
    with pytest.raises(NotAllowed):
        services.update_group(world.office_b, group, name="越权")
    with pytest.raises(NotAllowed):
        services.create_group(world.office_b, campaign=world.campaign, unit=world.district_a, name="越权")
    with pytest.raises(NotAllowed):
        services.create_group(world.liaison_a, campaign=world.campaign, unit=world.district_a, name="越权")
    with pytest.raises(RuleViolation):
        services.create_group(world.office_a, campaign=world.campaign, unit=world.district_a, name="  ")
    with pytest.raises(RuleViolation):
        services.update_group(world.office_a, group, round=0)


def test_members_are_users_in_the_offices_scope_with_one_leader(sup: Sup) -> None:
    world = sup.world
    assert set(services.member_candidates(world.office_a, "督导组").values_list("username", flat=True)) == {
        "zuzhang",
        "zuyuan",
    }
    assert not services.member_candidates(world.office_a).filter(pk=world.liaison_b.pk).exists()
    with pytest.raises(RuleViolation):
        services.add_member(world.office_a, sup.group, world.liaison_b)  # district B's
    with pytest.raises(RuleViolation):
        services.add_member(world.office_a, sup.group, world.leader_a, MemberRole.LEADER)  # a second leader
    with pytest.raises(RuleViolation):
        services.add_member(world.office_a, sup.group, sup.member)  # already a member
    with pytest.raises(RuleViolation):
        services.add_member(world.office_a, sup.group, world.leader_a, "boss")
    with pytest.raises(NotAllowed):
        services.add_member(world.office_b, sup.group, world.leader_a)
    liaison = services.add_member(world.office_a, sup.group, world.liaison_a, MemberRole.LIAISON)
    assert audited(liaison)
    with pytest.raises(NotAllowed):
        services.remove_member(world.office_b, liaison)
    services.remove_member(world.office_a, liaison)
    assert not GroupMember.objects.filter(pk=liaison.pk).exists()


def test_assignment_rules(sup: Sup) -> None:
    world = sup.world
    with pytest.raises(RuleViolation):  # the group's own unit
        services.assign_unit(world.office_a, sup.group, world.district_a, dt.date(2026, 3, 1))
    with pytest.raises(NotAllowed):  # outside the office
        services.assign_unit(world.office_a, sup.group, world.district_b, dt.date(2026, 3, 1))
    with pytest.raises(RuleViolation):  # overlaps the running one
        services.assign_unit(world.office_a, sup.group, world.street_a, dt.date(2026, 3, 1))
    with pytest.raises(RuleViolation):
        services.assign_unit(world.office_a, sup.group, sup.street_a2, dt.date(2026, 3, 1), dt.date(2026, 2, 1))
    with pytest.raises(RuleViolation):  # outside the campaign
        services.assign_unit(world.office_a, sup.group, sup.street_a2, dt.date(2027, 3, 1))
    made = services.assign_unit(world.office_a, sup.group, sup.street_a2, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert audited(made)
    with pytest.raises(RuleViolation):  # before it starts
        services.end_assignment(world.office_a, made, dt.date(2026, 2, 1))
    with pytest.raises(RuleViolation):  # already over by then
        services.end_assignment(world.office_a, made, dt.date(2026, 4, 30))
    with pytest.raises(NotAllowed):
        services.end_assignment(world.office_b, made, dt.date(2026, 3, 15))
    ended = services.end_assignment(world.office_a, made, dt.date(2026, 3, 15))
    assert ended.ends_on == dt.date(2026, 3, 15)
    assert audited(ended, "update")


# --- checklist ----------------------------------------------------------------------------------------------------


def test_checklist_items_add_edit_order(sup: Sup) -> None:
    world = sup.world
    one, two = items(sup)
    assert [i.pk for i in queries.checklist_of(world.campaign)] == [one.pk, two.pk]
    services.move_checklist_item(world.office_city, two, "up")
    assert [i.pk for i in queries.checklist_of(world.campaign)] == [two.pk, one.pk]
    services.move_checklist_item(world.office_city, two, "up")  # already first: stays
    assert [i.pk for i in queries.checklist_of(world.campaign)] == [two.pk, one.pk]
    edited = services.edit_checklist_item(world.office_city, one, text="台账规范完整", max_score="15", aspect=None)
    assert edited.max_score == Decimal(15)
    assert audited(edited, "update")
    for bad in ("0", "-1", "abc", "NaN", "1001"):
        with pytest.raises(RuleViolation):
            services.add_checklist_item(world.office_city, world.campaign, text="坏", max_score=bad)
    with pytest.raises(NotAllowed):  # a district office does not set the city campaign's checklist
        services.add_checklist_item(world.office_a, world.campaign, text="越权", max_score="5")
    with pytest.raises(RuleViolation):
        services.move_checklist_item(world.office_city, one, "sideways")


# --- visits -------------------------------------------------------------------------------------------------------


def test_plan_visit_goes_through_the_calendar_with_its_warnings(sup: Sup) -> None:
    world = sup.world
    with on(TODAY):
        visit = plan(sup)
        assert visit.organiser == sup.group.name
        assert visit.organiser_key == f"group:{sup.group.pk}"
        with pytest.raises(VisitRefused) as warned:
            plan(sup, headcount=12)
        assert warned.value.code == "needs_reason"
        assert warned.value.hits
        big = plan(sup, headcount=12, override_reason="省级交叉检查需全员参加")
        assert big.override_reason == "省级交叉检查需全员参加"
        with pytest.raises(RuleViolation) as refused:  # not one of its units
            plan(sup, unit=sup.street_a2)
        assert refused.value.code == "not_assigned"
        with pytest.raises(NotAllowed):
            services.plan_visit(
                sup.fresh(world.liaison_a), sup.group, unit=world.street_a, date=TODAY, headcount=2, team="x",
                kinds=["looks"],
            )  # fmt: skip


def test_record_visit_with_scores_files_and_questionnaires(sup: Sup) -> None:
    world = sup.world
    one, two = items(sup)
    survey = {"topic": "服务满意度", "respondents": 20, "satisfied": 15, "basically_satisfied": 3, "dissatisfied": 2}
    made = recorded(sup, scores={one.pk: "8", str(two.pk): 18.5}, files=[png("现场.png")], questionnaires=[survey])
    assert made.visit.state == VisitState.RECORDED
    assert sorted(s.score for s in made.scores.all()) == [Decimal(8), Decimal("18.5")]
    assert made.questionnaires.get().satisfied == 15
    stored = VisitFile.objects.get(record=made)
    assert stored.org_path == world.street_a.path
    assert stored.original_name == "现场.png"
    assert audited(made)
    score = queries.unit_score(sup.group, world.street_a)
    assert score is not None
    assert (score.scored, score.possible, score.percent) == (Decimal("26.5"), Decimal(30), Decimal("88.3"))
    assert queries.unit_score(world.campaign, world.street_a) == score
    assert queries.unit_score(sup.group, sup.street_a2) is None
    assert list(queries.unit_records(sup.group, world.street_a)) == [made]
    with on(TODAY), pytest.raises(RuleViolation):  # once
        services.record_visit(sup.fresh(sup.member), made.visit, sup.group, notes="再记一次")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"scores": {"ITEM": "11"}}, "score"),
        ({"scores": {"ITEM": "-1"}}, "score"),
        ({"scores": {"ITEM": "abc"}}, "score"),
        ({"scores": {"999999": "1"}}, "score"),
        ({"questionnaires": [{"topic": "x", "respondents": 2, "satisfied": 3}]}, "questionnaire"),
        ({"questionnaires": [{"topic": "x", "respondents": 0}]}, "questionnaire"),
    ],
)
def test_record_visit_refuses_bad_input_and_changes_nothing(sup: Sup, kw: dict, code: str) -> None:
    one, _two = items(sup)
    if "scores" in kw:
        kw = {"scores": {(str(one.pk) if k == "ITEM" else k): v for k, v in kw["scores"].items()}}
    with on(TODAY):
        visit = plan(sup)
        with pytest.raises(RuleViolation) as refused:
            services.record_visit(sup.fresh(sup.member), visit, sup.group, notes="走访", **kw)
    assert refused.value.code == code
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED


def test_only_members_record_and_only_talks_visits_take_questionnaires(sup: Sup) -> None:
    world = sup.world
    with on(TODAY):
        visit = plan(sup, kinds=["looks"])
        with pytest.raises(NotAllowed):  # a supervisor of district A who is no member
            services.record_visit(sup.fresh(world.supervisor_a), visit, sup.group, notes="越权")
        with pytest.raises(NotAllowed):
            services.record_visit(sup.fresh(world.office_a), visit, sup.group, notes="越权")
        with pytest.raises(RuleViolation):
            services.record_visit(
                sup.fresh(sup.member), visit, sup.group, notes="走访", questionnaires=[{"topic": "x", "respondents": 3}]
            )
        future = plan(sup, day=TODAY + dt.timedelta(days=5))
        with pytest.raises(RuleViolation):
            services.record_visit(sup.fresh(sup.member), future, sup.group, notes="未到")


def test_a_refused_upload_stores_nothing(sup: Sup) -> None:
    bad = SimpleUploadedFile("脚本.exe", b"MZ\x00\x00", content_type="application/octet-stream")
    with on(TODAY):
        visit = plan(sup)
        with pytest.raises(RuleViolation):
            services.record_visit(sup.fresh(sup.member), visit, sup.group, notes="走访", files=[bad])
    assert not VisitFile.objects.exists()


# --- findings -----------------------------------------------------------------------------------------------------


def test_finding_is_transferred_into_the_units_problem_list_exactly_once(sup: Sup) -> None:
    world = sup.world
    made = recorded(sup)
    item = finding(sup, FindingState.CONFIRMED, visit_record=made)
    moved = services.transfer_finding(sup.fresh(sup.leader), item)
    assert moved.state == FindingState.TRANSFERRED
    assert moved.problem is not None
    problem = moved.problem
    assert problem.unit == world.street_a
    assert problem.title == item.title
    assert problem.aspect == item.aspect
    assert problem.deadline == item.due_date
    assert problem.found_on == made.visit.date
    assert "一周内补齐台账" in problem.description
    assert "东城第一督导组" in problem.description
    assert problem.supervision_finding == moved  # linked both ways
    with pytest.raises(RuleViolation) as again:
        services.transfer_finding(world.office_a, moved)
    assert again.value.code == "illegal_transition"
    assert Problem.objects.filter(title=item.title).count() == 1


def test_transfer_needs_aspect_and_due_date_and_dismiss_needs_a_reason(sup: Sup) -> None:
    bare = finding(sup, FindingState.CONFIRMED, aspect=None, due_date=None)
    assert "transfer" not in services.available_actions(sup.fresh(sup.leader), bare)
    with pytest.raises(RuleViolation):
        services.transfer_finding(sup.fresh(sup.leader), bare)
    edited = services.edit_finding(
        sup.fresh(sup.member), bare, aspect=sup.world.aspects[0], due_date=dt.date(2026, 12, 1)
    )
    assert "transfer" in services.available_actions(sup.fresh(sup.leader), edited)
    with pytest.raises(RuleViolation):
        services.dismiss_finding(sup.fresh(sup.leader), edited, reason="  ")
    dismissed = services.dismiss_finding(sup.world.office_a, edited, reason="重复")
    assert dismissed.dismiss_reason == "重复"
    with pytest.raises(RuleViolation):
        services.edit_finding(sup.fresh(sup.member), dismissed, title="改")


def test_record_finding_rules(sup: Sup) -> None:
    world = sup.world
    with pytest.raises(NotAllowed):  # district A's supervisor is no member
        services.record_finding(
            sup.fresh(world.supervisor_a), sup.group, unit=world.street_a, title="x", description="y"
        )
    with pytest.raises(RuleViolation):
        services.record_finding(
            sup.fresh(sup.member), sup.group, unit=world.street_a, title="x", description="y", kind="gossip"
        )
    with pytest.raises(RuleViolation):
        services.record_finding(sup.fresh(sup.member), sup.group, unit=world.street_a, title="", description="y")
    practice = finding(sup, kind=FindingKind.PRACTICE)
    assert practice.events.get().kind == "drafted"
    assert list(queries.unit_findings(sup.group, world.street_a)) == [practice]


def test_findings_counted_per_unit_kind_and_aspect(sup: Sup) -> None:
    world = sup.world
    finding(sup)
    finding(sup, kind=FindingKind.RISK, aspect=world.aspects[0])
    finding(sup, FindingState.DISMISSED)
    with on(TODAY):
        counts = queries.finding_counts(sup.fresh(world.office_a), sup.group)
    assert counts.total == 2
    assert counts.by_unit == [("东城街道", 2)]
    assert dict(counts.by_kind) == {"问题": 1, "风险隐患": 1, "经验做法": 0}
    assert dict(counts.by_aspect) == {world.aspects[0].name: 1, world.aspects[2].name: 1}
    assert queries.finding_counts(sup.fresh(world.office_b), sup.group).total == 0


def test_ranking_ties_share_a_rank(world: World) -> None:
    sup = build(world)
    one, _two = items(sup)
    services.assign_unit(world.office_a, sup.group, sup.street_a2, dt.date(2026, 1, 1))
    recorded(sup, scores={one.pk: "8"})
    with on(TODAY):
        visit = plan(sup, unit=sup.street_a2)
        services.record_visit(sup.fresh(sup.member), visit, sup.group, notes="好", scores={one.pk: "8"})
        rows = queries.ranking(sup.fresh(world.office_a), world.campaign)
    assert [(r.rank, r.unit.name, r.score.percent, r.visits) for r in rows] == [
        (1, "东城街道", Decimal("80.0"), 1),
        (1, "东城二街道", Decimal("80.0"), 1),
    ]
    assert queries.ranking(sup.fresh(world.office_b), world.campaign) == []


def test_ranked_skips_after_a_tie(world: World) -> None:
    from luoshi.supervision.queries import Score, ranked

    units = [world.street_a, world.district_a, world.district_b]
    rows = ranked(
        [
            (units[0], Score(Decimal(9), Decimal(10)), 1),
            (units[1], Score(Decimal(18), Decimal(20)), 2),
            (units[2], Score(Decimal(5), Decimal(10)), 1),
        ]
    )
    assert [r.rank for r in rows] == [1, 1, 3]


def test_group_visibility(sup: Sup) -> None:
    world = sup.world
    assert list(queries.visible_groups(sup.fresh(sup.member))) == [sup.group]
    assert list(queries.visible_groups(world.office_city)) == [sup.group]
    assert not queries.visible_groups(world.office_b).exists()
    assert SupervisionGroup.objects.count() == 1


def test_finding_timeline_url_and_problem_description(sup: Sup) -> None:
    item = finding(sup, FindingState.CONFIRMED)
    kinds = list(FindingEvent.objects.filter(finding=item).order_by("id").values_list("kind", flat=True))
    assert kinds == ["drafted", "confirmed"]
    assert services.finding_url(item) == f"/supervision/findings/{item.pk}/"
    text = services.problem_description(item)
    assert text.startswith("三月以来台账未更新。")
    assert "整改要求：一周内补齐台账。" in text
    assert f"来自督导发现：东城第一督导组（发现 #{item.pk}）" in text


def test_finding_moves_notify_the_recorder_and_the_units_liaisons(
    sup: Sup, django_capture_on_commit_callbacks: Any
) -> None:
    street_liaison = make_user("liaison_s", Role.LIAISON, sup.world.street_a)
    with django_capture_on_commit_callbacks(execute=True):
        item = finding(sup, FindingState.TRANSFERRED)
    mine = Notification.objects.filter(recipient=sup.member).values_list("title", flat=True)
    assert any("已确认" in title for title in mine)
    assert any("已转为问题" in title for title in mine)
    liaison = Notification.objects.get(recipient=street_liaison)
    assert liaison.url == f"/problems/{item.problem_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        finding(sup, FindingState.DISMISSED)
    assert Notification.objects.filter(recipient=sup.member, title__contains="已排除").exists()
