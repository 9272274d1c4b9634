"""Forms of research: directions, topics, settings, the plan, the review, the result, conversions, visits, import.
Services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm, model_field, set_choices
from luoshi.orgs.models import Unit
from luoshi.research.models import ResearchDirection, ResearchTopic
from luoshi.research.services import MOST_ROUNDS
from luoshi.visits.services import MAX_HEADCOUNT

KIND_CHOICES = (("hears", _("听汇报")), ("looks", _("看现场")), ("checks", _("查台账")), ("talks", _("访群众")))


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class DirectionForm(StyledForm):
    name = forms.CharField(label=_("调研方向"), max_length=100)
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, required=False)


class TopicForm(StyledForm):
    direction = forms.ModelChoiceField(ResearchDirection.objects.none(), label=_("调研方向"), required=False)
    title = forms.CharField(label=_("课题名称"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_counter_example = forms.BooleanField(label=_("反面案例"), required=False)

    def __init__(self, *args: Any, directions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_counter_example"].widget.attrs["class"] = "form-check-input"
        if directions is not None:
            model_field(self, "direction").queryset = directions


class SettingsForm(StyledForm):
    max_review_rounds = forms.IntegerField(
        label=_("最多审核轮次"),
        min_value=1,
        max_value=MOST_ROUNDS,
        help_text=_("一个调研方案最多可提交审核的次数；超过后不能再提交。"),
    )


class PlanForm(StyledForm):
    topic = forms.ModelChoiceField(ResearchTopic.objects.none(), label=_("调研课题"))
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("牵头单位"))
    title = forms.CharField(label=_("方案名称"), max_length=200)
    questions = forms.CharField(
        label=_("拟研究的具体问题"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("每行一个，2 至 3 个；提交审核前须填写。"),
    )
    team = forms.CharField(label=_("调研组成员"), max_length=300, required=False)
    leader_name = forms.CharField(label=_("牵头领导"), max_length=60, required=False)
    due_date = forms.DateField(label=_("完成时限"), widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CommentsForm(VersionForm):
    comments = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ApproveForm(VersionForm):
    comments = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class ReportForm(VersionForm):
    summary = forms.CharField(label=_("调研成果"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    report_files = MultipleFileField(label=_("调研报告"), help_text=_("PDF、Word、图片或 Excel，至多 5 个。"))


class ConvertTaskForm(VersionForm):
    title = forms.CharField(label=_("任务名称"), max_length=200)
    due_on = forms.DateField(label=_("完成时限"), widget=DateInput)
    description = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConvertProblemForm(VersionForm):
    title = forms.CharField(label=_("问题标题"), max_length=200)
    channel = forms.ModelChoiceField(Channel.objects.none(), label=_("问题来源"))
    aspect = forms.ModelChoiceField(Aspect.objects.none(), label=_("问题方面"))
    deadline = forms.DateField(label=_("整改时限"), widget=DateInput)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "channel").queryset = campaign.channels.all()
        model_field(self, "aspect").queryset = campaign.aspects.all()


class VisitForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("走访单位"))
    date = forms.DateField(label=_("走访日期"), widget=DateInput)
    headcount = forms.IntegerField(label=_("人数"), min_value=1, max_value=MAX_HEADCOUNT)
    kinds = forms.MultipleChoiceField(
        label=_("走访方式"), choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple(attrs={"class": ""})
    )
    team = forms.CharField(label=_("走访人员"), max_length=300, required=False)
    purpose = forms.CharField(label=_("走访事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        label=_("仍需走访的理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text=_("触发报备提醒时填写；理由将记入审计日志并向办公室显示。"),
    )

    def __init__(self, *args: Any, units: tuple[Any, list[tuple[Any, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", *units)


class ImportForm(StyledForm):
    file = forms.FileField(label=_("课题清单（.xlsx）"))
