"""Schemes and publishing through the services: validation, scope, freezing, hash, corrections, changes and
flags, notifications and audit."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.demands import services as demand_services
from luoshi.demands.models import Category, DemandChannel
from luoshi.notices.models import NoticeKind, Notification
from luoshi.orgs.models import UnitKind
from luoshi.rankings import periods, queries, services
from luoshi.rankings.choices import UnitsMode
from luoshi.rankings.models import Ranking, RankingMember
from luoshi.rankings.tests.helpers import (
    by_unit,
    city_scheme,
    closed_at,
    district_scheme,
    last_month,
    open_at,
    streets,
    this_month,
    two_months,
)
from luoshi.tasks.tests.factory import in_state
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db


# --- schemes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"closure_rate": 50, "on_time_rate": 30}, "权重之和须为 100，现为 80"),
        ({"closure_rate": 120}, "“整改销号率”的权重须为 0 到 100 之间的数"),
        ({"closure_rate": -10, "task_progress": 110}, "“整改销号率”的权重须为 0 到 100 之间的数"),
        ({"closure_rate": "abc"}, "“整改销号率”的权重须为 0 到 100 之间的数"),
        ({"closure_rate": "NaN"}, "“整改销号率”的权重须为 0 到 100 之间的数"),
        ({"closure_rate": 100, "speed": 0}, "未知的指标"),
        ({}, "权重之和须为 100，现为 0"),
    ],
)
def test_weights_must_be_known_between_0_and_100_and_sum_to_100(world: World, weights: Any, message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        district_scheme(world, weights)


def test_a_scheme_keeps_its_weights_and_is_audited(world: World) -> None:
    scheme = district_scheme(world, {"closure_rate": 40, "on_time_rate": 10, "task_progress": 30, "demand_score": 20})
    assert scheme.weights == {"closure_rate": 40.0, "on_time_rate": 10.0, "task_progress": 30.0, "demand_score": 20.0}
    assert scheme.org_path == world.district_a.path
    assert scheme.highlight == 3
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="rankings.rankingscheme").exists()


def test_only_an_office_over_the_root_sets_a_scheme(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.create_scheme(
            world.office_b, campaign=world.campaign, name="越权", unit=world.district_a, weights={"closure_rate": 100}
        )
    with pytest.raises(NotAllowed):
        services.create_scheme(
            world.liaison_a, campaign=world.campaign, name="越权", unit=world.district_a, weights={"closure_rate": 100}
        )


def test_ranking_by_kind_needs_a_kind_and_ranks_every_unit_of_it_below_the_root(world: World) -> None:
    with pytest.raises(RuleViolation, match="须选择单位类型"):
        city_scheme(world, mode=UnitsMode.KIND)
    scheme = city_scheme(world, mode=UnitsMode.KIND, kind=UnitKind.objects.get(code="street"))
    assert queries.ranked_units(scheme) == [world.street_a]
    assert queries.ranked_units(city_scheme(world)) == [world.district_a, world.district_b]


def test_the_root_must_lie_within_the_campaign(world: World) -> None:
    from luoshi.campaigns.models import Campaign

    own = Campaign.objects.create(
        name="东城专项", unit=world.district_a, starts_on=world.campaign.starts_on, ends_on=world.campaign.ends_on
    )
    with pytest.raises(RuleViolation, match="根单位"):
        services.create_scheme(
            world.office_city, campaign=own, name="越界", unit=world.city, weights={"closure_rate": 100}
        )


def test_update_scheme_checks_the_version_and_keeps_root_and_cycle_once_published(world: World) -> None:
    streets(world, 2)
    scheme = district_scheme(world)
    kwargs: dict[str, Any] = {"name": "改名", "unit": world.district_a, "weights": {"task_progress": 100}}
    updated = services.update_scheme(world.office_a, scheme, version=1, highlight=2, **kwargs)
    assert (updated.name, updated.weights["task_progress"], updated.highlight, updated.version) == ("改名", 100, 2, 2)
    with pytest.raises(Conflict):
        services.update_scheme(world.office_a, scheme, version=1, **kwargs)
    with pytest.raises(NotAllowed):
        services.update_scheme(world.office_b, scheme, version=2, **kwargs)
    services.publish(world.office_a, updated, period=this_month())
    with pytest.raises(RuleViolation, match="不能再修改根单位或排名周期"):
        services.update_scheme(world.office_a, updated, version=2, cycle="weekly", **kwargs)


# --- publishing ------------------------------------------------------------------------------------------------


def test_a_published_ranking_holds_each_measure_score_rank_and_its_sha256(world: World) -> None:
    s1, s2, s3 = streets(world)
    closed_at(world, s1)
    closed_at(world, s2)
    open_at(world, s2)
    open_at(world, s3)
    ranking = services.publish(world.office_a, district_scheme(world), period=this_month())
    rows = by_unit(ranking.rows)
    assert [(rows[u.pk]["rank"], rows[u.pk]["score"]) for u in (s1, s2, s3)] == [(1, 100.0), (2, 50.0), (3, 0.0)]
    assert rows[s2.pk]["measures"] == {"closure_rate": 50.0}
    canonical = json.dumps(ranking.content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert ranking.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert queries.hash_matches(ranking)
    assert set(RankingMember.objects.filter(ranking=ranking).values_list("unit_id", flat=True)) == {
        s1.pk,
        s2.pk,
        s3.pk,
    }


def test_later_data_changes_do_not_change_a_published_ranking(world: World) -> None:
    s1, s2 = streets(world, 2)
    closed_at(world, s1)
    open_at(world, s2)
    scheme = district_scheme(world)
    ranking = services.publish(world.office_a, scheme, period=this_month())
    before = (json.dumps(ranking.content, sort_keys=True), ranking.content_hash)
    closed_at(world, s2, 3)
    open_at(world, s1, 3)
    fresh = Ranking.objects.get(pk=ranking.pk)
    assert (json.dumps(fresh.content, sort_keys=True), fresh.content_hash) == before
    assert by_unit(fresh.rows)[s1.pk]["rank"] == 1
    assert by_unit(queries.draft(scheme, this_month()).rows)[s2.pk]["rank"] == 1  # the data did change


def test_a_published_ranking_cannot_be_edited_or_deleted(world: World) -> None:
    streets(world, 2)
    ranking = services.publish(world.office_a, district_scheme(world), period=this_month())
    ranking.reason = "改一下"
    with pytest.raises(RuleViolation):
        ranking.save()
    with pytest.raises(RuleViolation):
        ranking.delete()
    with pytest.raises(RuleViolation):
        Ranking.objects.filter(pk=ranking.pk).update(content={})
    with pytest.raises(RuleViolation):
        Ranking.objects.filter(pk=ranking.pk).delete()
    assert Ranking.objects.get(pk=ranking.pk).reason == ""


def test_a_period_is_published_once_and_corrected_by_a_superseding_ranking_with_a_reason(world: World) -> None:
    s1, s2 = streets(world, 2)
    open_at(world, s1)
    closed_at(world, s2)
    scheme = district_scheme(world)
    first = services.publish(world.office_a, scheme, period=this_month())
    with pytest.raises(RuleViolation, match="已发布"):
        services.publish(world.office_a, scheme, period=this_month())
    with pytest.raises(RuleViolation, match="更正理由"):
        services.publish(world.office_a, scheme, period=this_month(), supersedes=first)
    with pytest.raises(RuleViolation, match="同一期次"):
        services.publish(world.office_a, scheme, period=last_month(), supersedes=first, reason="口径调整")
    closed_at(world, s1, 2)
    fixed = services.publish(world.office_a, scheme, period=this_month(), supersedes=first, reason="数据补录")
    assert Ranking.objects.filter(scheme=scheme).count() == 2
    assert list(Ranking.objects.filter(scheme=scheme).current()) == [fixed]
    assert fixed.content["reason"] == "数据补录"
    assert fixed.content["supersedes"] == first.pk
    with pytest.raises(RuleViolation, match="已被更正"):
        services.publish(world.office_a, scheme, period=this_month(), supersedes=first, reason="再改")
    assert queries.latest_published(world.campaign) == fixed


def test_changes_against_the_previous_ranking_and_the_unit_last_twice_is_flagged(world: World) -> None:
    first, second, (s1, s2, s3) = two_months(world)
    assert all(row["change"] is None and not row["flagged"] for row in first.rows)
    rows = by_unit(second.rows)
    assert [(rows[u.pk]["rank"], rows[u.pk]["change"]) for u in (s1, s2, s3)] == [(1, 0), (1, 1), (3, 0)]
    assert [u for u in (s1, s2, s3) if rows[u.pk]["flagged"]] == [s3]
    assert second.content["previous"] == first.pk


def test_the_preview_hash_guards_against_data_changed_since(world: World) -> None:
    s1, _s2 = streets(world, 2)
    scheme = district_scheme(world)
    seen = queries.draft(scheme, this_month()).hash
    closed_at(world, s1)
    with pytest.raises(Conflict):
        services.publish(world.office_a, scheme, period=this_month(), expected_hash=seen)
    assert not Ranking.objects.exists()
    fresh = queries.draft(scheme, this_month()).hash
    assert services.publish(world.office_a, scheme, period=this_month(), expected_hash=fresh).content_hash


def test_only_the_office_of_the_root_publishes_and_not_a_future_period(world: World) -> None:
    streets(world, 2)
    scheme = district_scheme(world)
    for user in (world.liaison_a, world.office_b, world.leader_a):
        with pytest.raises(NotAllowed):
            services.publish(user, scheme, period=this_month())
    with pytest.raises(RuleViolation, match="尚未开始"):
        services.publish(world.office_a, scheme, period=periods.month(2999, 1))
    assert not Ranking.objects.exists()


def test_publishing_notifies_the_ranked_units_and_is_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    closed_at(world, world.district_a)
    with django_capture_on_commit_callbacks(execute=True):
        ranking = services.publish(world.office_city, city_scheme(world), period=this_month())
    notices = Notification.objects.filter(kind=NoticeKind.RANKING)
    told = set(notices.values_list("recipient__username", flat=True))
    assert {"office_a", "liaison_a", "leader_a", "office_b", "liaison_b"} <= told
    assert "office_city" not in told
    assert "secadmin" not in told
    mine = notices.get(recipient=world.liaison_a)
    assert "第 1 名" in mine.body
    assert mine.url == f"/rankings/{ranking.pk}/"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="rankings.ranking")
    assert (event.after or {})["content_hash"] == ranking.content_hash
    assert event.actor == world.office_city


def test_a_unit_without_data_is_listed_unranked_and_measures_come_from_each_mechanism(world: World) -> None:
    demand = demand_services.receive_demand(
        world.dispatcher_city,
        channel=DemandChannel.objects.get(code="hotline"),
        category=Category.objects.get(name="物业服务"),
        title="楼道灯坏了",
        content="楼道灯坏了",
        citizen_name="张三",
        citizen_phone="13800001111",
        intake_unit=world.district_a,
    )
    demand = demand_services.dispatch(world.dispatcher_city, demand, unit=world.district_a)
    demand = demand_services.sign(world.handler_a, demand)
    demand_services.finish(world.handler_a, demand, outcome="resolved", explanation="已修好")
    in_state(world, "done", unit=world.district_a)
    weights = {"demand_score": 50, "task_progress": 50}
    ranking = services.publish(world.office_city, city_scheme(world, weights), period=this_month())
    rows = by_unit(ranking.rows)
    a, b = rows[world.district_a.pk], rows[world.district_b.pk]
    assert a["measures"]["task_progress"] == 100.0
    assert a["measures"]["demand_score"] is not None
    assert a["rank"] == 1
    assert a["score"] is not None
    assert b["measures"] == {"demand_score": None, "task_progress": None}
    assert (b["rank"], b["score"], b["change"]) == (None, None, None)
    assert ranking.rows[-1]["unit_id"] == world.district_b.pk


def test_task_progress_counts_done_as_100_and_weights_by_task(world: World) -> None:
    from decimal import Decimal

    from luoshi.tasks import services as task_services
    from luoshi.tasks.tests.factory import assigned, make_task

    in_state(world, "done", unit=world.street_a, title="甲任务")
    heavy = make_task(world, title="乙任务", weight=Decimal(3))
    item = task_services.sign(world.liaison_a, assigned(world, task=heavy, unit=world.street_a))
    task_services.report_progress(world.liaison_a, item, text="过半", percent=60)
    in_state(world, "revoked", unit=world.street_a, title="丙任务")
    found = queries.measures.task_progress(world.campaign, [world.district_a, world.street_a, world.district_b])
    assert found == {world.district_a.pk: 70.0, world.street_a.pk: 70.0, world.district_b.pk: None}


def test_latest_published_gives_rows_as_dicts_and_honours_before(world: World) -> None:
    first, second, _units = two_months(world)
    assert queries.latest_published(world.campaign) == second
    assert queries.latest_published(world.campaign, before=this_month().start) == first
    assert queries.latest_published(world.campaign, before=this_month().key) == first
    assert queries.latest_published(world.campaign, before=last_month().start) is None
    row = queries.latest_published(world.campaign).rows[0]  # type: ignore[union-attr]
    assert {"unit_id", "unit_name", "score", "rank", "change", "flagged", "measures"} <= set(row)


def test_clean_weights_fills_left_out_measures_with_zero() -> None:
    assert services.clean_weights({"closure_rate": "60.5", "task_progress": 39.5}) == {
        "closure_rate": 60.5,
        "on_time_rate": 0.0,
        "task_progress": 39.5,
        "demand_score": 0.0,
    }


def test_a_moved_unit_takes_its_published_rankings_paths_along_and_nothing_else(world: World) -> None:
    from luoshi.orgs.services import move_unit

    ranking = services.publish(world.office_city, city_scheme(world), period=this_month())
    content = json.dumps(ranking.content, sort_keys=True)
    moved = move_unit(world.office_city, world.district_b, world.district_a)
    member = RankingMember.objects.get(ranking=ranking, unit=world.district_b)
    assert member.org_path == moved.path
    fresh = Ranking.objects.get(pk=ranking.pk)
    assert json.dumps(fresh.content, sort_keys=True) == content
    assert queries.hash_matches(fresh)
