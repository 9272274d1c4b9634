"""Per-address throttling of failed logins, on the login page and the API token endpoint alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TOKEN = reverse("api-token")
WRONG = "Wrong-password-123"
LIMIT = 4
WINDOW_START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)
HERE, ELSEWHERE = "10.1.1.1", "10.2.2.2"


@pytest.fixture
def limit(settings: Any) -> int:
    settings.LUOSHI_LOGIN_ADDRESS_MAX_FAILURES = LIMIT
    settings.LUOSHI_LOGIN_ADDRESS_WINDOW_MINUTES = 15
    return LIMIT


@pytest.fixture
def clock(world: World) -> Iterator[time_machine.Coordinates]:
    """Thirty seconds into a fresh 15-minute window, with the clock standing still."""
    with time_machine.travel(WINDOW_START + timedelta(seconds=30), tick=False) as traveller:
        yield traveller


def post(username: str, password: str, address: str = HERE) -> str:
    response = Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return "in" if response.status_code == 302 else response.content.decode()


def fail_from(address: str, times: int) -> None:
    for i in range(times):
        assert "用户名或密码错误" in post(f"ghost{i}", WRONG, address)


def test_nth_plus_one_attempt_is_refused_even_with_the_right_password_of_another_account(
    limit: int, clock: time_machine.Coordinates
) -> None:
    fail_from(HERE, limit)
    page = post("leader_a", PASSWORD)
    assert "该网络地址登录失败次数过多，已暂停登录，请 15 分钟后再试。" in page
    leader = User.objects.get(username="leader_a")
    assert (leader.failed_logins, leader.last_login) == (0, None)
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_name, event.ip) == (Action.LOGIN_FAILED, "leader_a", HERE)
    assert event.detail == "该网络地址登录失败次数过多，暂停期间尝试登录"
    assert PASSWORD not in str(AuditEvent.objects.values_list("detail", "object_repr", "after"))


def test_attempts_below_the_limit_still_log_in(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit - 1)
    assert post("leader_a", PASSWORD) == "in"


def test_message_tells_the_rest_of_the_window(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit)
    clock.move_to(WINDOW_START + timedelta(minutes=10, seconds=5))
    assert "请 5 分钟后再试" in post("leader_a", PASSWORD)


def test_other_addresses_are_unaffected(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit)
    assert post("leader_a", PASSWORD, ELSEWHERE) == "in"
    assert "用户名或密码错误" in post("ghost", WRONG, ELSEWHERE)


def test_a_successful_login_elsewhere_does_not_reset_the_address(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit - 1)
    assert post("leader_a", PASSWORD, ELSEWHERE) == "in"
    assert "用户名或密码错误" in post("ghost", WRONG)
    assert "已暂停登录" in post("liaison_a", PASSWORD)


def test_the_throttle_ends_with_the_window(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit)
    clock.move_to(WINDOW_START + timedelta(minutes=14, seconds=59))
    assert "已暂停登录" in post("leader_a", PASSWORD)
    clock.move_to(WINDOW_START + timedelta(minutes=15, seconds=1))
    assert post("leader_a", PASSWORD) == "in"


def test_refused_attempts_do_not_count_against_the_account(limit: int, clock: time_machine.Coordinates) -> None:
    fail_from(HERE, limit)
    for _ in range(6):
        post("liaison_a", WRONG)
    assert not User.objects.get(username="liaison_a").is_locked
    assert post("liaison_a", PASSWORD, ELSEWHERE) == "in"


def test_default_is_twenty_failures(settings: Any, clock: time_machine.Coordinates) -> None:
    assert (settings.LUOSHI_LOGIN_ADDRESS_MAX_FAILURES, settings.LUOSHI_LOGIN_ADDRESS_WINDOW_MINUTES) == (20, 15)
    fail_from(HERE, 19)
    assert services.address_wait(HERE) == 0
    assert "用户名或密码错误" in post("ghost", WRONG)
    assert services.address_wait(HERE) == 15 * 60 - 30
    assert "已暂停登录" in post("leader_a", PASSWORD)


def test_api_token_endpoint_is_throttled_with_the_same_count(limit: int, clock: time_machine.Coordinates) -> None:
    api = APIClient(REMOTE_ADDR=HERE)
    fail_from(HERE, limit - 1)
    assert api.post(TOKEN, {"username": "ghost", "password": WRONG}).status_code == 400
    response = api.post(TOKEN, {"username": "leader_a", "password": PASSWORD})
    assert response.status_code == 429
    message = "该网络地址登录失败次数过多，已暂停登录，请 15 分钟后再试。"
    assert response.json() == {"detail": message, "code": "login_throttled"}
    assert response["Retry-After"] == str(15 * 60 - 30)
    assert "已暂停登录" in post("leader_a", PASSWORD)
    other = APIClient(REMOTE_ADDR=ELSEWHERE).post(TOKEN, {"username": "leader_a", "password": PASSWORD})
    assert other.status_code == 200
    assert "token" in other.json()


def test_behind_a_proxy_the_forwarded_address_is_counted(
    limit: int, settings: Any, clock: time_machine.Coordinates
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = Client(REMOTE_ADDR="10.9.9.9")
    for i in range(limit):
        proxy.post(LOGIN, {"username": f"ghost{i}", "password": WRONG}, HTTP_X_FORWARDED_FOR=HERE)
    refused = proxy.post(LOGIN, {"username": "leader_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=HERE)
    assert "已暂停登录" in refused.content.decode()
    allowed = proxy.post(LOGIN, {"username": "leader_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert allowed.status_code == 302


def test_check_login_address_raises_only_for_a_throttled_address(
    limit: int, clock: time_machine.Coordinates, rf: RequestFactory
) -> None:
    fail_from(HERE, limit)
    services.check_login_address(None, "leader_a")
    services.check_login_address(rf.post(LOGIN, REMOTE_ADDR=ELSEWHERE), "leader_a")
    with pytest.raises(services.LoginThrottled) as refused:
        services.check_login_address(rf.post(LOGIN, REMOTE_ADDR=HERE), "leader_a")
    assert (refused.value.status_code, refused.value.wait) == (429, 15 * 60 - 30)
