"""Browser journeys in Debian's Chromium through Playwright, against Django's live server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from luoshi.testing.world import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("LUOSHI_REQUIRE_BROWSER") == "1"


def _missing_reason() -> str:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    if not fonts.strip():
        return "no Chinese font is installed (apt-get install fonts-noto-cjk): pages would show empty boxes"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing_reason()
    if reason:
        if _browser_required():
            pytest.fail(f"browser tests must run here but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


class Shots:
    """Saves screenshots of the pages a journey passes, as test artifacts."""

    def __init__(self, page: Any, test_name: str):
        self.page, self.prefix = page, re.sub(r"[^\w-]", "_", test_name)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        path = ARTIFACTS / f"{self.prefix}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _new_page(browser: Any, live_server: Any, name: str, viewport: dict[str, int], **options: Any) -> Any:
    context = browser.new_context(
        locale="zh-CN", viewport=viewport, base_url=live_server.url, reduced_motion="reduce", **options
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.shots = Shots(pg, name)
    return pg


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    pg = _new_page(browser, live_server, request.node.name, DESKTOP)
    yield pg
    pg.context.close()


@pytest.fixture
def open_as(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Opens a logged-in page for a user in a browser context of its own, as a separate person would."""
    pages: list[Any] = []

    def _open(username: str, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        pg = _new_page(browser, live_server, f"{request.node.name}-{username}", viewport, **options)
        pages.append(pg)
        login(pg, username, PASSWORD)
        assert "/accounts/login/" not in pg.url, f"{username} could not log in"
        return pg

    yield _open
    for pg in pages:
        pg.context.close()


def login(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    pass_second_factor(page, username)


def pass_second_factor(page: Any, username: str) -> None:
    """Administrative roles: type the code their authenticator app would show into the real code page, or,
    at the first login, into the enrolment page (then continue past the recovery codes)."""
    if "/accounts/2fa/" not in page.url:
        return
    from django.contrib.auth import get_user_model

    from luoshi.testing.twofactor import current_code

    enrolling = "/accounts/2fa/enrol/" in page.url
    page.fill("#id_code", current_code(get_user_model().objects.get(username=username)))
    page.click("[data-otp-submit]")
    page.wait_for_load_state("networkidle")
    if enrolling and page.locator("[data-otp-continue]").count():
        page.click("[data-otp-continue]")
        page.wait_for_load_state("networkidle")
