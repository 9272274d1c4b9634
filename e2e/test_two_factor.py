"""Two-factor login in the browser: an administrator's first login enrols an authenticator app."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from e2e.conftest import login
from luoshi.testing.twofactor import current_code
from luoshi.testing.world import PASSWORD


def test_security_admin_enrols_an_app_at_the_first_login_and_keeps_the_recovery_codes(page, world):
    page.goto("/accounts/login/")
    page.fill("#id_username", "secadmin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/2fa/enrol/" in page.url
    assert page.locator("[data-otp-qr] svg").is_visible()
    assert page.locator("[data-otp-secret]").inner_text().strip()
    page.shots("enrol")
    page.fill("#id_code", "000000")
    page.click("[data-otp-submit]")
    assert page.locator(".invalid-feedback").inner_text().startswith("验证码不正确")
    page.fill("#id_code", current_code(world.secadmin))
    page.click("[data-otp-submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.shots("recovery-codes")
    page.click("[data-otp-continue]")
    page.goto("/accounts/users/")
    assert "/accounts/users/" in page.url
    assert TOTPDevice.objects.get(user=world.secadmin).confirmed


def test_an_enrolled_auditor_types_the_code_after_the_password(page, world):
    login(page, "auditor", PASSWORD)  # enrols through the real page
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/2fa/" in page.url
    page.shots("code-page")
    page.fill("#id_code", current_code(world.auditor))
    page.click("[data-otp-submit]")
    page.wait_for_load_state("networkidle")
    page.goto("/audit/")
    assert "/audit/" in page.url
    assert "/accounts/" not in page.url
