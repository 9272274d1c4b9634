"""Forms of the key-task pages. They only validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import RuleViolation
from luoshi.core.filters import DayField
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm, model_field, plain_options, set_choices
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit, UnitKind
from luoshi.tasks import imports, queries, services
from luoshi.tasks.choices import AssignRole, Cycle
from luoshi.tasks.models import Task, TaskAssignment, TaskSource

PEOPLE_LIMIT = 300
MODES = (("unit", _("交办给一个单位")), ("kind", _("交办给上级单位下某类型的全部单位")))


class VersionForm(StyledForm):
    """A confirmation carrying the version the user saw, so a double submit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskForm(StyledForm):
    """部署重点任务 or 分解子任务."""

    title = forms.CharField(label=_("任务名称"), max_length=200)
    source: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("任务来源"), queryset=None)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    description = forms.CharField(label=_("任务描述"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    leader: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("责任领导"), queryset=None, required=False)
    leader_name = forms.CharField(
        label=_("责任领导姓名"), max_length=50, required=False, help_text=_("责任领导不在系统中时填写。")
    )
    weight = forms.DecimalField(
        label=_("权重"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal(1),
        help_text=_("汇总上级任务进度时本任务所占的权重。"),
    )
    due_on = DayField(label=_("完成时限"), widget=DateInput())
    cycle = forms.ChoiceField(label=_("报送周期"), choices=Cycle.choices, initial=Cycle.MONTHLY)

    def __init__(self, *args: Any, user: Any, campaign: Campaign, parent: Task | None = None, **kw: Any):
        super().__init__(*args, **kw)
        sources = services.sources_for(campaign)
        model_field(self, "source").queryset = TaskSource.objects.filter(campaign=campaign)
        model_field(self, "source").widget.choices = plain_options(sources)
        if parent is not None:
            del self.fields["unit"]
        else:
            units = queries.issuing_units(user, campaign)
            shortlist = queries.units_within(user, Perm.MANAGE_TASKS, campaign.unit)
            set_choices(self, "unit", units, unit_options(shortlist))
            if shortlist and not self.is_bound:
                self.fields["unit"].initial = shortlist[0].pk
        leaders = queries.leader_candidates(user)
        set_choices(self, "leader", leaders, plain_options(leaders[:PEOPLE_LIMIT]))


class UnitsForm(StyledForm):
    """One unit, or every unit of a kind under a unit: the targets of 交办 and 逐级下达."""

    mode = forms.ChoiceField(label=_("交办方式"), choices=MODES, initial="unit")
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("承办单位"), queryset=None, required=False)
    kind: forms.ModelChoiceField[UnitKind] = forms.ModelChoiceField(
        label=_("单位类型"), queryset=UnitKind.objects.order_by("order", "id"), required=False
    )
    root: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=None,
        required=False,
        help_text=_("交办给该单位下所选类型的全部单位（含其自身）。"),
    )
    role = forms.ChoiceField(label=_("职责"), choices=AssignRole.choices, initial=AssignRole.LEAD)
    due_on = DayField(label=_("办理时限"), widget=DateInput())
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("责任人"), queryset=None, required=False, help_text=_("留空则由签收人负责。")
    )

    def limit(self, user: Any, perm: str, within: Unit) -> None:
        units = Unit.objects.subtree(within).visible_to(user, Perm.VIEW)
        shortlist = queries.units_within(user, Perm.VIEW, within)
        set_choices(self, "unit", units, unit_options(shortlist))
        set_choices(self, "root", units, unit_options(shortlist))
        people = queries.owner_candidates(within)
        set_choices(self, "owner", people, plain_options(people[:PEOPLE_LIMIT]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "kind":
            for name in ("kind", "root"):
                if not data.get(name):
                    self.add_error(name, _("按类型交办时必填。"))
        elif not data.get("unit"):
            self.add_error("unit", _("请选择承办单位。"))
        return data


def targets_of(data: dict[str, Any]) -> dict[str, Any]:
    """The units a cleaned ``UnitsForm`` names, as the services take them."""
    if data["mode"] == "kind":
        return {"kind": data["kind"], "root": data["root"]}
    return {"units": [data["unit"]]}


class AssignForm(UnitsForm):
    def __init__(self, *args: Any, user: Any, task: Task, **kw: Any):
        super().__init__(*args, **kw)
        self.limit(user, Perm.MANAGE_TASKS, task.unit)
        if not self.is_bound:
            self.fields["due_on"].initial = task.due_on


class PassDownForm(UnitsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, assignment: TaskAssignment, **kw: Any):
        super().__init__(*args, **kw)
        self.limit(user, Perm.HANDLE_TASK, assignment.unit)
        self.fields["role"].initial = assignment.role
        if not self.is_bound:
            self.fields["due_on"].initial = assignment.due_on


class MilestoneForm(StyledForm):
    name = forms.CharField(label=_("节点名称"), max_length=100)
    due_on = DayField(label=_("节点日期"), widget=DateInput())


class SourceForm(StyledForm):
    name = forms.CharField(label=_("来源名称"), max_length=40)


class FinishForm(VersionForm):
    summary = forms.CharField(label=_("办结情况说明"), widget=forms.Textarea(attrs={"rows": 4}))


class AcceptForm(VersionForm):
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SendBackForm(VersionForm):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(VersionForm):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(VersionForm):
    reason = forms.CharField(label=_("重启理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(VersionForm):
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    difficulties = forms.CharField(label=_("存在困难"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    next_steps = forms.CharField(label=_("下步打算"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False, help_text=_("可选择多个文件：PDF、JPG、PNG、DOCX、XLSX。")
    )

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["evidence"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
        self.fields["percent"].widget.attrs["inputmode"] = "numeric"


class ExtensionRequestForm(VersionForm):
    new_due = DayField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(StyledForm):
    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ImportForm(StyledForm):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(label=_("活动"), queryset=None)
    file = forms.FileField(label=_("重点任务清单（.xlsx）"))

    def __init__(self, *args: Any, user: Any, **kw: Any):
        super().__init__(*args, **kw)
        model_field(self, "campaign").queryset = queries.managed_campaigns(user)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            imports.check_upload_file(upload)
        except RuleViolation as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
