"""Forms of the livelihood pages. They only validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.filters import DayField, IdMultipleChoiceField
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm, model_field, plain_options, set_choices
from luoshi.livelihood import queries
from luoshi.livelihood.choices import Category
from luoshi.livelihood.models import LivelihoodProject, ProjectProposal
from luoshi.orgs.forms import unit_options

COUNT_MAX = 10_000_000
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


class VersionForm(StyledForm):
    """A confirmation carrying the version the user saw, so a double submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)


class NoteForm(VersionForm):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionsForm(VersionForm):
    """民生实事设置 of one campaign."""

    public = forms.BooleanField(label=_("在公开页面展示本活动的民生实事项目"), required=False)
    collecting = forms.BooleanField(label=_("在公开页面征集群众建议"), required=False)

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        for name in ("public", "collecting"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


def _campaign_units(form: forms.Form, name: str, user: Any, perm: str, campaign: Campaign, keep: Any = None) -> None:
    units = queries.units_for(user, perm, campaign)
    set_choices(form, name, units, unit_options(queries.unit_shortlist(user, perm, campaign), [keep]))


class ProposalForm(StyledForm):
    """提报项目建议 (by a unit)."""

    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("提报单位"), queryset=None)
    title = forms.CharField(label=_("建议项目"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, initial=Category.OTHER)
    description = forms.CharField(label=_("具体内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)

    def __init__(self, *args: Any, user: Any, campaign: Campaign, **kw: Any):
        super().__init__(*args, **kw)
        _campaign_units(self, "unit", user, Perm.PROPOSE_PROJECT, campaign)


class ShortlistForm(VersionForm):
    """筛选入围, naming the unit that would lead the project."""

    lead_unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("拟牵头单位"), queryset=None)
    note = forms.CharField(label=_("筛选意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, proposal: ProjectProposal, **kw: Any):
        super().__init__(*args, **kw)
        campaign = proposal.campaign
        keep = proposal.lead_unit or proposal.unit
        _campaign_units(self, "lead_unit", user, Perm.MANAGE_PROJECTS, campaign, keep)
        if not self.is_bound and keep is not None:
            self.fields["lead_unit"].initial = keep.pk


class VoteForm(StyledForm):
    """票决: the meeting, how many may vote, and the counts of each shortlisted proposal voted on."""

    name = forms.CharField(label=_("票决会议"), max_length=100)
    held_on = DayField(label=_("票决日期"), widget=DateInput())
    voters = forms.IntegerField(label=_("应参加票决人数"), min_value=1, max_value=COUNT_MAX)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    KINDS = (("for", _("赞成")), ("against", _("反对")), ("abstain", _("弃权")))

    def __init__(self, *args: Any, proposals: list[ProjectProposal], **kw: Any):
        super().__init__(*args, **kw)
        self.proposals = proposals
        for proposal in proposals:
            for kind, label in self.KINDS:
                self.fields[f"p{proposal.pk}_{kind}"] = forms.IntegerField(
                    label=label, min_value=0, max_value=COUNT_MAX, required=False
                )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        if not self.is_bound:
            self.fields["held_on"].initial = timezone.localdate()

    def rows(self) -> list[tuple[ProjectProposal, list[Any]]]:
        return [(p, [self[f"p{p.pk}_{kind}"] for kind, _label in self.KINDS]) for p in self.proposals]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counts: dict[int, tuple[int, int, int]] = {}
        for proposal in self.proposals:
            values = [data.get(f"p{proposal.pk}_{kind}") for kind, _label in self.KINDS]
            if all(v is None for v in values):
                continue
            if any(v is None for v in values):
                self.add_error(f"p{proposal.pk}_for", _("请把赞成、反对、弃权三项票数都填上（没有填 0）。"))
                continue
            counts[proposal.pk] = (int(values[0] or 0), int(values[1] or 0), int(values[2] or 0))
        if not counts and not self.errors:
            raise forms.ValidationError(_("请至少录入一项建议的票数。"))
        data["counts"] = counts
        return data


class ProjectForm(StyledForm):
    """立项或修改项目."""

    title = forms.CharField(label=_("项目名称"), max_length=200)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, initial=Category.OTHER)
    description = forms.CharField(label=_("项目内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    lead_unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("牵头单位"), queryset=None)
    assisting_units: forms.ModelMultipleChoiceField[Any] = IdMultipleChoiceField(
        label=_("配合单位"), queryset=None, required=False, help_text=_("可多选（按住 Ctrl 或 ⌘ 选择多个）。")
    )
    leader_name = forms.CharField(label=_("责任领导"), max_length=50)
    leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("责任领导账号"), queryset=None, required=False, help_text=_("责任领导在平台中有账号时选择。")
    )
    budget = forms.DecimalField(
        label=_("投资（万元）"), max_digits=12, decimal_places=2, min_value=Decimal(0), required=False
    )
    deadline = DayField(label=_("计划完成时间"), widget=DateInput())

    def __init__(self, *args: Any, user: Any, campaign: Campaign, project: LivelihoodProject | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.campaign = campaign
        _campaign_units(self, "lead_unit", user, Perm.MANAGE_PROJECTS, campaign, project.lead_unit if project else None)
        helpers = queries.units_for(user, Perm.VIEW, campaign)
        kept = list(project.assisting_units.all()) if project else []
        shown = queries.unit_shortlist(user, Perm.VIEW, campaign)
        field = self.fields["assisting_units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = helpers
        field.widget.choices = unit_options(shown, kept)[1:]
        field.widget.attrs["size"] = "6"
        leaders = queries.leader_candidates(user, include=project.leader_id if project else None)
        leader = project.leader if project else None
        set_choices(self, "leader", leaders, plain_options(leaders[:300], leader))


class EditProjectForm(ProjectForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class MilestoneForm(VersionForm):
    """新增时间节点."""

    name = forms.CharField(label=_("节点名称"), max_length=100)
    planned_on = DayField(label=_("计划日期"), widget=DateInput())


class ReachMilestoneForm(StyledForm):
    """节点完成."""

    reached_on = DayField(label=_("完成日期"), widget=DateInput())

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        if not self.is_bound:
            self.fields["reached_on"].initial = timezone.localdate()


class TaskForm(VersionForm):
    """新增子项."""

    name = forms.CharField(label=_("子项名称"), max_length=200)
    owner_unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    deadline = DayField(label=_("完成时限"), widget=DateInput())
    weight = forms.IntegerField(
        label=_("权重"), min_value=1, max_value=100, initial=1, help_text=_("子项在项目进度中的权重，默认 1。")
    )

    def __init__(self, *args: Any, user: Any, project: LivelihoodProject, **kw: Any):
        super().__init__(*args, **kw)
        owners = queries.task_owner_units(project).visible_to(user, Perm.VIEW)
        set_choices(self, "owner_unit", owners, unit_options(list(owners[:300]), [project.lead_unit]))
        if not self.is_bound:
            self.fields["owner_unit"].initial = project.lead_unit_id
            self.fields["deadline"].initial = project.deadline


class ProgressForm(VersionForm):
    """报送进展, with the percent reached and evidence files."""

    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("可选择多个文件：PDF、JPG、PNG、DOCX、XLSX。")
    )

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["evidence"].widget.attrs["accept"] = EVIDENCE_ACCEPT
        self.fields["percent"].widget.attrs["inputmode"] = "numeric"


class EvaluationForm(VersionForm):
    """满意度测评: how many people answered each."""

    satisfied = forms.IntegerField(label=_("满意"), min_value=0, max_value=COUNT_MAX)
    basically_satisfied = forms.IntegerField(label=_("基本满意"), min_value=0, max_value=COUNT_MAX)
    dissatisfied = forms.IntegerField(label=_("不满意"), min_value=0, max_value=COUNT_MAX)
    note = forms.CharField(label=_("测评说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counts = [data.get(k) for k in ("satisfied", "basically_satisfied", "dissatisfied")]
        if all(isinstance(c, int) for c in counts) and sum(c for c in counts if c is not None) == 0:
            raise forms.ValidationError(_("测评人数不能为 0。"))
        return data


class ImportForm(StyledForm):
    """导入项目清单."""

    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=_("活动"), queryset=None)
    file = forms.FileField(label=_("项目清单文件（.xlsx）"))

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        model_field(self, "campaign").queryset = queries.campaign_choices(user, Perm.MANAGE_PROJECTS)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
