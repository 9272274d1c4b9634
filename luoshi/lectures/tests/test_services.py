"""The lecture menu's rules: ordering, dispatch without double booking, the speaker's acceptance, listeners
required, the rating's range, cancellation, notifications, the menu and its figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from luoshi.audit.models import AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.lectures import queries, services
from luoshi.lectures.choices import OrderEventKind, OrderState
from luoshi.lectures.models import LectureItem, LectureOrder, LectureOrderEvent
from luoshi.lectures.tests.factory import campaign, category, fresh, in_state, item, member, ordered, speaker
from luoshi.notices.models import Notification
from luoshi.testing.concurrency import SharedDatabase
from luoshi.testing.world import World

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def speakers(world: World) -> None:
    speaker(world)


def test_an_order_copies_the_speaker_and_starts_its_timeline(world: World) -> None:
    chosen = item(world)
    audits = AuditEvent.objects.count()
    order = ordered(world, on=chosen, when=(DAY, "pm"))
    assert order.state == OrderState.ORDERED
    assert order.speaker_id == chosen.speaker_id
    assert order.org_path == world.street_a.path
    assert order.ordered_by == world.liaison_a
    assert LectureOrderEvent.objects.filter(order=order, kind=OrderEventKind.ORDERED).exists()
    assert AuditEvent.objects.count() > audits
    assert services.order_url(order) == f"/lectures/orders/{order.pk}/"
    assert services.half_label("pm") == "下午"


def test_ordering_is_refused_outside_scope_off_menu_and_outside_the_campaign(world: World) -> None:
    chosen = item(world)
    when: dict[str, Any] = {"wished_date": DAY, "wished_half": "am"}
    with pytest.raises(NotAllowed):
        services.order_lecture(world.liaison_b, item=chosen, unit=world.street_a, **when)
    with pytest.raises(NotAllowed):
        services.order_lecture(world.office_a, item=chosen, unit=world.street_a, **when)
    with pytest.raises(RuleViolation, match="不在活动"):
        services.order_lecture(world.liaison_b, item=chosen, unit=world.district_b, **when)
    with pytest.raises(RuleViolation, match="活动期间"):
        services.order_lecture(world.liaison_a, item=chosen, unit=world.street_a, wished_date=dt.date(2027, 3, 1),
                               wished_half="am")  # fmt: skip
    LectureItem.objects.filter(pk=chosen.pk).update(active=False)
    with pytest.raises(RuleViolation, match="已下架"):
        services.order_lecture(world.liaison_a, item=LectureItem.objects.get(pk=chosen.pk), unit=world.street_a, **when)
    assert not LectureOrder.objects.exists()


def test_the_half_day_must_be_one_of_three(world: World) -> None:
    assert services.clean_half("ev", "时段") == "ev"
    with pytest.raises(RuleViolation):
        services.clean_half("night", "时段")
    with pytest.raises(RuleViolation, match="期望时段"):
        services.order_lecture(world.liaison_a, item=item(world), unit=world.street_a, wished_date=DAY, wished_half="")


def test_dispatch_fixes_the_wished_half_day_by_default_or_another(world: World) -> None:
    first = services.dispatch_order(world.office_a, fresh(ordered(world, when=(DAY, "am"))))
    assert (first.state, first.date, first.half) == (OrderState.DISPATCHED, DAY, "am")
    other = dt.date(2026, 5, 21)
    second = services.dispatch_order(world.office_a, fresh(ordered(world, when=(DAY, "am"))), date=other, half="ev")
    assert (second.date, second.half) == (other, "ev")


def test_a_speaker_booked_in_a_half_day_is_refused_a_second_booking(world: World) -> None:
    chosen = item(world)
    first = services.dispatch_order(world.office_a, fresh(ordered(world, on=chosen, when=(DAY, "am"))))
    clash = fresh(ordered(world, on=chosen, when=(DAY, "am")))
    events = LectureOrderEvent.objects.filter(order=clash).count()
    with pytest.raises(services.SpeakerBooked) as refused:
        services.dispatch_order(world.office_a, clash)
    message = str(refused.value)
    assert "东城宣讲员" in message
    assert "2026-05-20 上午" in message
    assert str(first.pk) in message
    assert refused.value.as_dict()["code"] == "speaker_booked"
    assert refused.value.as_dict()["order"] == first.pk
    assert fresh(clash).state == OrderState.ORDERED
    assert LectureOrderEvent.objects.filter(order=clash).count() == events
    assert services.dispatch_order(world.office_a, clash, half="pm").half == "pm"


def test_a_declined_or_cancelled_booking_frees_the_half_day(world: World) -> None:
    declined = in_state(world, OrderState.DECLINED)
    again = services.dispatch_order(world.office_a, fresh(ordered(world, when=(declined.date, declined.half))))
    assert again.state == OrderState.DISPATCHED
    services.cancel_order(world.liaison_a, again, reason="改期")
    third = services.dispatch_order(world.office_a, fresh(ordered(world, when=(declined.date, declined.half))))
    assert third.state == OrderState.DISPATCHED


def test_the_constraint_is_the_last_line_against_a_double_booking(world: World) -> None:
    first = in_state(world, OrderState.ACCEPTED)
    second = in_state(world, OrderState.ORDERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LectureOrder.objects.filter(pk=second.pk).update(state=OrderState.DISPATCHED, date=first.date, half=first.half)


@pytest.mark.django_db(transaction=True)
def test_two_dispatches_of_one_half_day_at_once_book_the_speaker_once(world: World) -> None:
    chosen = item(world)
    orders = [ordered(world, on=chosen, when=(DAY, "am")) for _ in range(4)]
    office = world.office_a

    def dispatch(i: int) -> str:
        try:
            services.dispatch_order(office, LectureOrder.objects.get(pk=orders[i].pk))
        except services.SpeakerBooked:
            return "refused"
        return "booked"

    shared = SharedDatabase()
    results = shared.run(dispatch, 4)
    assert sorted(results) == ["booked", "refused", "refused", "refused"]
    states = shared.read(lambda: sorted(LectureOrder.objects.values_list("state", flat=True)))
    assert states == [OrderState.DISPATCHED, *[OrderState.ORDERED] * 3]


def test_only_the_campaign_office_dispatches(world: World) -> None:
    order = in_state(world, OrderState.ORDERED)
    assert services.manages(world.office_a, order.campaign)
    assert not services.manages(world.liaison_a, order.campaign)
    with pytest.raises(NotAllowed):
        services.dispatch_order(world.liaison_a, order)
    assert "dispatch" in services.available_actions(world.office_a, order)
    assert "dispatch" not in services.available_actions(world.office_b, order)


def test_only_the_speaker_accepts_or_declines(world: World) -> None:
    order = in_state(world, OrderState.DISPATCHED)
    assert services.is_speaker(world.speaker_a, order)
    assert not services.is_speaker(world.speaker_other, order)
    with pytest.raises(RuleViolation, match="宣讲人本人"):
        services.accept_order(world.speaker_other, order)
    with pytest.raises(NotAllowed):
        services.accept_order(world.office_a, order)
    with pytest.raises(RuleViolation, match="退回理由"):
        services.decline_order(world.speaker_a, order, reason="  ")
    assert services.accept_order(world.speaker_a, order).state == OrderState.ACCEPTED


@pytest.mark.parametrize("listeners", [None, "", 0, -5, "abc", 1.5, services.MAX_LISTENERS + 1])
def test_the_listener_count_is_required_and_sane(world: World, listeners: Any) -> None:
    order = in_state(world, OrderState.ACCEPTED)
    with pytest.raises(RuleViolation) as refused:
        services.hold_order(world.speaker_a, order, listeners=listeners)
    assert refused.value.code == "listeners"
    assert fresh(order).state == OrderState.ACCEPTED
    assert fresh(order).listeners is None


def test_held_by_the_speaker_or_recorded_by_the_office(world: World) -> None:
    assert services.clean_listeners("300") == 300
    held = services.hold_order(world.speaker_a, in_state(world, OrderState.ACCEPTED), listeners=300, note="互动热烈")
    assert (held.state, held.listeners) == (OrderState.HELD, 300)
    recorded = services.record_held(world.office_a, in_state(world, OrderState.ACCEPTED), listeners="45")
    assert (recorded.state, recorded.listeners) == (OrderState.HELD, 45)


def test_a_lecture_is_not_marked_held_before_its_day(world: World) -> None:
    tomorrow = services.today() + dt.timedelta(days=1)
    on = campaign(world)
    on.ends_on = max(on.ends_on, tomorrow)
    on.save()
    order = in_state(world, OrderState.ACCEPTED, when=(tomorrow, "am"))
    with pytest.raises(RuleViolation, match="未到"):
        services.hold_order(world.speaker_a, order, listeners=50)
    assert "hold" not in services.available_actions(world.speaker_a, order)


@pytest.mark.parametrize("rating", [0, 6, -1, "五", None, 4.5])
def test_the_rating_is_one_to_five_stars(world: World, rating: Any) -> None:
    order = in_state(world, OrderState.HELD)
    with pytest.raises(RuleViolation) as refused:
        services.rate_order(world.liaison_a, order, rating=rating)
    assert refused.value.code == "rating"
    assert fresh(order).state == OrderState.HELD


def test_rating_only_after_held_by_the_ordering_unit(world: World) -> None:
    assert services.clean_rating("3") == 3
    with pytest.raises(RuleViolation) as refused:
        services.rate_order(world.liaison_a, in_state(world, OrderState.ACCEPTED), rating=5)
    assert refused.value.code == "illegal_transition"
    with pytest.raises(NotAllowed):
        services.rate_order(world.liaison_b, in_state(world, OrderState.HELD), rating=5)
    rated = services.rate_order(world.liaison_a, in_state(world, OrderState.HELD), rating=1, comment="太长")
    assert (rated.state, rated.rating, rated.rating_comment) == (OrderState.RATED, 1, "太长")


def test_cancel_only_before_acceptance(world: World) -> None:
    assert services.cancel_order(world.liaison_a, in_state(world, OrderState.DISPATCHED)).state == "cancelled"
    with pytest.raises(RuleViolation):
        services.cancel_order(world.liaison_a, in_state(world, OrderState.ACCEPTED))


def test_dispatch_accept_and_decline_notify_the_unit_and_the_speaker(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    order = in_state(world, OrderState.ORDERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_order(world.office_a, order)
    assert Notification.objects.filter(recipient=world.liaison_a, title__contains="已派单").exists()
    assert Notification.objects.filter(recipient=world.speaker_a, title__contains="新的宣讲派单").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_order(world.speaker_a, fresh(order))
    assert Notification.objects.filter(recipient=world.liaison_a, title__contains="已接单").exists()
    other = in_state(world, OrderState.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_order(world.speaker_a, other, reason="外出学习")
    assert Notification.objects.filter(recipient=world.liaison_a, title__contains="退回").exists()
    assert not Notification.objects.filter(recipient=world.office_a).exists()


def test_the_office_keeps_categories_and_items(world: World) -> None:
    on = campaign(world)
    made = services.create_category(world.office_a, campaign=on, name="基层治理")
    with pytest.raises(RuleViolation, match="已存在"):
        services.create_category(world.office_a, campaign=on, name="基层治理")
    with pytest.raises(NotAllowed):
        services.create_category(world.liaison_a, campaign=on, name="民生政策")
    renamed = services.update_category(world.office_a, made, name="基层社会治理", order=3)
    assert (renamed.name, renamed.order) == ("基层社会治理", 3)
    who = speaker(world)
    assert services.speaker_for(on, who.number) == who
    outsider = member(world, unit=world.district_b)
    with pytest.raises(RuleViolation, match="不在本活动范围"):
        services.speaker_for(on, outsider.number)
    with pytest.raises(RuleViolation, match="不在本活动范围"):
        services.create_item(world.office_a, campaign=on, category=made, title="外区宣讲", speaker=outsider)
    lecture = services.create_item(world.office_a, campaign=on, category=made, title="网格治理", speaker=who)
    with pytest.raises(RuleViolation, match="已有题目"):
        services.create_item(world.office_a, campaign=on, category=made, title="网格治理", speaker=who)
    changed = services.update_item(
        world.office_a, lecture, category=category(world), title="网格化治理", speaker=who, minutes=45, active=False
    )
    assert (changed.title, changed.minutes, changed.active) == ("网格化治理", 45, False)
    with pytest.raises(NotAllowed):
        services.update_item(world.office_b, lecture, category=made, title="x", speaker=who, minutes=45)


@pytest.mark.parametrize("minutes", [0, 9, 481, "一小时", None])
def test_a_lecture_lasts_ten_minutes_to_eight_hours(minutes: Any) -> None:
    with pytest.raises(RuleViolation):
        services.clean_minutes(minutes)


def test_the_menu_shows_orders_held_listeners_and_the_average_rating(world: World) -> None:
    chosen = item(world)
    in_state(world, OrderState.ORDERED, on=chosen)
    in_state(world, OrderState.CANCELLED, on=chosen)
    in_state(world, OrderState.HELD, on=chosen)  # 120 listeners
    for stars in (5, 4):
        order = in_state(world, OrderState.HELD, on=chosen)
        services.rate_order(world.liaison_a, order, rating=stars)
    [row] = [m for c in queries.menu(chosen.campaign) for m in c.items if m.item.pk == chosen.pk]
    assert (row.figures.orders, row.figures.held, row.figures.listeners) == (4, 3, 360)
    assert row.figures.rating == pytest.approx(4.5)
    assert row.figures.ratings == 2
    totals = queries.totals(chosen.campaign)
    assert (totals.orders, totals.held, totals.listeners) == (4, 3, 360)


def test_a_speaker_sees_their_own_orders_only(world: World) -> None:
    own = in_state(world, OrderState.DISPATCHED)
    assert list(queries.orders_for(world.speaker_a)) == [own]
    assert not queries.orders_for(world.speaker_other).exists()
    assert not queries.orders_for(world.speaker_b).exists()
    assert queries.speaker_of(world.speaker_a) == own.speaker
