"""Accounts (账号): login rules, passwords, API tokens, and the security admin's user and role management.

三权分立 — the rules every function here keeps:

* A security admin (安全管理员) manages accounts and role assignments only inside their own
  ``MANAGE_USERS`` scope. An account is managed by an admin whose scope covers the account's own
  unit *and* every unit the account holds a role on, so a district admin cannot take over an
  account that also works at city level. Accounts without any unit or role are managed by admins
  of a top-level unit.
* Nobody manages their own account or roles through these functions: a security admin cannot grant
  themselves a role (not even the auditor's), revoke their own, reset their own password or
  deactivate themselves; everyone changes their own password on the "修改密码" page.
* One account holds roles of one kind only: security admin, auditor, or campaign roles (office,
  liaison, leader, supervisor). So the security admin never sees campaign data, and the auditor
  only reads the audit log.
* The audit log covers the whole platform, so the auditor role is granted on a top-level unit only.
* Passwords set by an admin (new account, reset) must be changed by their owner at the next login.

Every write runs in a transaction and leaves an audit record; passwords and token keys never
reach the audit log.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, Throttled

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, Role
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, record_change, snapshot
from luoshi.core import counters, paths
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.middleware import client_ip
from luoshi.orgs.models import Unit

MANAGE = Perm.MANAGE_USERS
ROLE_KINDS: dict[str, str] = {
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDITOR: "审计员",
    Role.OFFICE: "业务角色",
    Role.LIAISON: "业务角色",
    Role.LEADER: "业务角色",
    Role.SUPERVISOR: "业务角色",
    Role.DISPATCHER: "业务角色",
    Role.HANDLER: "业务角色",
}
EDITABLE_FIELDS = ("display_name", "title", "email", "unit")
DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


# --- login rules -------------------------------------------------------------------------------


def is_locked(username: str) -> bool:
    user = User.objects.filter(username=username).only("locked_until").first()
    return bool(user and user.is_locked)


def _add_failure(username: str) -> bool:
    """One more failure in a row for an active, unlocked account that has attempts left, in one atomic UPDATE.

    False when there is no such account, it is deactivated or locked, or its last attempts are being checked.
    An expired lock starts the count afresh.
    """
    now = timezone.now()
    expired = Q(locked_until__lte=now)
    free = Q(locked_until__isnull=True, failed_logins__lt=settings.LUOSHI_LOGIN_MAX_FAILURES) | expired
    updated = (
        User.objects.filter(free, username=username, is_active=True)
        .order_by()
        .update(
            failed_logins=Case(When(expired, then=Value(1)), default=F("failed_logins") + 1),
            locked_until=Case(When(expired, then=Value(None, output_field=DateTimeField())), default=F("locked_until")),
        )
    )
    return updated == 1


def _lock_if_used_up(user: User) -> bool:
    """Lock the account once its failures reach the limit (only the first caller locks it)."""
    until = timezone.now() + timedelta(minutes=settings.LUOSHI_LOGIN_LOCK_MINUTES)
    limit = settings.LUOSHI_LOGIN_MAX_FAILURES
    locked = User.objects.filter(pk=user.pk, failed_logins__gte=limit, locked_until__isnull=True).update(
        locked_until=until
    )
    if locked:
        revoke_access(user, user, "登录失败次数过多锁定账号")
    return bool(locked)


def _audit_failure(username: str, counted: bool, what: str) -> None:
    user = User.objects.filter(username=username).first()
    lock_note = f"，账号锁定 {settings.LUOSHI_LOGIN_LOCK_MINUTES} 分钟"
    if user is None:
        detail = "用户名不存在"
    elif not user.is_active:
        detail = "账号已停用"
    elif counted:
        detail = f"{what}（连续第 {user.failed_logins} 次）" + (lock_note if _lock_if_used_up(user) else "")
    elif user.is_locked:
        detail = "账号锁定期间尝试登录"
    else:  # the last allowed attempts are still being checked
        detail = "登录尝试次数已用完" + (lock_note if _lock_if_used_up(user) else "")
    record(
        Action.LOGIN_FAILED,
        actor_name=username,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=str(user) if user else "",
        detail=detail,
    )


def note_failed_login(username: str, address: str = "", what: str = "密码错误") -> None:
    """Count a failure against the account and the client address; lock the account after too many in a row.

    Both counts are atomic. A wrong second-factor code counts the same (``what`` names it). The username is
    audited, never the password.
    """
    username = username[:150]
    if address:
        _hit_address(address)
    _audit_failure(username, _add_failure(username), what)


@dataclass(frozen=True)
class PasswordCheck:
    """A login attempt allowed to check its password: it already counts as a failure until the password is right."""

    username: str
    address: str
    allowed: bool


def begin_password_check(request: Any, username: str) -> PasswordCheck:
    """Reserve this attempt against the address and the account before any password is checked.

    An address over its limit is refused (``LoginThrottled``); an account that is unknown, deactivated, locked or
    has no attempts left gets ``allowed=False``: its password is not checked at all.
    """
    username = username[:150]
    address = client_ip(request) if request is not None else ""
    check_login_address(request, username)
    return PasswordCheck(username, address, _add_failure(username))


def finish_password_check(attempt: PasswordCheck, right: bool) -> None:
    """A right password takes the attempt back from both counts; anything else stays counted and is audited."""
    if attempt.allowed and right:
        User.objects.filter(username=attempt.username, failed_logins__gt=0).update(failed_logins=F("failed_logins") - 1)
        if attempt.address:
            _undo_address(attempt.address)
        return
    _audit_failure(attempt.username, attempt.allowed, "密码错误")


class LoginThrottled(Throttled):
    """Too many failed logins from one client address: refused before any password is checked (HTTP 429)."""

    default_code = "login_throttled"

    def __init__(self, wait: int) -> None:
        minutes = max(1, math.ceil(wait / 60))
        message = _("该网络地址登录失败次数过多，已暂停登录，请 {minutes} 分钟后再试。").format(minutes=minutes)
        super().__init__(detail=message, code=self.default_code)
        self.wait = wait


def _address_window() -> tuple[int, int]:
    allowed: int = settings.LUOSHI_LOGIN_ADDRESS_MAX_FAILURES
    minutes: int = settings.LUOSHI_LOGIN_ADDRESS_WINDOW_MINUTES
    return allowed, minutes * 60


def _address_key(address: str) -> str:
    return f"login-fail:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _window_left(window: int) -> int:
    return window - int(time.time()) % window


def _hit_address(address: str) -> int:
    allowed, window = _address_window()
    try:
        return counters.hit(_address_key(address), window)
    except counters.CountersUnavailable:
        return allowed + 1


def _undo_address(address: str) -> None:
    with contextlib.suppress(counters.CountersUnavailable):
        counters.undo(_address_key(address), _address_window()[1])


def address_wait(address: str) -> int:
    """Seconds until ``address`` may try to log in again; 0 while it has failures left in this window."""
    allowed, window = _address_window()
    if not address:
        return 0
    try:
        used = counters.current(_address_key(address), window)
    except counters.CountersUnavailable:
        used = allowed
    return 0 if used < allowed else _window_left(window)


def check_login_address(request: Any, username: str | None) -> None:
    """Count a login attempt against its address, atomically; refuse (and audit) it once the address has used up
    its failures, whatever the username. A right password takes the attempt back (``finish_password_check``)."""
    address = client_ip(request) if request is not None else ""
    if not address:
        return
    allowed, window = _address_window()
    if _hit_address(address) > allowed:
        record(
            Action.LOGIN_FAILED,
            actor_name=(username or "")[:150],
            object_type="accounts.user",
            detail="该网络地址登录失败次数过多，暂停期间尝试登录",
        )
        raise LoginThrottled(_window_left(window))


def clear_failures(user: Any) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def note_login(user: Any) -> None:
    """A right password; failures of a user who still owes the second factor are cleared only once it passes."""
    from luoshi.accounts.twofactor import requires_two_factor

    if not requires_two_factor(user):
        clear_failures(user)
    record(Action.LOGIN, actor=user, obj=user)


def note_logout(user: Any) -> None:
    if user is not None and user.is_authenticated:
        record(Action.LOGOUT, actor=user, obj=user)


# --- passwords and tokens ------------------------------------------------------------------------


def password_problems(password: str, user: Any) -> list[str]:
    """What the password policy (settings.AUTH_PASSWORD_VALIDATORS) says against ``password``."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    problems = password_problems(password, user)
    if problems:
        raise RuleViolation(" ".join(problems), code="weak_password")
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change


