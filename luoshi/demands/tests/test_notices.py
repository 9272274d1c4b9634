"""Demand notifications: dispatch and redo reach the handling unit, a return the dispatchers, an extension
decision the handler who asked."""

from __future__ import annotations

import pytest

from luoshi.demands import services
from luoshi.demands.tests.lifecycle import dispatched, received, signed
from luoshi.notices.models import NoticeKind, Notification

pytestmark = pytest.mark.django_db


def _sent(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_dispatch_reaches_the_handling_unit_and_a_return_the_dispatchers(world, django_capture_on_commit_callbacks):
    demand = received(world)
    with django_capture_on_commit_callbacks(execute=True):
        demand = services.dispatch(world.dispatcher_city, demand, unit=world.district_a)
    assert _sent(NoticeKind.ASSIGNED) == {"handler_a"}
    assert Notification.objects.get(kind=NoticeKind.ASSIGNED).url == f"/demands/{demand.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        services.return_demand(world.handler_a, demand, reason="不属于本单位职责")
    assert _sent(NoticeKind.SENT_BACK) == {"dispatcher_city"}


@pytest.mark.parametrize("approve", [True, False])
def test_an_extension_decision_reaches_who_asked(world, approve, django_capture_on_commit_callbacks):
    ext = services.request_extension(world.handler_a, signed(world), days=3, reason="需协调多个部门")
    with django_capture_on_commit_callbacks(execute=True):
        if approve:
            services.approve_extension(world.dispatcher_city, ext)
        else:
            services.reject_extension(world.dispatcher_city, ext, note="时限内可以办结")
    notice = Notification.objects.get(kind=NoticeKind.DECIDED)
    assert notice.recipient == world.handler_a
    assert ("已同意" if approve else "未同意") in notice.title


def test_other_units_hear_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatched(world)
    assert not Notification.objects.filter(recipient__username__in=["handler_b", "liaison_b", "office_b"]).exists()
