"""Two-factor login (双因素认证) of the administrative roles: enrolment, codes, lockout, reset, API and demo."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from luoshi.access.roles import Role
from luoshi.accounts import services, twofactor
from luoshi.accounts.models import User
from luoshi.audit.models import Action, AuditEvent
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.demo.accounts import demo_accounts_text
from luoshi.testing.twofactor import code_for, current_code, enrol, login_through_pages, verified_login
from luoshi.testing.world import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE_PAGE = reverse("accounts:two_factor")
ENROL_PAGE = reverse("accounts:two_factor_enrol")
TOKEN = reverse("api-token")


def password_login(client: Client, username: str) -> None:
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def audit_text() -> str:
    return "\n".join(f"{e.detail} {e.before} {e.after}" for e in AuditEvent.objects.all())


def test_the_administrative_roles_and_only_they_need_two_factor_login(world: World) -> None:
    needed = {name for name, user in world.users.items() if twofactor.requires_two_factor(user)}
    assert needed == {"office_city", "secadmin", "auditor"}
    district_admin = make_user("secadmin_d", Role.SECURITY_ADMIN, world.district_b)
    assert twofactor.requires_two_factor(district_admin)


def test_enrolment_is_forced_at_the_next_login(client: Client, world: World) -> None:
    password_login(client, "secadmin")
    answer = client.get(reverse("accounts:users"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(CODE_PAGE)
    assert client.get(answer["Location"])["Location"].startswith(ENROL_PAGE)
    page = client.get(ENROL_PAGE).content.decode()
    assert "<svg" in page
    assert "绑定身份验证器" in page
    device = TOTPDevice.objects.get(user=world.secadmin)
    assert not device.confirmed
    assert twofactor.secret_text(device) in page
    assert client.get(reverse("accounts:users")).status_code == 302


def test_confirming_the_app_shows_ten_recovery_codes_once_and_lets_the_user_in(client: Client, world: World) -> None:
    password_login(client, "auditor")
    client.get(ENROL_PAGE)
    answer = client.post(ENROL_PAGE, {"code": current_code(world.auditor), "next": reverse("audit:list")})
    assert answer.status_code == 200
    codes = re.findall(r"<li class=\"col-6\">(\w+)</li>", answer.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=world.auditor).values_list("token", flat=True))
    assert twofactor.is_enrolled(world.auditor)
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get(ENROL_PAGE).status_code == 302
    assert AuditEvent.objects.filter(actor=world.auditor, detail__contains="绑定身份验证器，启用双因素认证").exists()


def test_a_wrong_enrolment_code_is_refused(client: Client, world: World) -> None:
    password_login(client, "secadmin")
    client.get(ENROL_PAGE)
    answer = client.post(ENROL_PAGE, {"code": "000000x"})
    assert "验证码不正确" in answer.content.decode()
    assert not twofactor.is_enrolled(world.secadmin)
    assert fresh(world.secadmin).failed_logins == 1


def test_an_enrolled_user_passes_with_the_app_code_and_the_login_is_audited(client: Client, world: World) -> None:
    enrol(world.office_city)
    answer = login_through_pages(client, "office_city")
    assert answer.status_code == 302
    assert client.get(reverse("problems:list")).status_code == 200
    event = AuditEvent.objects.filter(action=Action.LOGIN).latest("seq")
    assert (event.actor, event.detail) == (world.office_city, "双因素认证通过（身份验证器）")


def test_a_used_app_code_is_not_accepted_again(world: World) -> None:
    device = enrol(world.office_city)
    code = code_for(device)
    twofactor.verify(world.office_city, code)
    with pytest.raises(twofactor.CodeRefused):
        twofactor.verify(world.office_city, code)


def test_wrong_codes_lock_the_account_like_wrong_passwords(client: Client, world: World) -> None:
    enrol(world.secadmin)
    password_login(client, "secadmin")
    for attempt in range(1, settings.LUOSHI_LOGIN_MAX_FAILURES):
        answer = client.post(CODE_PAGE, {"code": "123456x"})
        assert "验证码不正确或已使用" in answer.content.decode()
        assert fresh(world.secadmin).failed_logins == attempt
    answer = client.post(CODE_PAGE, {"code": "123456x"})
    assert answer["Location"] == LOGIN
    assert fresh(world.secadmin).is_locked
    assert client.get(reverse("accounts:users"))["Location"].startswith(LOGIN)
    with pytest.raises(twofactor.CodeRefused, match="账号已锁定"):
        twofactor.verify(world.secadmin, current_code(world.secadmin))
    failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_name="secadmin")
    assert failures.count() == settings.LUOSHI_LOGIN_MAX_FAILURES
    assert "动态验证码错误（连续第 5 次），账号锁定" in failures.latest("seq").detail


def test_a_new_password_login_does_not_wipe_the_wrong_code_count(client: Client, world: World) -> None:
    enrol(world.secadmin)
    password_login(client, "secadmin")
    client.post(CODE_PAGE, {"code": "999999x"})
    client.post(reverse("accounts:logout"))
    password_login(client, "secadmin")
    assert fresh(world.secadmin).failed_logins == 1
    client.post(CODE_PAGE, {"code": current_code(world.secadmin)})
    assert fresh(world.secadmin).failed_logins == 0


def test_a_recovery_code_works_once(world: World) -> None:
    device = twofactor.start_enrolment(world.secadmin)
    _app, codes = twofactor.confirm_enrolment(world.secadmin, code_for(device))
    assert isinstance(twofactor.verify(world.secadmin, codes[0].upper()), StaticDevice)
    assert twofactor.recovery_codes_left(world.secadmin) == 9
    with pytest.raises(twofactor.CodeRefused):
        twofactor.verify(world.secadmin, codes[0])
    event = AuditEvent.objects.filter(action=Action.LOGIN, actor=world.secadmin).latest("seq")
    assert event.detail == "使用恢复码通过双因素认证（剩余 9 个）"


def test_secrets_and_codes_never_reach_the_audit_log(world: World) -> None:
    device = twofactor.start_enrolment(world.secadmin)
    code = code_for(device)
    _app, codes = twofactor.confirm_enrolment(world.secadmin, code)
    twofactor.verify(world.secadmin, codes[1])
    text = audit_text()
    for secret in (device.key, twofactor.secret_text(device).replace(" ", ""), code, *codes):
        assert secret not in text


def test_a_security_admin_in_scope_resets_two_factor_and_the_user_enrols_again(client: Client, world: World) -> None:
    enrol(world.office_city)
    services.issue_token(world.office_city)
    verified_login(client, world.secadmin)
    detail = client.get(reverse("accounts:user_detail", args=[world.office_city.pk])).content.decode()
    assert "已绑定" in detail
    assert "重置双因素认证" in detail
    answer = client.post(reverse("accounts:user_reset_two_factor", args=[world.office_city.pk]))
    assert answer.status_code == 302
    assert not twofactor.is_enrolled(world.office_city)
    assert not StaticDevice.objects.filter(user=world.office_city).exists()
    assert not Token.objects.filter(user=world.office_city).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, detail="重置双因素认证（本人下次登录时重新绑定）")
    assert (event.actor, event.object_id) == (world.secadmin, str(world.office_city.pk))
    other = Client()
    password_login(other, "office_city")
    assert other.get(CODE_PAGE)["Location"].startswith(ENROL_PAGE)


def test_reset_is_refused_to_oneself_outside_the_scope_and_to_other_roles(client: Client, world: World) -> None:
    district_admin = make_user("secadmin_d", Role.SECURITY_ADMIN, world.district_b)
    enrol(world.secadmin)
    enrol(world.office_city)
    with pytest.raises(NotAllowed, match="不能重置自己"):
        twofactor.reset(world.secadmin, world.secadmin)
    with pytest.raises(NotAllowed):
        twofactor.reset(district_admin, world.office_city)
    with pytest.raises(NotAllowed):
        twofactor.reset(world.auditor, world.office_city)
    verified_login(client, world.auditor)
    assert client.post(reverse("accounts:user_reset_two_factor", args=[world.office_city.pk])).status_code == 403
    verified_login(client, world.secadmin)
    client.post(reverse("accounts:user_reset_two_factor", args=[world.secadmin.pk]))
    assert twofactor.is_enrolled(world.secadmin)
    assert twofactor.is_enrolled(world.office_city)
    with pytest.raises(RuleViolation, match="尚未绑定"):
        twofactor.reset(world.secadmin, world.office_a)


def test_the_user_page_shows_who_still_has_to_enrol(client: Client, world: World) -> None:
    verified_login(client, world.secadmin)
    page = client.get(reverse("accounts:user_detail", args=[world.auditor.pk])).content.decode()
    assert "未绑定，下次登录时须绑定" in page
    assert "重置双因素认证" not in page
    assert twofactor.status(world.liaison_a) == {"required": False, "enrolled": False, "codes_left": 0}


def test_an_unverified_session_reaches_no_page_and_no_api(client: Client, world: World) -> None:
    enrol(world.office_city)
    client.force_login(world.office_city)
    for name in ("home", "problems:list", "accounts:api_token", "accounts:password_change"):
        answer = client.get(reverse(name))
        assert answer.status_code == 302, name
        assert answer["Location"].startswith(CODE_PAGE), name
    assert client.post(reverse("accounts:api_token")).status_code == 302
    assert not Token.objects.filter(user=world.office_city).exists()
    api = client.get(reverse("problem-list"))
    assert api.status_code in (401, 403)
    assert "双因素认证" in api.json()["detail"]
    assert client.get(CODE_PAGE).status_code == 200
    verified_login(client, world.office_city)
    assert client.get(reverse("problem-list")).status_code == 200
    assert client.get(reverse("accounts:api_token")).status_code == 200


def test_the_second_factor_comes_before_a_forced_password_change(client: Client, world: World) -> None:
    User.objects.filter(pk=world.secadmin.pk).update(must_change_password=True)
    enrol(world.secadmin)
    password_login(client, "secadmin")
    assert client.get(reverse("accounts:users"))["Location"].startswith(CODE_PAGE)
    assert client.get(CODE_PAGE).status_code == 200
    assert client.post(CODE_PAGE, {"code": current_code(world.secadmin)}).status_code == 302
    assert client.get(reverse("accounts:users"))["Location"] == reverse("accounts:password_change")


def test_users_without_the_requirement_log_in_with_the_password_alone(client: Client, world: World) -> None:
    password_login(client, "liaison_a")
    assert client.get(reverse("problems:list")).status_code == 200
    assert client.get(CODE_PAGE)["Location"] == reverse("home")
    assert not TOTPDevice.objects.filter(user=world.liaison_a).exists()


# --- the API token -----------------------------------------------------------------------------------


def test_a_token_is_refused_without_the_second_factor_and_issued_with_it(world: World) -> None:
    api = APIClient()
    not_enrolled = api.post(TOKEN, {"username": "office_city", "password": PASSWORD})
    assert not_enrolled.status_code == 400
    assert "绑定身份验证器" in str(not_enrolled.json())
    device = enrol(world.office_city)
    missing = api.post(TOKEN, {"username": "office_city", "password": PASSWORD})
    assert missing.status_code == 400
    assert "otp" in str(missing.json())
    wrong = api.post(TOKEN, {"username": "office_city", "password": PASSWORD, "otp": "000000x"})
    assert wrong.status_code == 400
    assert fresh(world.office_city).failed_logins == 1
    assert not Token.objects.filter(user=world.office_city).exists()
    right = api.post(TOKEN, {"username": "office_city", "password": PASSWORD, "otp": code_for(device)})
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=world.office_city).key


def test_a_token_with_a_recovery_code_and_without_otp_for_other_roles(world: World) -> None:
    device = twofactor.start_enrolment(world.auditor)
    _app, codes = twofactor.confirm_enrolment(world.auditor, code_for(device))
    api = APIClient()
    assert api.post(TOKEN, {"username": "auditor", "password": PASSWORD, "otp": codes[0]}).status_code == 200
    assert api.post(TOKEN, {"username": "auditor", "password": PASSWORD, "otp": codes[0]}).status_code == 400
    assert api.post(TOKEN, {"username": "liaison_a", "password": PASSWORD}).status_code == 200


def test_wrong_token_codes_lock_the_account(world: World) -> None:
    enrol(world.office_city)
    api = APIClient()
    for _attempt in range(settings.LUOSHI_LOGIN_MAX_FAILURES):
        api.post(TOKEN, {"username": "office_city", "password": PASSWORD, "otp": "111111x"})
    assert fresh(world.office_city).is_locked
    answer = api.post(TOKEN, {"username": "office_city", "password": PASSWORD, "otp": current_code(world.office_city)})
    assert answer.status_code == 400
    assert not Token.objects.filter(user=world.office_city).exists()


def test_the_schema_documents_the_otp_field(client: Client) -> None:
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    body = schema["paths"]["/api/v1/token/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    otp = schema["components"]["schemas"][name]["properties"]["otp"]
    assert "恢复码" in otp["description"]


# --- the demo ----------------------------------------------------------------------------------------


def test_the_code_page_shows_the_current_code_only_for_the_demo_device(world: World) -> None:
    enrol(world.office_city)
    plain = Client()
    password_login(plain, "office_city")
    assert "data-demo-code" not in plain.get(CODE_PAGE).content.decode()
    assert "双因素认证" not in demo_accounts_text()
    demo_admin = make_user("demo_secadmin", Role.SECURITY_ADMIN, world.city)
    twofactor.enrol_demo(demo_admin)
    demo = Client()
    password_login(demo, "demo_secadmin")
    page = demo.get(CODE_PAGE).content.decode()
    shown = re.search(r'data-demo-code="(\d{6})"', page)
    assert shown is not None
    assert demo.post(CODE_PAGE, {"code": shown.group(1)}).status_code == 302
    assert demo.get(reverse("accounts:users")).status_code == 200
    assert twofactor.demo_accounts() == ["demo_secadmin"]
    assert twofactor.demo_secret() in demo_accounts_text()


def test_no_demo_device_exists_outside_demo_data(world: World) -> None:
    for user in get_user_model().objects.all():
        if twofactor.requires_two_factor(user):
            enrol(user)
    assert not TOTPDevice.objects.filter(key=twofactor.DEMO_KEY).exists()
    assert twofactor.demo_code(world.secadmin) == ""
    assert twofactor.demo_accounts() == []
