from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Role
from luoshi.accounts import services
from luoshi.accounts.models import User
from luoshi.core.forms import StyledForm
from luoshi.orgs.models import Unit

LOGIN_REFUSED = _("用户名或密码错误。连续多次失败后账号会被暂时锁定；如无法登录，请稍后再试或联系安全管理员。")


class LoginForm(AuthenticationForm):
    """One answer for an unknown user name, a wrong password, a locked and a deactivated account alike:
    the page never tells whether an account exists (the audit log keeps the difference)."""

    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except services.LoginThrottled as exc:
            raise forms.ValidationError(str(exc.detail), code="throttled") from None


class PasswordPairMixin(StyledForm):
    """Two entries of a new password, checked against the password policy for ``policy_user``."""

    new_password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(render_value=False))
    new_password2 = forms.CharField(label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput)
    policy_user: Any = None

    def clean_new_password2(self) -> str:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data["new_password2"]
        if first and first != second:
            raise forms.ValidationError(gettext("两次输入的新密码不一致。"))
        problems = services.password_problems(second, self.policy_user)
        if problems:
            raise forms.ValidationError(problems)
        return second


class PasswordChangeForm(PasswordPairMixin):
    old_password = forms.CharField(label=_("原密码"), strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy_user = user


class PasswordResetForm(PasswordPairMixin):
    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy_user = user


class UnitCodeField(forms.CharField):
    """A unit typed by its code (or exact name), looked up among the units the admin manages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("单位"))
        kwargs.setdefault("help_text", _("输入单位代码或名称，可从下拉提示中选择。"))
        super().__init__(*args, **kwargs)
        self.units: QuerySet[Unit] = Unit.objects.none()

    def clean(self, value: Any) -> Unit | None:
        text = super().clean(value)
        if not text:
            return None
        matches = list(self.units.filter(Q(code=text) | Q(name=text))[:2])
        if len(matches) != 1:
            raise forms.ValidationError(
                gettext("找不到该单位，或它不在您的管理范围内。")
                if not matches
                else gettext("有多个同名单位，请输入单位代码。")
            )
        return matches[0]


class ScopedUnitForm(StyledForm):
    unit = UnitCodeField()

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitCodeField)
        field.units = services.manageable_units(actor)
        field.widget.attrs.update(
            {
                "list": "unit-options",
                "autocomplete": "off",
                "hx-get": reverse("accounts:unit_search"),
                "hx-trigger": "input changed delay:300ms, focus once",
                "hx-target": "#unit-options",
            }
        )


class UserCreateForm(PasswordPairMixin, ScopedUnitForm):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @.+-_。")},
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    field_order = ["username", "display_name", "title", "unit", "email", "new_password1", "new_password2"]

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(actor, *args, **kwargs)
        self.fields["unit"].label = gettext("所属单位")
        self.fields["new_password1"].label = gettext("初始密码")
        self.fields["new_password1"].help_text = gettext("账号本人首次登录时须修改。")
        self.fields["new_password2"].label = gettext("再次输入初始密码")

    def clean_new_password2(self) -> str:
        data = self.cleaned_data
        self.policy_user = User(
            username=data.get("username", ""), display_name=data.get("display_name", ""), email=data.get("email", "")
        )
        return super().clean_new_password2()


class UserEditForm(ScopedUnitForm):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    field_order = ["display_name", "title", "unit", "email"]

    def __init__(self, actor: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(actor, *args, **kwargs)
        self.fields["unit"].label = gettext("所属单位")


class RoleAssignForm(ScopedUnitForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    field_order = ["role", "unit"]


class UserSearchForm(StyledForm):
    STATUS_CHOICES = [
        ("", _("全部状态")),
        ("active", _("启用")),
        ("inactive", _("已停用")),
        ("locked", _("已锁定")),
        ("must_change", _("待修改密码")),
    ]

    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("用户名、姓名、职务或所属单位"), "type": "search"}),
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部角色")), *Role.choices], required=False)

    def filter(self, users: QuerySet[User]) -> QuerySet[User]:
        """The accounts matching the search; an invalid search filters nothing."""
        if not self.is_valid():
            return users
        data = self.cleaned_data
        for word in data["q"].split()[:5]:
            users = users.filter(
                Q(username__icontains=word)
                | Q(display_name__icontains=word)
                | Q(title__icontains=word)
                | Q(unit__name__icontains=word)
            )
        statuses = {
            "active": Q(is_active=True),
            "inactive": Q(is_active=False),
            "locked": Q(locked_until__gt=timezone.now()),
            "must_change": Q(must_change_password=True, is_active=True),
        }
        if data["status"] in statuses:
            users = users.filter(statuses[data["status"]])
        if data["role"]:
            users = users.filter(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=data["role"])))
        return users
