"""Inbox API: one's own notifications only, filters, marking read; another user's id is 404."""

from __future__ import annotations

from django.urls import include, path, reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.notices import services
from luoshi.notices.models import NoticeKind


def client_of(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_list_filters_and_read(world):
    a = services.notify([world.office_a], kind=NoticeKind.ASSIGNED, title="交办")[0]
    b = services.notify([world.office_a], kind=NoticeKind.SENT_BACK, title="退回")[0]
    theirs = services.notify([world.office_b], title="西城")[0]
    api = client_of(world.office_a)
    url = reverse("notification-list")
    assert [r["id"] for r in api.get(url).json()["results"]] == [b.pk, a.pk]
    assert [r["id"] for r in api.get(url, {"kind": "assigned"}).json()["results"]] == [a.pk]
    answer = api.post(reverse("notification-read", args=[a.pk]))
    assert answer.status_code == 200
    assert answer.json() == {"marked": 1}
    assert [r["id"] for r in api.get(url, {"unread": "true"}).json()["results"]] == [b.pk]
    assert [r["id"] for r in api.get(url, {"unread": "false"}).json()["results"]] == [a.pk]
    assert api.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert api.post(reverse("notification-read", args=["0.5"])).status_code == 404
    assert api.post(reverse("notification-read-all")).json() == {"marked": 1}
    assert services.unread_count(world.office_b) == 1


def test_anonymous_is_refused(world):
    assert APIClient().get(reverse("notification-list")).status_code in (401, 403)
    assert APIClient().post(reverse("notification-read-all")).status_code in (401, 403)


def test_the_schema_of_the_notification_api_has_no_warnings() -> None:
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("luoshi.notices.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert set(schema["paths"]) == {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/preferences/",
    }
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