def change_own_password(user: User, old_password: str, new_password: str, keep_session: str = "") -> User:
    """Every user changes their own password (修改密码); this also clears a pending forced change.

    Every API token and every other session of the account ends; ``keep_session`` (the current one) stays.
    """
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        if not fresh.check_password(old_password):
            raise RuleViolation(_("原密码不正确。"), code="wrong_password")
        if old_password == new_password:
            raise RuleViolation(_("新密码不能与原密码相同。"), code="same_password")
        before = snapshot(fresh)
        _set_password(fresh, new_password, must_change=False)
        fresh.save()
        record_change(fresh, fresh, before, detail="修改本人密码")
        revoke_access(fresh, fresh, "修改本人密码", keep_session=keep_session)
    return fresh


def password_change_due(user: Any) -> bool:
    """The account must change its password before anything else: set by an admin, or older than
    ``LUOSHI_PASSWORD_MAX_AGE_DAYS`` (0: never too old)."""
    if getattr(user, "must_change_password", False):
        return True
    max_age: int = settings.LUOSHI_PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    return bool(max_age and changed and changed < timezone.now() - timedelta(days=max_age))


class PasswordChangeRequired(PermissionDenied):
    """The API refuses an account whose password must be changed first (HTTP 403)."""

    default_code = "password_change_required"

    def __init__(self) -> None:
        message = _("您的密码须先修改（管理员设置的初始密码或密码已过期）：请先在网页上修改密码，再使用 API。")
        super().__init__(detail=message, code=self.default_code)


