from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import StyledForm
from luoshi.urging.models import MESSAGE_MAX, UrgeLevel


class UrgeForm(StyledForm):
    level = forms.ChoiceField(
        label=_("级别"), choices=UrgeLevel.choices, help_text=_("提醒 → 催办 → 督办，督办单位在办公室看板上点名。")
    )
    message = forms.CharField(label=_("催办内容"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class AcknowledgeForm(StyledForm):
    reply = forms.CharField(
        label=_("签收说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
