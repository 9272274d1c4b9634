"""Account pages: login, own password and API token, and the security admin's user management (账号管理)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm
from luoshi.accounts import services, twofactor
from luoshi.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleAssignForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import search_text
from luoshi.core.pagination import Paginator

View = Callable[..., HttpResponse]
PAGE_SIZE = 30


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_role.html")


def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: every user, and the forced first change after an admin set the password."""
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = services.change_own_password(
                user,
                form.cleaned_data["old_password"],
                form.cleaned_data["new_password2"],
                keep_session=request.session.session_key or "",
            )
        except RuleViolation as exc:
            form.add_error("old_password" if exc.code == "wrong_password" else None, str(exc))
        else:
            update_session_auth_hash(request, fresh)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    forced, due = user.must_change_password, services.password_change_due(user)
    context = {"form": form, "forced": forced, "expired": due and not forced}
    return render(request, "accounts/password_change.html", context)


@never_cache
def api_token(request: HttpRequest) -> HttpResponse:
    """API 令牌: create, rotate or revoke one's own token; a new key is shown once, in the POST answer."""
    new_key = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_token(request.user):
                messages.success(request, _("API 令牌已注销。"))
            return redirect("accounts:api_token")
        new_key = services.issue_token(request.user)
    created = services.token_created_at(request.user)
    return render(request, "accounts/api_token.html", {"new_key": new_key, "created": created})


# --- security admin pages --------------------------------------------------------------------------


def manage_users_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope.has_perm_anywhere(request.user, Perm.MANAGE_USERS):
            raise PermissionDenied(_("只有安全管理员可以管理账号。"))
        return view(request, *args, **kwargs)

    return wrapped


def _visible_user(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(services.visible_users(request.user), pk=pk)


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    try:
        action()
    except (RuleViolation, NotAllowed) as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@manage_users_required
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    users = form.filter(services.visible_users(request.user)).select_related("unit")
    page = Paginator(users, ("username", "id"), PAGE_SIZE).page(request.GET)
    roles: dict[int, list[RoleAssignment]] = {}
    for assignment in RoleAssignment.objects.filter(user__in=[u.pk for u in page]).select_related("unit"):
        roles.setdefault(assignment.user_id, []).append(assignment)
    rows = [(u, roles.get(u.pk, [])) for u in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "now": timezone.now()},
    )


@manage_users_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                request.user,
                username=data["username"],
                password=data["new_password2"],
                unit=data["unit"],
                display_name=data["display_name"],
                title=data["title"],
                email=data["email"],
            )
        except (RuleViolation, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("账号「{username}」已创建，本人首次登录时须修改初始密码。").format(username=user.username)
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建账号")})


@manage_users_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    record(Action.VIEW_PERSONAL, actor=request.user, obj=account, detail="查看账号信息")
    assignments = RoleAssignment.objects.filter(user=account).select_related("unit").order_by("unit__path", "role")
    manageable = [(a, scope.can(request.user, Perm.MANAGE_USERS, a.unit.path)) for a in assignments]
    context = {
        "account": account,
        "assignments": manageable,
        "can_manage": services.can_manage_account(request.user, account),
        "can_assign": account.pk != request.user.pk,
        "role_form": RoleAssignForm(request.user),
        "is_self": account.pk == request.user.pk,
        "two_factor": twofactor.status(account),
    }
    return render(request, "accounts/user_detail.html", context)


@manage_users_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    initial = {"display_name": account.display_name, "title": account.title, "email": account.email}
    initial["unit"] = account.unit.code if account.unit else ""
    form = UserEditForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, account, **form.cleaned_data)
        except (RuleViolation, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("账号信息已保存。"))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("修改账号信息"), "account": account})


@manage_users_required
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    form = PasswordResetForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(request.user, account, form.cleaned_data["new_password2"])
        except (RuleViolation, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("密码已重置，账号已解锁；本人下次登录时须修改密码。"))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_password.html", {"form": form, "account": account})


@require_POST
@manage_users_required
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    active = request.POST.get("active") == "1"
    _attempt(
        request,
        lambda: services.set_active(request.user, account, active),
        _("账号已启用。") if active else _("账号已停用。"),
    )
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@manage_users_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    _attempt(request, lambda: services.unlock(request.user, account), _("账号已解锁。"))
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@manage_users_required
def role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    form = RoleAssignForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("accounts:user_detail", pk=account.pk)
    role, unit = form.cleaned_data["role"], form.cleaned_data["unit"]
    _attempt(request, lambda: services.assign_role(request.user, account, role, unit), _("角色已授予。"))
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@manage_users_required
def role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    account = _visible_user(request, pk)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, user=account)
    _attempt(request, lambda: services.revoke_role(request.user, assignment), _("角色已撤销。"))
    return redirect("accounts:user_detail", pk=account.pk)


@manage_users_required
def unit_search(request: HttpRequest) -> HttpResponse:
    """Options for the unit picker: units of the admin's scope whose code or name contains the text."""
    text = search_text(request.GET, "unit")
    units = services.manageable_units(request.user)
    if text:
        units = units.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return render(request, "accounts/_unit_options.html", {"units": units.order_by("path")[:20]})
