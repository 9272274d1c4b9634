from __future__ import annotations

from django import forms

from luoshi.core.forms import StyledForm
from luoshi.reminders.models import ReminderRule


class RuleForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["enabled", "days_before", "on_due_day", "overdue_every", "escalate_after"]
