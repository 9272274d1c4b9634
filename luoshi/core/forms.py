"""Form helpers shared by the apps' pages: Bootstrap styling, several files in one field, choices that accept
more than they render."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import NotAllowed, RuleViolation

EMPTY = _("请选择")
T = TypeVar("T")


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


def submitted(request: HttpRequest, form: forms.Form, call: Callable[[], T]) -> tuple[T | None, int]:
    """What ``call`` (a service) made of a form POSTed valid, and the page's status. A refusal goes on the form as
    its error: 403 when the user may not, 200 for a broken rule. Nothing is called on GET or for an invalid form."""
    if request.method != "POST" or not form.is_valid():
        return None, 200
    try:
        return call(), 200
    except NotAllowed as exc:
        form.add_error(None, str(exc))
        return None, 403
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return None, 200


def style_filters(form: forms.Form, checkboxes: Iterable[tuple[str, Any]] = ()) -> None:
    """A list page's filter form in small Bootstrap widgets; each field of ``checkboxes`` (name, choices) becomes a
    list of checkboxes."""
    for name, choices in checkboxes:
        form.fields[name].widget = forms.CheckboxSelectMultiple(choices=choices)
    for bound in form.visible_fields():
        widget = bound.field.widget
        if isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        elif not isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "form-control form-control-sm"


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
