"""Bounded filters shared by every FilterSet: a number or date the database cannot hold is a form error (400 in
the API, a refused filter on a page), never an overflow in the database (500)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1  # BigAutoField on SQLite and PostgreSQL
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
ID_TEXT = re.compile(r"[0-9]{1,19}")
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def parse_id(value: Any) -> int | None:
    """The positive database id that ``value`` spells (digits only), or None."""
    text = str(value).strip()
    if not ID_TEXT.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def search_text(params: QueryDict, name: str, limit: int = 50) -> str:
    """A search term read straight from the request: without NUL (PostgreSQL text cannot hold it), trimmed,
    at most ``limit`` characters."""
    return params.get(name, "").replace("\x00", "").strip()[:limit]


class IdField(forms.IntegerField):
    default_error_messages = {"invalid": _("编号须为正整数。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MinValueValidator | MaxValueValidator)]

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdChoiceField(ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or isinstance(value, Model):
            return super().to_python(value)
        if parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class DayField(forms.DateField):
    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(_("日期须在 1900 年至 2999 年之间。"), code="out_of_range")
        return day


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices by id; an id that cannot exist is refused before the ``__in`` lookup, which Django
    does not guard against overflow as it does an exact one."""

    def clean(self, value: Any) -> Any:
        for key in value if isinstance(value, list | tuple) else []:
            if parse_id(key) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super().clean(value)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """A plain id (positive, at most 19 digits); ``1e30`` or 30 digits are refused, not sent to the database."""

    field_class = IdField


@extend_schema_field(ID_SCHEMA)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice by id, refused before the lookup when the id cannot exist."""

    field_class = IdChoiceField


class DayFilter(django_filters.DateFilter):
    """A calendar day between 1900 and 2999: a day ± 1 or converted to UTC stays a valid date."""

    field_class = DayField


def refused_filters(filterset: django_filters.FilterSet) -> str:
    """What is wrong with each refused filter of ``filterset``, in one line (for an export's refusal)."""
    return gettext("；").join(
        gettext("{field}：{errors}").format(field=filterset.filters[k].label or k, errors=" ".join(v))
        for k, v in filterset.errors.items()
    )


def applied_filters(filterset: django_filters.FilterSet, params: QueryDict) -> dict[str, list[str]]:
    """The filters of ``filterset`` that ``params`` fill in, with their values (for an export's audit record)."""
    return {k: params.getlist(k) for k in filterset.filters if any(v.strip() for v in params.getlist(k))}


class RefusedFiltersMixin:
    """On a page, a refused filter value (not an id, a day out of range) is ignored with a warning; the API answers
    400 before it gets here."""

    form: forms.Form
    request: Any

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        request = getattr(self, "request", None)
        if request is not None and hasattr(request, "_messages"):
            for name, errors in self.form.errors.items():
                field = self.form.fields.get(name)
                label = field.label if field is not None else name
                text = gettext("筛选条件「{label}」无效，已忽略：{error}").format(label=label, error=errors[0])
                messages.warning(request, text)
        return super().filter_queryset(queryset)  # type: ignore[misc]
