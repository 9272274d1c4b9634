"""Notification services: notify dedupes and skips inactive users, only one's own are marked read, counts."""

from __future__ import annotations

from luoshi.access.roles import Perm
from luoshi.notices import services
from luoshi.notices.models import NoticeKind, Notification


def test_notify_dedupes_and_skips_inactive_users(world):
    world.leader_a2.is_active = False
    world.leader_a2.save()
    rows = services.notify(
        [world.office_a, world.office_a.pk, world.liaison_a, world.leader_a2],
        kind=NoticeKind.ASSIGNED,
        title="新任务",
        body="请签收",
        url="/tasks/1/",
        obj=world.district_a,
    )
    assert sorted(r.recipient_id for r in rows) == sorted([world.office_a.pk, world.liaison_a.pk])
    notice = Notification.objects.get(recipient=world.office_a)
    expected = ("assigned", "新任务", "/tasks/1/", "orgs.unit")
    assert (notice.kind, notice.title, notice.url, notice.object_type) == expected
    assert notice.object_id == world.district_a.pk
    assert not notice.is_read
    assert str(notice) == "新任务"


def test_notify_nobody_writes_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.notify([], title="x") == []


def test_build_then_send_is_one_insert_for_many(world, django_assert_num_queries):
    rows = services.build([world.office_a], kind=NoticeKind.OTHER, title="甲")
    rows += services.build([world.liaison_a, world.office_a], kind=NoticeKind.OTHER, title="甲")
    with django_assert_num_queries(2):  # the active users, then one INSERT
        saved = services.send(rows)
    assert len(saved) == 2


def test_users_of_unit_holds_exactly_that_unit(world):
    handlers = set(services.users_of_unit(world.district_a, Perm.HANDLE_TASK))
    assert {world.liaison_a.pk, world.leader_a.pk} <= handlers
    assert world.liaison_b.pk not in handlers
    assert world.office_city.pk not in handlers
    both = services.users_of_units([world.district_a, world.district_b.pk], Perm.HANDLE_TASK)
    assert world.liaison_b.pk in both[world.district_b.pk]
    assert services.users_of_unit(world.street_a, Perm.HANDLE_TASK) == []


def test_mark_read_only_own_and_counts(world):
    mine = services.notify([world.office_a], title="我的")[0]
    other = services.notify([world.office_b], title="别人的")[0]
    services.notify([world.office_a], title="我的二")
    assert services.unread_count(world.office_a) == 2
    assert services.mark_read(world.office_a, [mine.pk, other.pk]) == 1
    other.refresh_from_db()
    assert other.read_at is None
    assert services.unread_count(world.office_a) == 1
    assert services.mark_all_read(world.office_a) == 1
    assert services.unread_count(world.office_a) == 0
    assert services.unread_count(world.office_b) == 1
    assert list(services.inbox(world.office_b)) == [other]


def test_unread_count_is_bounded(world):
    services.send([n for i in range(5) for n in services.build([world.office_a], title=f"第{i}条")])
    assert services.unread_count(world.office_a, limit=2) == 3
