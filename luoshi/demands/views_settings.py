"""三率参数: the weights of the composite score and the red/black thresholds, shown to demand viewers and
set by the campaign office of a top-level unit (``services.set_rate_settings``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import StyledForm
from luoshi.demands import rates, services
from luoshi.demands.models import DemandRateConfig

PART_SUFFIX = {
    "weights": gettext_lazy("权重"),
    "black_below": gettext_lazy("黑榜线（%）"),
    "red_from": gettext_lazy("红榜线（%）"),
}


def field_name(part: str, rate: str) -> str:
    return f"{part}_{rate}"


class RateSettingsForm(StyledForm):
    """Nine numbers in percent; the service checks them again and decides."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rate in rates.RATE_NAMES:
            for part, suffix in PART_SUFFIX.items():
                self.fields[field_name(part, rate)] = forms.DecimalField(
                    label=f"{rates.RATE_LABELS[rate]}{suffix}",
                    min_value=Decimal("0.01") if part == "weights" else Decimal(0),
                    max_value=Decimal(100),
                    max_digits=5,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "inputmode": "decimal"}),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for rate in rates.RATE_NAMES:
            black, red = data.get(field_name("black_below", rate)), data.get(field_name("red_from", rate))
            if black is not None and red is not None and red < black:
                message = _("{rate}的红榜线 {red} 不能低于黑榜线 {black}。").format(
                    rate=rates.RATE_LABELS[rate], red=red, black=black
                )
                self.add_error(field_name("red_from", rate), message)
        return data

    def values(self) -> dict[str, dict[str, Decimal]]:
        data = self.cleaned_data
        return {part: {rate: data[field_name(part, rate)] for rate in rates.RATE_NAMES} for part in rates.DEFAULTS}

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """One row per rate: its label and its weight, black and red fields."""
        return [
            (str(rates.RATE_LABELS[rate]), [self[field_name(part, rate)] for part in PART_SUFFIX])
            for rate in rates.RATE_NAMES
        ]


def _initial(stored: DemandRateConfig | None) -> dict[str, Any]:
    config = rates.RateSettings.current()
    initial: dict[str, Any] = {"version": stored.version if stored else None}
    for part in rates.DEFAULTS:
        for rate, value in getattr(config, part).items():
            initial[field_name(part, rate)] = Decimal(value.numerator * 100) / value.denominator
    return initial


def _page(request: HttpRequest, form: RateSettingsForm, editable: bool, status: int = 200) -> HttpResponse:
    stored = DemandRateConfig.objects.select_related("updated_by").filter(pk=DemandRateConfig.SINGLETON).first()
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    context = {"form": form, "rows": form.rows(), "editable": editable, "stored": stored}
    return render(request, "demands/rate_settings.html", context, status=status)


def rate_settings(request: HttpRequest) -> HttpResponse:
    """三率参数: read by anyone who sees demand rates, changed by the top-level campaign office only."""
    user = actor(request)
    editable = services.may_change_rate_settings(user)
    if not editable and not scope.has_perm_anywhere(user, Perm.VIEW_DEMANDS):
        raise NotAllowed(_("您无权查看三率参数。"))
    stored = DemandRateConfig.objects.filter(pk=DemandRateConfig.SINGLETON).first()
    if request.method != "POST":
        return _page(request, RateSettingsForm(initial=_initial(stored)), editable)
    if not editable:
        raise NotAllowed(_("只有市级（最高一级）领导小组办公室可以设置三率权重和红黑榜阈值。"))
    form = RateSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, editable)
    try:
        services.set_rate_settings(user, form.values(), version=form.cleaned_data.get("version"))
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return _page(request, form, editable)
    messages.success(request, _("三率权重和红黑榜阈值已保存。"))
    return redirect("demand_rates:settings")
