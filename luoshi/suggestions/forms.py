"""Forms of suggestions: a member's suggestion, triage, referral, answer, adoption, dismissal, notes, groups,
answer templates, the bulk answer and conversions. Services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.core.forms import DateInput, StyledForm, model_field, set_choices
from luoshi.livelihood.choices import Category as ProjectCategory
from luoshi.orgs.models import Unit
from luoshi.suggestions.choices import Adoption, SuggestionCategory
from luoshi.suggestions.models import SuggestionGroup
from luoshi.suggestions.services import MAX_ANSWER, MAX_NOTE, MAX_REASON, MAX_TEMPLATE_TITLE, MAX_TITLE, MAX_TOPIC

TEXTAREA = {"rows": 4}


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SuggestForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.none(), label=_("活动"))
    category = forms.ChoiceField(label=_("类别"), choices=SuggestionCategory.choices)
    topic = forms.CharField(label=_("主题"), max_length=MAX_TOPIC, required=False)
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3000)
    anonymous = forms.BooleanField(label=_("匿名提出"), required=False)

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anonymous"].widget.attrs["class"] = "form-check-input"
        if campaigns is not None:
            model_field(self, "campaign").queryset = campaigns


class TriageForm(VersionForm):
    category = forms.ChoiceField(label=_("类别"), choices=SuggestionCategory.choices)
    topic = forms.CharField(label=_("主题"), max_length=MAX_TOPIC, required=False)
    group = forms.ModelChoiceField(SuggestionGroup.objects.none(), label=_("归入同类建议"), required=False)
    note = forms.CharField(
        label=_("研判意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_NOTE, required=False
    )

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is not None:
            model_field(self, "group").queryset = groups


class ReferForm(VersionForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("承办单位"))
    deadline = forms.DateField(label=_("答复时限"), widget=DateInput)
    note = forms.CharField(
        label=_("转办说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_NOTE, required=False
    )

    def __init__(self, *args: Any, units: tuple[Any, list[tuple[Any, str]]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            set_choices(self, "unit", *units)


class AnswerForm(VersionForm):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_ANSWER)
    public = forms.BooleanField(label=_("公开答复"), required=False, help_text=_("公开后在群众建议页面显示。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public"].widget.attrs["class"] = "form-check-input"


class DecideForm(VersionForm):
    adoption = forms.ChoiceField(label=_("采纳情况"), choices=Adoption.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("采纳说明"), widget=forms.Textarea(attrs=TEXTAREA), max_length=MAX_REASON)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adoption"].widget.attrs["class"] = "form-check-input"


class DismissForm(VersionForm):
    reason = forms.CharField(label=_("不予采用的理由"), widget=forms.Textarea(attrs=TEXTAREA), max_length=MAX_REASON)


class NoteForm(VersionForm):
    text = forms.CharField(
        label=_("内部备注"),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=MAX_NOTE,
        help_text=_("仅办公室和承办单位可见，建议人看不到。"),
    )


class GroupChoiceForm(VersionForm):
    group = forms.ModelChoiceField(SuggestionGroup.objects.none(), label=_("归入已有的同类建议"), required=False)
    new_title = forms.CharField(label=_("或新建同类建议"), max_length=MAX_TITLE, required=False)
    remove = forms.BooleanField(label=_("移出同类建议"), required=False)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].widget.attrs["class"] = "form-check-input"
        if groups is not None:
            model_field(self, "group").queryset = groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("remove") and not data.get("group") and not (data.get("new_title") or "").strip():
            raise forms.ValidationError(_("请选择或新建同类建议。"))
        return data


class GroupForm(StyledForm):
    title = forms.CharField(label=_("归类名称"), max_length=MAX_TITLE)


class TemplateForm(StyledForm):
    title = forms.CharField(label=_("模板名称"), max_length=MAX_TEMPLATE_TITLE)
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_ANSWER)


class BulkAnswerForm(StyledForm):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_ANSWER)
    public = forms.BooleanField(label=_("公开答复"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public"].widget.attrs["class"] = "form-check-input"


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


class ConvertProposalForm(VersionForm):
    title = forms.CharField(label=_("项目名称"), max_length=100)
    category = forms.ChoiceField(label=_("项目类别"), choices=ProjectCategory.choices)
    description = forms.CharField(label=_("项目内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
