"""Forms of the report pages. They only validate input; ``services.py`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.forms import MultipleFileField, StyledForm, set_choices
from luoshi.orgs import queries as org_queries
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit
from luoshi.reports.choices import Approx, Change, MeasureKey, ReportKind

ACCEPT = ".txt,.html,.htm,.docx,.pdf"


class UploadForm(StyledForm):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=_("活动"), queryset=None)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("报送单位"), queryset=None)
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices, initial=ReportKind.SUMMARY)
    title = forms.CharField(label=_("标题（只传一个文件时可填，默认用文件名）"), max_length=200, required=False)
    documents = MultipleFileField(
        label=_("报告文件（.txt .html .docx .pdf，每个不超过 10 MB，可多选）"), allow_empty_file=True
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaigns = visible_campaigns(user, Perm.UPLOAD_REPORT)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0].pk
        units = org_queries.units_for(user, Perm.UPLOAD_REPORT)
        set_choices(self, "unit", units, unit_options(org_queries.unit_shortlist(user, Perm.UPLOAD_REPORT)))
        self.fields["documents"].widget.attrs.update({"accept": ACCEPT, "multiple": True})


class FigureForm(StyledForm):
    value = forms.FloatField(label=_("数值"), min_value=0)
    value_max = forms.FloatField(label=_("上限"), min_value=0, required=False)
    unit = forms.CharField(label=_("计量单位"), max_length=10, required=False)
    approx = forms.ChoiceField(label=_("约数"), choices=Approx.choices)
    change = forms.ChoiceField(label=_("变化"), choices=[("", "—"), *Change.choices], required=False)
    subject = forms.CharField(label=_("主题"), max_length=100, required=False)
    excluded = forms.BooleanField(label=_("不是数字（不计入导出和核对）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["excluded"].widget.attrs["class"] = "form-check-input"


class RuleForm(StyledForm):
    pattern = forms.CharField(label=_("匹配短语（正则表达式）"), max_length=200)
    units = forms.CharField(label=_("计量单位（可多个，用顿号分隔；空为不限）"), max_length=60, required=False)
    measure = forms.ChoiceField(label=_("核对指标"), choices=MeasureKey.choices)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
