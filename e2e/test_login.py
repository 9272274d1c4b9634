from __future__ import annotations

import pytest

from e2e.conftest import login
from luoshi.testing.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_visitor_lands_on_chinese_login_page(page, world):
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "落实 · 闭环管理平台"
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    page.shots("login")


def test_wrong_password_is_refused_in_chinese(page, world):
    login(page, "liaison_a", "wrong-password")
    assert "用户名或密码错误" in page.content()
    assert "/accounts/login/" in page.url


def test_liaison_logs_in_and_sees_own_name(page, world):
    login(page, "liaison_a", PASSWORD)
    assert "/accounts/login/" not in page.url
    assert "东城联络员" in page.locator("nav").inner_text()


def test_missing_page_is_explained_in_chinese_before_login(page, world):
    response = page.goto("/i18n/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").inner_text() == "未找到您要查看的内容"
    assert page.locator("nav").count() == 0