def require_current_password(user: Any) -> None:
    """API access (a token, or a session through the API) only for an account that owes no password change."""
    if password_change_due(user):
        raise PasswordChangeRequired()


def _end_sessions(user: Any, keep: str) -> int:
    """End every stored session of ``user`` but ``keep`` (database-backed sessions; others end through the
    password hash and the lock check of the authentication backend)."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


def revoke_access(user: Any, actor: Any, reason: str, keep_session: str = "") -> None:
    """Delete every API token and end every session of the account (but ``keep_session``); each is audited."""
    revoke_token(user, actor=actor, detail=f"{reason}时注销 API 令牌")
    ended = _end_sessions(user, keep_session)
    if ended:
        record(Action.LOGOUT, actor=actor or user, obj=user, detail=f"{reason}时结束登录会话 {ended} 个")


def token_created_at(user: Any) -> Any:
    return Token.objects.filter(user=user).values_list("created", flat=True).first()


def issue_token(user: Any) -> str:
    """Create the user's API token (API 令牌), or replace it; returns the key, which is shown once."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        record(
            Action.UPDATE if replaced else Action.CREATE,
            actor=user,
            obj=user,
            detail="更换 API 令牌" if replaced else "生成 API 令牌",
            after={"token_created": token.created},
        )
    return token.key


def revoke_token(user: Any, actor: Any = None, detail: str = "注销 API 令牌") -> bool:
    with transaction.atomic():
        removed = Token.objects.filter(user=user).delete()[0] > 0
        if removed:
            record(Action.DELETE, actor=actor or user, obj=user, detail=detail)
    return removed


# --- the security admin's scope ----------------------------------------------------------------


def _covers_top_level(actor: Any) -> bool:
    return any(paths.depth(p) == 1 for p in scope.scope_paths(actor, MANAGE))


def manageable_units(actor: Any) -> QuerySet[Unit]:
    return Unit.objects.visible_to(actor, MANAGE)


def visible_users(actor: Any) -> QuerySet[User]:
    """Accounts a security admin sees: their unit or one of their roles lies in the admin's scope."""
    if not scope.has_perm_anywhere(actor, MANAGE):
        return User.objects.none()
    in_scope = RoleAssignment.objects.filter(scope.visible_q(actor, MANAGE, "unit__path"))
    q = scope.visible_q(actor, MANAGE, "unit__path") | Q(pk__in=in_scope.values("user_id"))
    if _covers_top_level(actor):
        q |= Q(Q(unit__isnull=True), ~Exists(RoleAssignment.objects.filter(user=OuterRef("pk"))))
    return User.objects.filter(q)


