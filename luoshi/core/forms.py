"""Form helpers shared by the apps' pages: Bootstrap styling, several files in one field, choices that accept
more than they render."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

EMPTY = _("请选择")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (佐证材料, report documents); each is checked by the service before storing."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def model_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def set_choices(form: forms.Form, name: str, queryset: Any, shown: list[tuple[Any, Any]]) -> None:
    """Accept anything in ``queryset`` but render only ``shown`` (a long org tree is found by search instead)."""
    field = model_field(form, name)
    field.queryset = queryset
    field.widget.choices = shown


def plain_options(objects: Iterable[Any], selected: Any = None, empty: Any = EMPTY) -> list[tuple[Any, Any]]:
    listed = list(objects)
    if selected is not None and selected not in listed:
        listed.append(selected)
    return [("", empty), *((o.pk, str(o)) for o in listed)]


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = EMPTY

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
