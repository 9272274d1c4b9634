"""The form of the monthly report page. It only validates input; ``services.py`` decides."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.analysis.services import parse_month
from luoshi.core.errors import RuleViolation
from luoshi.core.forms import StyledForm


class MonthForm(StyledForm):
    month = forms.CharField(
        label=_("月份"), max_length=7, widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})
    )

    def clean_month(self) -> dt.date:
        try:
            return parse_month(self.cleaned_data["month"])
        except RuleViolation as exc:
            raise forms.ValidationError(str(exc)) from exc
