"""Forms of supervision (督导): groups, members, assigned units, the checklist, visits and their records, findings.
Services check everything again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import DayField
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm, plain_options, set_choices
from luoshi.orgs.forms import unit_options
from luoshi.supervision.choices import FindingKind, MemberRole
from luoshi.supervision.models import ChecklistItem
from luoshi.visits.forms import VisitFields

SHORTLIST = 300


class GroupForm(StyledForm):
    campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("活动"), queryset=None)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("派出单位"), queryset=None)
    name = forms.CharField(label=_("督导组名称"), max_length=100)
    round = forms.IntegerField(label=_("轮次"), min_value=1, max_value=99, initial=1)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, campaigns: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "campaign", campaigns, plain_options(campaigns))
        set_choices(self, "unit", units, unit_options(list(units[:SHORTLIST])))


class GroupEditForm(StyledForm):
    name = forms.CharField(label=_("督导组名称"), max_length=100)
    round = forms.IntegerField(label=_("轮次"), min_value=1, max_value=99)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MemberForm(StyledForm):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("成员"), queryset=None, help_text=_("按用户名或姓名查找本单位范围内的用户")
    )
    role = forms.ChoiceField(label=_("职务"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = users[:SHORTLIST]
        shown = [("", _("请选择")), *((u.pk, f"{u.display_name or u.username}（{u.username}）") for u in listed)]
        set_choices(self, "user", users, shown)


class AssignForm(StyledForm):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("督导单位"), queryset=None)
    starts_on = DayField(label=_("开始日期"), widget=DateInput())
    ends_on = DayField(label=_("结束日期"), widget=DateInput(), required=False, help_text=_("含当日；不填为长期"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", units, unit_options(list(units[:SHORTLIST])))


class EndForm(StyledForm):
    on = DayField(label=_("结束日期"), widget=DateInput(), help_text=_("督导组成员在该日之后不再能查看该单位"))


class ChecklistItemForm(StyledForm):
    text = forms.CharField(label=_("评分项"), max_length=200)
    max_score = forms.DecimalField(
        label=_("满分"), min_value=Decimal("0.1"), max_value=Decimal(1000), decimal_places=1, max_digits=6
    )
    aspect: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("方面"), queryset=None, required=False)

    def __init__(self, *args: Any, aspects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "aspect", aspects, plain_options(aspects))


class PlanVisitForm(StyledForm, VisitFields):
    """计划督导走访: one of the group's currently assigned units, and the calendar's fields."""

    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("督导单位"), queryset=None)

    field_order = ["unit", "date", "headcount", "team", "kinds", "purpose", "override_reason"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget.attrs["class"] = "list-unstyled d-flex flex-wrap gap-3 mb-0"
        set_choices(self, "unit", units, unit_options(list(units)))


class RecordForm(StyledForm):
    """记录走访: notes, a score per checklist item (``score_<id>``), files and, for 访, one questionnaire."""

    notes = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("照片和材料"), required=False)
    topic = forms.CharField(label=_("问卷主题"), max_length=200, required=False)
    respondents = forms.IntegerField(label=_("受访人数"), min_value=0, max_value=100000, required=False)
    satisfied = forms.IntegerField(label=_("满意"), min_value=0, max_value=100000, required=False)
    basically_satisfied = forms.IntegerField(label=_("基本满意"), min_value=0, max_value=100000, required=False)
    dissatisfied = forms.IntegerField(label=_("不满意"), min_value=0, max_value=100000, required=False)

    QUESTIONNAIRE = ("topic", "respondents", "satisfied", "basically_satisfied", "dissatisfied")

    def __init__(self, *args: Any, items: list[ChecklistItem], talks: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=f"{item.text}（{_('满分')} {item.max_score}）",
                min_value=Decimal(0),
                max_value=item.max_score,
                decimal_places=1,
                max_digits=6,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
        if not talks:
            for name in self.QUESTIONNAIRE:
                del self.fields[name]

    def score_fields(self) -> list[Any]:
        return [self[f"score_{item.pk}"] for item in self.items]

    def questionnaire_fields(self) -> list[Any]:
        return [self[name] for name in self.QUESTIONNAIRE if name in self.fields]

    def scores(self) -> dict[int, Decimal]:
        data = self.cleaned_data
        return {item.pk: data[f"score_{item.pk}"] for item in self.items if data.get(f"score_{item.pk}") is not None}

    def questionnaires(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if "topic" not in self.fields or not (data.get("topic") or data.get("respondents")):
            return []
        return [{name: data.get(name) for name in self.QUESTIONNAIRE}]


class FindingForm(StyledForm):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("被督导单位"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=FindingKind.choices, initial=FindingKind.PROBLEM)
    aspect: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("方面"), queryset=None, required=False)
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 4}))
    requirement = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    due_date = DayField(label=_("完成时限"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, units: Any, aspects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", units, unit_options(list(units)))
        set_choices(self, "aspect", aspects, plain_options(aspects))


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ConfirmForm(VersionForm):
    note = forms.CharField(label=_("确认意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DismissForm(VersionForm):
    reason = forms.CharField(label=_("排除理由"), widget=forms.Textarea(attrs={"rows": 3}))


class TransferForm(VersionForm):
    channel: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("问题来源"), queryset=None, required=False)

    def __init__(self, *args: Any, channels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "channel", channels, plain_options(channels))
