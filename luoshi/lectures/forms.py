"""Forms of the lecture menu: categories, items, the order, the actions on an order, the import. Services check
everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.forms import DateInput, StyledForm, model_field
from luoshi.lectures import services
from luoshi.lectures.models import LectureCategory
from luoshi.orgs.models import Unit
from luoshi.study.choices import HalfDay

STARS = [(str(n), "★" * n) for n in range(services.HIGHEST_RATING, services.LOWEST_RATING - 1, -1)]


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CategoryForm(StyledForm):
    name = forms.CharField(label=_("类别"), max_length=services.MAX_CATEGORY)
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, required=False)


class ItemForm(StyledForm):
    category = forms.ModelChoiceField(LectureCategory.objects.none(), label=_("类别"))
    title = forms.CharField(label=_("宣讲题目"), max_length=services.MAX_TITLE)
    speaker_number = forms.CharField(
        label=_("宣讲人编号"), max_length=30, help_text=_("宣讲人在党员干部名册中的编号。")
    )
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=10, max_value=services.MAX_MINUTES, initial=60)
    summary = forms.CharField(label=_("内容简介"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    active = forms.BooleanField(label=_("上架（可点单）"), required=False, initial=True)

    def __init__(self, *args: Any, categories: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["active"].widget.attrs["class"] = "form-check-input"
        if categories is not None:
            model_field(self, "category").queryset = categories


class OrderForm(StyledForm):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("点单单位"))
    wished_date = forms.DateField(label=_("期望日期"), widget=DateInput)
    wished_half = forms.ChoiceField(label=_("期望时段"), choices=HalfDay.choices)
    audience = forms.CharField(label=_("宣讲对象"), max_length=services.MAX_TEXT, required=False)
    place = forms.CharField(label=_("地点"), max_length=services.MAX_TEXT, required=False)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_COMMENT, required=False
    )


class DispatchForm(VersionForm):
    date = forms.DateField(label=_("宣讲日期"), widget=DateInput)
    half = forms.ChoiceField(label=_("宣讲时段"), choices=HalfDay.choices)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_COMMENT, required=False
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=services.MAX_COMMENT
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("取消原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_COMMENT, required=False
    )


class HeldForm(VersionForm):
    listeners = forms.IntegerField(label=_("听众人数"), min_value=1, max_value=services.MAX_LISTENERS)
    note = forms.CharField(
        label=_("宣讲情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_COMMENT, required=False
    )


class RateForm(VersionForm):
    rating = forms.TypedChoiceField(label=_("评分"), choices=STARS, coerce=int)
    comment = forms.CharField(
        label=_("评价"), widget=forms.Textarea(attrs={"rows": 3}), max_length=services.MAX_COMMENT, required=False
    )


class ImportForm(StyledForm):
    file = forms.FileField(label=_("宣讲菜单（.xlsx）"))
