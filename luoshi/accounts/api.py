"""The API's login (``POST /api/v1/token/``), holding two-factor login."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken

from luoshi.accounts import services, twofactor
from luoshi.core.middleware import client_ip


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        label=gettext_lazy("验证码"),
        help_text=gettext_lazy(
            "双因素认证的验证码：身份验证器应用显示的 6 位数字，或一个恢复码（用后作废）。"
            "安全管理员、审计员和顶级单位的领导小组办公室账号必填，其他账号不填。"
        ),
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=20,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        self._second_factor(attrs["user"], attrs.get("otp", ""))
        services.require_current_password(attrs["user"])  # no token while a password change is due (403)
        return attrs

    def _second_factor(self, user: Any, code: str) -> None:
        """A token for an account that needs two-factor login is issued only against a valid code."""
        if not twofactor.requires_two_factor(user):
            return
        if not twofactor.is_enrolled(user):
            message = _("该账号须使用双因素认证：请先在网页上登录并绑定身份验证器，再获取 API 令牌。")
            raise serializers.ValidationError(message, code="otp_not_enrolled")
        if not code.strip():
            message = _("该账号须使用双因素认证：请在 otp 字段中提交身份验证器的验证码或一个恢复码。")
            raise serializers.ValidationError(message, code="otp_required")
        request = self.context.get("request")
        try:
            twofactor.verify(user, code, client_ip(request) if request is not None else "")
        except twofactor.CodeRefused as exc:
            raise serializers.ValidationError(str(exc), code=exc.code) from None


class TokenView(ObtainAuthToken):
    """``POST /api/v1/token/``: username, password and, for accounts with two-factor login, ``otp``."""

    serializer_class = TokenRequestSerializer
