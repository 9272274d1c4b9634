"""A problem's extension decision, either way, reaches whoever asked for it."""

from __future__ import annotations

import datetime as dt

import pytest

from luoshi.notices.models import NoticeKind, Notification
from luoshi.problems import services
from luoshi.testing.problems import rectifying

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("approve", [True, False])
def test_extension_decision_notifies_the_requester(world, approve, django_capture_on_commit_callbacks):
    problem = rectifying(world)
    new = problem.deadline + dt.timedelta(days=10)
    ext = services.request_extension(world.liaison_a, problem, new_deadline=new, reason="需要招标")
    with django_capture_on_commit_callbacks(execute=True):
        if approve:
            services.approve_extension(world.office_a, ext)
        else:
            services.reject_extension(world.office_a, ext, note="时限内可完成")
    notice = Notification.objects.get(kind=NoticeKind.DECIDED)
    assert notice.recipient == world.liaison_a
    assert notice.title == ("延期申请已同意：" if approve else "延期申请未同意：") + problem.title
