"""Inbox pages: one's own notifications only, filters, opening follows only local addresses, CSRF."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from luoshi.notices import services
from luoshi.notices.models import NoticeKind, Notification
from luoshi.notices.views import local_url
from luoshi.testing.twofactor import verified_login


def test_inbox_lists_own_unread_newest_first_with_filters(client, world):
    old = services.notify([world.office_a], kind=NoticeKind.ASSIGNED, title="旧消息")[0]
    new = services.notify([world.office_a], kind=NoticeKind.SENT_BACK, title="新消息")[0]
    read = services.notify([world.office_a], kind=NoticeKind.ASSIGNED, title="已读消息")[0]
    services.mark_read(world.office_a, [read.pk])
    services.notify([world.office_b], title="西城消息")
    verified_login(client, world.office_a)
    response = client.get(reverse("notices:inbox"))
    assert list(response.context["page"].object_list) == [new, old]
    assert "西城消息" not in response.content.decode()
    response = client.get(reverse("notices:inbox"), {"show": "all"})
    assert list(response.context["page"].object_list) == [read, new, old]
    response = client.get(reverse("notices:inbox"), {"show": "all", "kind": "assigned"})
    assert list(response.context["page"].object_list) == [read, old]
    response = client.get(reverse("notices:inbox"), {"show": "bogus", "kind": "bogus"})
    assert list(response.context["page"].object_list) == [new, old]


def test_header_shows_unread_count(client, world):
    services.notify([world.office_a], title="一")
    verified_login(client, world.office_a)
    text = client.get(reverse("notices:inbox")).content.decode()
    assert reverse("notices:inbox") in text
    assert 'class="badge bg-danger">1<' in text


def test_open_marks_read_and_redirects_only_to_local_urls(client, world):
    local = services.notify([world.office_a], title="本站", url="/tasks/5/")[0]
    outside = services.notify([world.office_a], title="外站", url="https://evil.example/")[0]
    sneaky = services.notify([world.office_a], title="外站二", url="//evil.example/")[0]
    verified_login(client, world.office_a)
    assert client.post(reverse("notices:open", args=[local.pk]))["Location"] == "/tasks/5/"
    for notice in (outside, sneaky):
        assert client.post(reverse("notices:open", args=[notice.pk]))["Location"] == reverse("notices:inbox")
    assert not Notification.objects.filter(recipient=world.office_a, read_at__isnull=True).exists()
    assert client.get(reverse("notices:open", args=[local.pk])).status_code == 405


def test_local_url():
    assert local_url("/problems/1/")
    assert not local_url("//evil.example/")
    assert not local_url("/\\evil.example")
    assert not local_url("http://x/")
    assert not local_url("")


def test_another_users_notice_is_404_and_stays_unread(client, world):
    theirs = services.notify([world.office_b], title="西城")[0]
    verified_login(client, world.office_a)
    assert client.post(reverse("notices:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_own(client, world):
    services.notify([world.office_a, world.office_b], title="全体")
    verified_login(client, world.office_a)
    response = client.post(reverse("notices:read_all"))
    assert response["Location"] == reverse("notices:inbox")
    assert services.unread_count(world.office_a) == 0
    assert services.unread_count(world.office_b) == 1


def test_posts_need_csrf(world):
    notice = services.notify([world.office_a], title="一")[0]
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.office_a)
    assert client.post(reverse("notices:open", args=[notice.pk])).status_code == 403
    assert client.post(reverse("notices:read_all")).status_code == 403
    assert services.unread_count(world.office_a) == 1


def test_anonymous_sees_no_count(client, world):
    response = client.get(reverse("accounts:login"))
    assert "notices_unread" not in response.context
