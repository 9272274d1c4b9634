"""Forms of the staff demand pages. They only validate input; ``services.py`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.core.forms import StyledForm, model_field
from luoshi.demands import queries
from luoshi.demands.choices import Outcome, Satisfaction
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit
from luoshi.problems.models import Problem

TEXTAREA = forms.Textarea(attrs={"rows": 3})
MAX_EXTENSION_DAYS = 10


class VersionForm(StyledForm):
    """Carries the version the user saw, so a stale page gets a conflict instead of a silent overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DispatchForm(VersionForm):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("派单意见"), widget=TEXTAREA, required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any, unit_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_field(self, "unit")
        field.queryset = Unit.objects.visible_to(user, Perm.DISPATCH_DEMAND)
        field.widget.choices = unit_options(queries.dispatch_units(user, unit_text))


class RespondForm(VersionForm):
    note = forms.CharField(label=_("联系群众及办理情况"), widget=TEXTAREA, max_length=4000)


class FinishForm(VersionForm):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    explanation = forms.CharField(label=_("办结说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)


class CallBackForm(VersionForm):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("回访记录"), widget=TEXTAREA, required=False, max_length=2000)


class EscalateForm(StyledForm):
    reason = forms.CharField(label=_("督办意见"), widget=TEXTAREA, max_length=2000)


class ExtensionRequestForm(StyledForm):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = forms.CharField(label=_("延期理由"), widget=TEXTAREA, max_length=2000)


class ExtensionDecisionForm(StyledForm):
    note = forms.CharField(label=_("审批意见"), widget=TEXTAREA, required=False, max_length=2000)


class LinkExistingProblemForm(StyledForm):
    """转为问题 by naming a problem of the problem list the user may edit, by its number."""

    number = forms.CharField(label=_("问题编号"), max_length=40, help_text=_("如 WT000123"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self) -> Problem:
        digits = self.cleaned_data["number"].strip().upper().removeprefix("WT")
        found = Problem.objects.visible_to(self.user, Perm.EDIT_PROBLEM)
        problem = found.filter(pk=int(digits)).first() if digits.isdigit() else None
        if problem is None:
            raise forms.ValidationError(_("未找到该编号的问题，或您无权修改它。"))
        return problem
