"""Forms of the campaign set-up pages; they only parse input, the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import DEFAULT_CHANNELS
from luoshi.orgs.models import Unit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def lead_unit_choices(user: Any) -> QuerySet[Unit]:
    """Units a campaign may be led from: the top units of the user's MANAGE_CAMPAIGN scope and their children."""
    tops = scope.scope_paths(user, Perm.MANAGE_CAMPAIGN)
    if not tops:
        return Unit.objects.none()
    return Unit.objects.filter(Q(path__in=tops) | Q(parent__path__in=tops)).order_by("path")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class BootstrapForm(forms.Form):
    """Adds Bootstrap classes to the widgets so templates render fields as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = {"checkbox": "form-check-input", "select": "form-select"}.get(
                getattr(widget, "input_type", ""), "form-control"
            )
            widget.attrs.setdefault("class", css)


class CampaignForm(BootstrapForm):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
    yellow_days = forms.IntegerField(
        label=_("临期预警天数"), min_value=0, max_value=90, initial=3, help_text=_("距整改时限不足该天数的问题亮黄灯。")
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext("结束日期不能早于开始日期。"))
        return data


class CampaignCreateForm(CampaignForm):
    unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.none(), empty_label=None)
    channels = forms.CharField(
        label=_("问题来源"),
        widget=forms.Textarea(attrs={"rows": 8}),
        initial="\n".join(DEFAULT_CHANNELS),
        help_text=_("每行一个，可在创建后增删和调整顺序。"),
    )
    aspects = forms.CharField(
        label=_("问题方面"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个，如：理论学习、作风建设、为民服务。"),
    )

    field_order = ["unit", "name", "starts_on", "ends_on", "yellow_days", "description", "channels", "aspects"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = lead_unit_choices(user)  # type: ignore[attr-defined]

    def clean_channels(self) -> list[str]:
        return _lines(self.cleaned_data["channels"])

    def clean_aspects(self) -> list[str]:
        return _lines(self.cleaned_data.get("aspects") or "")


class CampaignEditForm(CampaignForm):
    is_active = forms.BooleanField(label=_("进行中"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ItemForm(BootstrapForm):
    """Name of a problem channel (问题来源) or aspect (问题方面)."""

    name = forms.CharField(label=_("名称"), max_length=60)


class PhaseForm(BootstrapForm):
    """A phase (阶段) with its dates."""

    name = forms.CharField(label=_("阶段名称"), max_length=60)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