def _account_paths(user: User) -> list[str]:
    found = list(RoleAssignment.objects.filter(user=user).values_list("unit__path", flat=True))
    if user.unit_id:
        found.append(Unit.objects.values_list("path", flat=True).get(pk=user.unit_id))
    return found


def can_manage_account(actor: Any, user: User) -> bool:
    if user.pk == actor.pk or not scope.has_perm_anywhere(actor, MANAGE):
        return False
    found = _account_paths(user)
    if not found:
        return _covers_top_level(actor)
    return all(scope.can(actor, MANAGE, p) for p in found)


def _require_account(actor: Any, user: User) -> None:
    if user.pk == actor.pk:
        raise NotAllowed(_("不能在账号管理中操作自己的账号（三权分立）；修改本人密码请使用“修改密码”。"))
    if not can_manage_account(actor, user):
        raise NotAllowed(_("该账号在您管理范围之外的单位也有任职，只有上级安全管理员可以操作。"))


def _require_unit(actor: Any, unit: Unit, message: str) -> None:
    scope.require(actor, MANAGE, unit.path, message)


def _locked_user(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


# --- account management --------------------------------------------------------------------------


def create_user(
    actor: Any,
    *,
    username: str,
    password: str,
    unit: Unit,
    display_name: str = "",
    title: str = "",
    email: str = "",
) -> User:
    """New account (新建账号) in a unit of the admin's scope; its owner must change the password at first login."""
    _require_unit(actor, unit, _("只能在您管理范围内的单位新建账号。"))
    username = username.strip()
    if not username:
        raise RuleViolation(_("用户名不能为空。"))
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(_("用户名「{username}」已被使用。").format(username=username), code="duplicate")
    user = User(username=username, display_name=display_name, title=title, email=email, unit=unit)
    _set_password(user, password, must_change=True)
    with transaction.atomic():
        user.save()
        record_change(actor, user, None, detail="新建账号")
    return user


def update_user(actor: Any, user: User, **changes: Any) -> User:
    """Edit name, title, e-mail or unit (修改账号信息); a new unit must also lie in the admin's scope."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleViolation(_("字段 {fields} 不可修改。").format(fields="、".join(sorted(unknown))))
    if changes.get("unit") is not None:
        _require_unit(actor, changes["unit"], _("只能把账号调到您管理范围内的单位。"))
    with transaction.atomic():
        fresh = _locked_user(user)
        _require_account(actor, fresh)
        before = snapshot(fresh)
        for field, value in changes.items():
            setattr(fresh, field, value)
        fresh.save()
        record_change(actor, fresh, before, detail="修改账号信息")
    return fresh


def set_active(actor: Any, user: User, active: bool) -> User:
    """Deactivate (停用) or reactivate (启用) an account; deactivating ends its sessions and deletes its API token."""
    with transaction.atomic():
        fresh = _locked_user(user)
        _require_account(actor, fresh)
        if fresh.is_active == active:
            raise RuleViolation(_("该账号已经是启用状态。") if active else _("该账号已经停用。"))
        before = snapshot(fresh)
        fresh.is_active = active
        fresh.save(update_fields=["is_active"])
        record_change(actor, fresh, before, detail="启用账号" if active else "停用账号")
        if not active:
            revoke_access(fresh, actor, "停用账号")
    return fresh


def reset_password(actor: Any, user: User, password: str) -> User:
    """Reset a password (重置密码): also unlocks the account and revokes its API token."""
    with transaction.atomic():
        fresh = _locked_user(user)
        _require_account(actor, fresh)
        before = snapshot(fresh)
        _set_password(fresh, password, must_change=True)
        fresh.failed_logins, fresh.locked_until = 0, None
        fresh.save()
        record_change(actor, fresh, before, detail="重置密码")
        revoke_access(fresh, actor, "重置密码")
    return fresh


def unlock(actor: Any, user: User) -> User:
    """Lift a lockout (解除锁定) before it expires."""
    with transaction.atomic():
        fresh = _locked_user(user)
        _require_account(actor, fresh)
        before = snapshot(fresh)
        fresh.failed_logins, fresh.locked_until = 0, None
        fresh.save(update_fields=["failed_logins", "locked_until"])
        record_change(actor, fresh, before, detail="解除锁定")
    return fresh


# --- role assignments ----------------------------------------------------------------------------


def _check_separation(user: User, role: str, unit: Unit) -> None:
    held = list(RoleAssignment.objects.filter(user=user).values_list("role", "unit_id"))
    if (role, unit.pk) in held:
        raise RuleViolation(_("该账号已在此单位担任该角色。"), code="duplicate")
    for other, _unit in held:
        if ROLE_KINDS.get(other) != ROLE_KINDS[role]:
            raise RuleViolation(
                _("三权分立：该账号已担任「{held}」，不能再担任「{role}」。").format(
                    held=Role(other).label, role=Role(role).label
                ),
                code="separation",
            )
    if role == Role.AUDITOR and unit.parent_id is not None:
        raise RuleViolation(_("审计日志覆盖全平台，审计员角色只能授予在顶级单位上。"), code="auditor_unit")


def assign_role(actor: Any, user: User, role: str, unit: Unit) -> RoleAssignment:
    """Grant ``role`` on ``unit`` (授予角色); it reaches the unit's whole subtree."""
    if role not in ROLE_KINDS:
        raise RuleViolation(_("未知的角色。"))
    if user.pk == actor.pk:
        raise NotAllowed(_("不能给自己授予角色（三权分立）。"))
    _require_unit(actor, unit, _("不能在您管理范围之外的单位授予角色。"))
    from luoshi.accounts.twofactor import requires_two_factor

    with transaction.atomic():
        fresh = _locked_user(user)
        if not visible_users(actor).filter(pk=fresh.pk).exists():
            raise NotAllowed(_("该账号不在您的管理范围内。"))
        _check_separation(fresh, role, unit)
        needed_before = requires_two_factor(fresh)
        assignment = RoleAssignment.objects.create(user=fresh, role=role, unit=unit)
        record_change(actor, assignment, None, detail="授予角色")
        scope.forget(fresh)
        if not needed_before and requires_two_factor(fresh):  # its token was issued without a second factor
            revoke_token(fresh, actor=actor, detail="授予须双因素认证的角色时注销 API 令牌")
    scope.forget(user)
    return assignment


def revoke_role(actor: Any, assignment: RoleAssignment) -> None:
    """Withdraw a role (撤销角色); only on a unit of the admin's scope, and never the admin's own."""
    if assignment.user_id == actor.pk:
        raise NotAllowed(_("不能撤销自己的角色（三权分立）。"))
    with transaction.atomic():
        fresh = RoleAssignment.objects.select_for_update().select_related("unit", "user").get(pk=assignment.pk)
        _require_unit(actor, fresh.unit, _("不能撤销您管理范围之外单位的角色。"))
        record(Action.DELETE, actor=actor, obj=fresh, before=snapshot(fresh), detail="撤销角色")
        fresh.delete()


# --- bootstrapping -------------------------------------------------------------------------------


def bootstrap_account(username: str, unit: Unit, role: str, password: str | None, operator: str) -> User:
    """For ``luoshi create_admin``: create the account if needed and grant ``role`` on ``unit``.

    Run by the server operator, so there is no actor to check; the separation rules and the
    password policy apply all the same, and the audit log names the operator.
    """
    if role not in ROLE_KINDS:
        raise RuleViolation(_("未知的角色。"))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            if not password:
                raise RuleViolation(_("新账号需要设置密码。"))
            user = User(username=username, display_name=username, unit=unit)
            _set_password(user, password, must_change=False)
            user.save()
            record(Action.CREATE, obj=user, after=snapshot(user), actor_name=operator, detail="命令行新建账号")
        _check_separation(user, role, unit)
        assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit)
        record(Action.CREATE, obj=assignment, after=snapshot(assignment), actor_name=operator, detail="命令行授予角色")
    return user
