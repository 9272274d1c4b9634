"""The filters of the inbox API: unread only, and the kind."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from luoshi.notices.models import NoticeKind, Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="filter_unread", label=_("仅未读"))
    kind = django_filters.ChoiceFilter(choices=NoticeKind.choices, label=_("类型"))

    class Meta:
        model = Notification
        fields = ["kind"]

    def filter_unread(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
