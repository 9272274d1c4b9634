"""Forms of classes of study: class, session, roster, leave, decision, rotation, batch. Services check again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import DateInput, StyledForm
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study.choices import ClassKind, HalfDay
from luoshi.study.rotations import MAX_REQUIRED
from luoshi.study.services import MAX_HALF_DAYS

ANY_KIND = [("", _("全部")), *MemberKind.choices]


class ClassForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("主办单位"))
    kind = forms.ChoiceField(label=_("类型"), choices=[c for c in ClassKind.choices if c[0] != ClassKind.ROTATION])
    topic = forms.CharField(label=_("主题"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    min_half_days = forms.IntegerField(
        label=_("最少半天数"),
        min_value=0,
        max_value=MAX_HALF_DAYS,
        required=False,
        help_text=_("留空则按类型：读书班不少于 10 个半天，其他类型不限。"),
    )


class ClassEditForm(StyledForm):
    topic = forms.CharField(label=_("主题"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    min_half_days = forms.IntegerField(label=_("最少半天数"), min_value=0, max_value=MAX_HALF_DAYS, required=False)


class SessionForm(StyledForm):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    half = forms.ChoiceField(label=_("时段"), choices=HalfDay.choices)
    starts_at = forms.TimeField(label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    title = forms.CharField(label=_("内容"), max_length=200, required=False)


class RosterRegisterForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("单位（含下级）"))
    kind = forms.ChoiceField(label=_("类别"), choices=ANY_KIND, required=False)
    position = forms.CharField(label=_("职务包含"), max_length=100, required=False)


class RosterNumbersForm(StyledForm):
    numbers = forms.CharField(
        label=_("人员编号"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=100_000,
        help_text=_("每行一个，或以逗号、空格分隔。"),
    )


class RosterFileForm(StyledForm):
    file = forms.FileField(label=_("Excel 名单"), help_text=_("第一行为表头，「编号」一列填名册中的人员编号。"))


class LeaveForm(StyledForm):
    member = forms.ModelChoiceField(Member.objects.none(), label=_("请假人员"))
    reason = forms.CharField(label=_("请假事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members  # type: ignore[attr-defined]


class DecideForm(StyledForm):
    decision = forms.ChoiceField(label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("不批准"))])
    note = forms.CharField(label=_("审批意见"), max_length=1000, required=False)


class RotationForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("组织单位"))
    title = forms.CharField(label=_("轮训名称"), max_length=200)
    target_kind = forms.ChoiceField(label=_("对象类别"), choices=ANY_KIND, required=False)
    target_position = forms.CharField(label=_("对象职务包含"), max_length=100, required=False)
    required_half_days = forms.IntegerField(label=_("完成所需半天数"), min_value=1, max_value=MAX_REQUIRED, initial=1)


class BatchForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("主办单位"))
    topic = forms.CharField(label=_("班次名称"), max_length=200)
