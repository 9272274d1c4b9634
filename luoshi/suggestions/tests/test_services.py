"""Rules of handling suggestions beyond the engine contract: guards, referral, answers, notes, groups, templates,
bulk answers, conversions and lights."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.livelihood.models import ProjectProposal
from luoshi.notices.models import Notification
from luoshi.problems.models import Problem
from luoshi.suggestions import queries, services
from luoshi.suggestions.choices import Adoption, EventKind, SuggestionCategory, SuggestionState
from luoshi.suggestions.models import AnswerTemplate, Suggestion, SuggestionConversion, SuggestionGroup
from luoshi.suggestions.tests.factory import campaign_a, deadline, in_state, make_suggestion
from luoshi.tasks.models import Task
from luoshi.testing.world import World
from luoshi.tracking.choices import Light

pytestmark = pytest.mark.django_db


def test_nobody_triages_or_decides_their_own_suggestion(world: World) -> None:
    own = make_suggestion(world, by=world.office_a)
    assert "triage" not in services.available_actions(world.office_a, own)
    assert "不能研判" in services.refusals(world.office_a, own)["triage"]
    with pytest.raises(RuleViolation):
        services.triage_suggestion(world.office_a, own, category=SuggestionCategory.OTHER)
    assert "triage" in services.available_actions(world.office_city, own)


def test_referral_moves_the_suggestion_to_the_unit_and_tells_its_answerers(
    world: World, django_capture_on_commit_callbacks
) -> None:
    s = in_state(world, SuggestionState.TRIAGED)
    with django_capture_on_commit_callbacks(execute=True):
        s = services.refer_suggestion(world.office_a, s, unit=world.district_a, deadline=deadline(2), note="请研究")
    assert (s.unit, s.org_path, s.state) == (world.district_a, world.district_a.path, SuggestionState.REFERRED)
    assert s.light == Light.YELLOW
    assert Notification.objects.filter(recipient=world.liaison_a, url=services.suggestion_url(s)).exists()
    assert services.answer_action(world.liaison_a, s) == "answer"
    assert services.answer_action(world.office_a, s) == "answer_office"


def test_referral_refuses_a_unit_outside_the_campaign_or_a_past_deadline(world: World) -> None:
    s = in_state(world, SuggestionState.TRIAGED)
    with pytest.raises(RuleViolation):
        services.refer_suggestion(world.office_city, s, unit=world.district_b, deadline=deadline())
    with pytest.raises(RuleViolation):
        services.refer_suggestion(world.office_a, s, unit=world.street_a, deadline=services.today() - dt.timedelta(1))
    assert Suggestion.objects.get(pk=s.pk).state == SuggestionState.TRIAGED


def test_an_answer_needs_text_and_a_decision_needs_a_reason(world: World) -> None:
    s = in_state(world, SuggestionState.REFERRED)
    with pytest.raises(RuleViolation):
        services.answer_suggestion(world.liaison_a, s, text="  ")
    with pytest.raises(RuleViolation):
        services.answer_suggestion(world.liaison_a, s, text="好", action="close")
    answered = services.answer_suggestion(world.liaison_a, s, text="已办理", public=True)
    assert (answered.answer, answered.answer_public, answered.answered_by) == ("已办理", True, world.liaison_a)
    with pytest.raises(RuleViolation):
        services.decide_suggestion(world.office_a, answered, adoption=Adoption.NONE, reason="")
    with pytest.raises(RuleViolation):
        services.decide_suggestion(world.office_a, answered, adoption="maybe", reason="理由")
    closed = services.decide_suggestion(world.office_a, answered, adoption=Adoption.NONE, reason="条件不具备")
    assert (closed.state, closed.adoption) == (SuggestionState.CLOSED, Adoption.NONE)


def test_the_office_may_answer_a_triaged_suggestion_itself(world: World) -> None:
    s = in_state(world, SuggestionState.TRIAGED)
    answered = services.answer_suggestion(world.office_a, s, text="办公室直接答复")
    assert answered.state == SuggestionState.ANSWERED
    assert answered.unit is None


def test_dismissal_needs_a_reason(world: World) -> None:
    s = make_suggestion(world)
    with pytest.raises(RuleViolation):
        services.dismiss_suggestion(world.office_a, s, reason="")
    done = services.dismiss_suggestion(world.office_a, s, reason="不属于本次活动范围")
    assert done.state == SuggestionState.DISMISSED
    assert done.adoption_reason == "不属于本次活动范围"


def test_private_notes_are_hidden_from_the_suggester(world: World) -> None:
    s = make_suggestion(world, by=world.supervisor_a)
    assert services.note_action(world.office_a, s) == "note"
    services.add_note(world.office_a, s, text="此人多次反映同类问题")
    with pytest.raises(NotAllowed):
        services.add_note(world.supervisor_a, s, text="我也想写")
    s = services.triage_suggestion(world.office_a, s, category=SuggestionCategory.GOVERNANCE)
    s = services.refer_suggestion(world.office_a, s, unit=world.street_a, deadline=deadline())
    assert services.note_action(world.liaison_a, s) == "note_unit"
    services.add_note(world.liaison_a, s, text="街道已约谈")
    insider = [e.note for e in queries.timeline(world.office_a, s)]
    shown = [e.note for e in queries.timeline(world.supervisor_a, s)]
    assert "此人多次反映同类问题" in insider
    assert "街道已约谈" in insider
    assert not any("约谈" in n or "多次" in n for n in shown)
    assert s.events.filter(kind=EventKind.NOTE, private=True).count() == 2


def test_groups_gather_similar_suggestions(world: World) -> None:
    campaign = campaign_a(world)
    group = services.create_group(world.office_a, campaign=campaign, title="便民服务点")
    with pytest.raises(NotAllowed):
        services.create_group(world.liaison_a, campaign=campaign, title="联络员不能归并")
    group = services.rename_group(world.office_a, group, title="增设便民服务点")
    first = make_suggestion(world, title="社区增设便民服务点")
    second = make_suggestion(world, title="增设便民服务点方便老人")
    services.add_to_group(world.office_a, first, group)
    services.set_group(world.office_a, second, group)
    assert set(group.suggestions.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert second in queries.similar(world.office_a, first)
    services.remove_from_group(world.office_a, Suggestion.objects.get(pk=second.pk))
    assert list(group.suggestions.all()) == [first]
    other = SuggestionGroup.objects.create(campaign=world.campaign, org_path=world.city.path, title="别的活动")
    with pytest.raises(RuleViolation):
        services.add_to_group(world.office_city, Suggestion.objects.get(pk=first.pk), other)


def test_answer_templates_are_kept_by_the_office(world: World) -> None:
    campaign = campaign_a(world)
    made = services.create_template(
        world.office_a, campaign=campaign, title="已收悉", text="您的建议已转有关单位研究。"
    )
    with pytest.raises(NotAllowed):
        services.create_template(world.liaison_a, campaign=campaign, title="x", text="y")
    with pytest.raises(RuleViolation):
        services.create_template(world.office_a, campaign=campaign, title="", text="y")
    changed = services.update_template(world.office_a, made, title="已采纳", text="已采纳并实施。")
    assert (changed.title, changed.text) == ("已采纳", "已采纳并实施。")
    services.delete_template(world.office_a, changed)
    assert not AnswerTemplate.objects.filter(pk=made.pk).exists()
    assert AuditEvent.objects.filter(object_type="suggestions.answertemplate", action="delete").exists()


def test_bulk_answer_answers_the_referred_ones_and_skips_the_rest(world: World) -> None:
    referred = [in_state(world, SuggestionState.REFERRED, title=f"同类建议{i}") for i in range(3)]
    waiting = in_state(world, SuggestionState.SUBMITTED)
    elsewhere = make_suggestion(world, campaign=world.campaign)
    result = services.bulk_answer(world.liaison_a, [*referred, waiting, elsewhere], text="统一答复：已纳入计划。")
    assert result.counts == (3, 2)
    assert set(result.skipped) == {waiting.pk, elsewhere.pk}
    for s in referred:
        fresh = Suggestion.objects.get(pk=s.pk)
        assert fresh.state == SuggestionState.ANSWERED
        assert fresh.events.filter(kind=EventKind.ANSWERED).count() == 1
    with pytest.raises(RuleViolation):
        services.bulk_answer(world.office_a, referred, text="")


def test_conversions_link_back(world: World) -> None:
    s = in_state(world, SuggestionState.REFERRED)
    to_task = services.convert_to_task(world.office_a, s, title="增设便民服务点", due_on=deadline(60))
    assert isinstance(to_task.task, Task)
    s = Suggestion.objects.get(pk=s.pk)
    to_problem = services.convert_to_problem(
        world.office_a,
        s,
        title="便民服务点不足",
        channel=s.campaign.channels.get(),
        aspect=s.campaign.aspects.get(),
        deadline=deadline(30),
    )
    assert isinstance(to_problem.problem, Problem)
    to_proposal = services.convert_to_proposal(world.office_a, Suggestion.objects.get(pk=s.pk))
    assert isinstance(to_proposal.proposal, ProjectProposal)
    assert to_proposal.proposal.title == s.title
    links = SuggestionConversion.objects.filter(suggestion=s)
    assert links.count() == 3
    assert to_task.task.suggestion_link == to_task
    assert s.events.filter(kind=EventKind.CONVERTED).count() == 3
    with pytest.raises(NotAllowed):
        services.convert_to_task(world.liaison_a, s, title="x", due_on=deadline(60))
    assert reverse("suggestions:detail", args=[s.pk]) == services.suggestion_url(s)


def test_the_light_sweep_turns_late_referrals_red(world: World) -> None:
    s = in_state(world, SuggestionState.REFERRED)
    Suggestion.objects.filter(pk=s.pk).update(deadline=services.today() - dt.timedelta(days=1))
    counts = services.refresh_lights(services.today())
    assert counts["red"] == 1
    assert Suggestion.objects.get(pk=s.pk).light == Light.RED
    assert queries.visible(world.office_a).filter(queries.overdue_q()).count() == 1
