"""Forms of the channel pages: one's own preferences (消息设置) and a unit's group robot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.notices.models import Channel as ChannelKind
from luoshi.notices.models import DeliveryStatus, GroupKind


class PreferenceForm(StyledForm):
    email = forms.BooleanField(label=_("紧急消息（被催办、逾期升级）即时发邮件"), required=False)
    sms = forms.BooleanField(label=_("紧急消息（被催办、逾期升级）即时发短信"), required=False)
    digest = forms.BooleanField(label=_("每日汇总（每天早上一封邮件；开启短信时另发一条短信）"), required=False)
    phone = forms.CharField(
        label=_("接收短信的手机号"),
        required=False,
        max_length=20,
        help_text=_("留空表示不修改；已保存的号码只显示掩码。勾选“删除手机号”可删除。"),
    )
    remove_phone = forms.BooleanField(label=_("删除手机号"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "sms", "digest", "remove_phone"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def phone_value(self) -> str | None:
        """None keeps the stored number, "" removes it."""
        if self.cleaned_data.get("remove_phone"):
            return ""
        return self.cleaned_data.get("phone", "").strip() or None


class UnitChannelForm(StyledForm):
    unit_code = forms.CharField(label=_("单位编码"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=GroupKind.choices)
    webhook_url = forms.URLField(label=_("Webhook 地址"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("加签密钥（钉钉，可选）"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空表示不修改已保存的密钥。"),
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"


class DeliveryFilterForm(StyledForm):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部渠道")), *ChannelKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *DeliveryStatus.choices])
