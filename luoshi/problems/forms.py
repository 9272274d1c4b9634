"""Forms of the problem pages. They only validate input; the services in ``services.py`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm, model_field, plain_options, set_choices
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit
from luoshi.problems import queries
from luoshi.problems.choices import Kind, Severity
from luoshi.problems.models import Problem

LEADER_OPTIONS_LIMIT = 300


class ProblemForm(StyledForm):
    """登记或修改问题. Unit choices: units where the user holds ``perm`` inside the campaign."""

    title = forms.CharField(label=_("问题"), max_length=200)
    description = forms.CharField(label=_("具体表现"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    channel: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("来源"), queryset=None)
    aspect: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("方面"), queryset=None)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    responsible_leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("责任领导"), queryset=None, required=False
    )
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.NORMAL)
    kind = forms.ChoiceField(label=_("整改类型"), choices=Kind.choices, initial=Kind.DEADLINE)
    found_on = forms.DateField(label=_("发现日期"), widget=DateInput())
    deadline = forms.DateField(label=_("整改时限"), widget=DateInput())
    problem_class: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("所属类别（一类事）"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        campaign: Campaign,
        perm: str,
        problem: Problem | None = None,
        lock_deadline: bool = False,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        self.campaign = campaign
        if lock_deadline:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _("问题认领后，整改时限须通过延期申请调整。")
        model_field(self, "channel").queryset = campaign.channels.order_by("order", "id")
        model_field(self, "aspect").queryset = campaign.aspects.order_by("order", "id")
        units = queries.units_for(user, perm, campaign)
        shortlist = queries.unit_shortlist(user, perm, campaign)
        set_choices(self, "unit", units, unit_options(shortlist, [problem.unit if problem else None]))
        leader = problem.responsible_leader if problem else None
        leaders = queries.leader_candidates(user, include=leader.pk if leader else None)
        set_choices(self, "responsible_leader", leaders, plain_options(leaders[:LEADER_OPTIONS_LIMIT], leader))
        class_id = problem.problem_class_id if problem else None
        model_field(self, "problem_class").queryset = queries.visible_classes(user, campaign, include=class_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        found_on, deadline = data.get("found_on"), data.get("deadline")
        if found_on and deadline and deadline < found_on:
            self.add_error("deadline", _("整改时限不能早于发现日期。"))
        return data


class EditProblemForm(ProblemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(StyledForm):
    """A confirmation carrying the version the user saw (认领等), so a double submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeasureForm(StyledForm):
    """制定整改措施."""

    text = forms.CharField(label=_("措施内容"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("牵头领导"), queryset=None, required=False)
    owner_name = forms.CharField(
        label=_("牵头领导姓名"), max_length=50, required=False, help_text=_("牵头领导不在系统中时填写。")
    )
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput())

    def __init__(self, *args: Any, user: Any, problem: Problem, **kw: Any):
        super().__init__(*args, **kw)
        campaign = problem.campaign
        shortlist = queries.unit_shortlist(user, Perm.VIEW, campaign)
        set_choices(
            self, "owner_unit", queries.units_for(user, Perm.VIEW, campaign), unit_options(shortlist, [problem.unit])
        )
        leaders = queries.leader_candidates(user)
        set_choices(self, "owner", leaders, plain_options(leaders[:LEADER_OPTIONS_LIMIT]))
        if not self.is_bound:
            self.fields["owner_unit"].initial = problem.unit_id
            self.fields["deadline"].initial = problem.deadline


class ProgressForm(StyledForm):
    """报送进展, with evidence files."""

    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    measure: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("对应措施"), queryset=None, required=False)
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("可选择多个文件：PDF、JPG、PNG、DOCX、XLSX。")
    )

    def __init__(self, *args: Any, user: Any, problem: Problem, **kw: Any):
        super().__init__(*args, **kw)
        model_field(self, "measure").queryset = problem.measures.order_by("id")
        self.fields["evidence"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
        if self.is_bound:
            self.fields["evidence"].help_text = _("上次提交未成功，文件未保存，请重新选择。") + str(
                self.fields["evidence"].help_text
            )


class ClosureRequestForm(VersionForm):
    """申请销号."""

    summary = forms.CharField(label=_("整改情况说明"), widget=forms.Textarea(attrs={"rows": 4}))


class ApproveClosureForm(VersionForm):
    """审核销号."""

    note = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SendBackForm(VersionForm):
    """退回整改."""

    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(VersionForm):
    """回头看重新打开."""

    reason = forms.CharField(label=_("回头看发现的情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionRequestForm(StyledForm):
    """申请延期."""

    new_deadline = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(StyledForm):
    """审批延期; a refusal needs a reason, which the service enforces."""

    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProblemClassForm(StyledForm):
    """新建问题类别（一类事）."""

    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=_("活动"), queryset=None)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("归口单位"), queryset=None)
    name = forms.CharField(label=_("类别名称"), max_length=100)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        model_field(self, "campaign").queryset = queries.campaign_choices(user, Perm.EDIT_PROBLEM)
        shortlist = queries.unit_shortlist(user, Perm.EDIT_PROBLEM)
        set_choices(self, "unit", queries.units_for(user, Perm.EDIT_PROBLEM), unit_options(shortlist))
