from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from luoshi.accounts import services


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
        "locked": "连续登录失败次数过多，账号已临时锁定，请稍后再试。",
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username and services.is_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
