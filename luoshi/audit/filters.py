"""One FilterSet for the audit log page and its Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.audit.models import Action, AuditEvent
from luoshi.core.filters import DayFilter, RefusedFiltersMixin
from luoshi.core.i18n import record_text


def object_type_choices() -> list[tuple[str, str]]:
    """Every model of the platform, as ``app.model`` with its Chinese name."""
    choices = [
        (
            m._meta.label_lower,
            gettext("{verbose_name}（{label_lower}）").format(
                verbose_name=m._meta.verbose_name, label_lower=m._meta.label_lower
            ),
        )
        for m in apps.get_models()
    ]
    return sorted(choices)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventFilterSet(RefusedFiltersMixin, django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("动作"), empty_label=_("全部动作"))
    actor = django_filters.CharFilter(field_name="actor_name", label=_("操作人账号"))
    object_type = django_filters.ChoiceFilter(
        choices=object_type_choices, label=_("对象类型"), empty_label=_("全部类型")
    )
    object_id = django_filters.CharFilter(label=_("对象编号"))
    request_id = django_filters.CharFilter(label=_("请求编号"))
    ip = django_filters.CharFilter(label=_("来源地址"))
    date_from = DayFilter(method="filter_from", label=_("起始日期"))
    date_to = DayFilter(method="filter_to", label=_("截止日期"))

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_from(self, queryset: QuerySet[AuditEvent], name: str, value: dt.date) -> QuerySet[AuditEvent]:
        return queryset.filter(at__gte=_day_start(value))

    def filter_to(self, queryset: QuerySet[AuditEvent], name: str, value: dt.date) -> QuerySet[AuditEvent]:
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"
            field.widget.attrs.setdefault("placeholder", field.label)
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"

    def describe(self) -> str:
        """The filters in words, for the audit record of an export (in the default language, like every record)."""
        if not self.is_bound or not self.form.is_valid():
            return "无"
        parts = [
            f"{record_text(self.form.fields[k].label or k)}={v}"
            for k, v in self.form.cleaned_data.items()
            if v not in (None, "")
        ]
        return "；".join(parts) or "无"
