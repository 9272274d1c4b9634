"""Forms of the four lists: a plain item of the study or innovation list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.core.forms import DateInput, StyledForm
from luoshi.fourlists.choices import ItemStatus, ListKind

PLAIN_KINDS = [(ListKind.STUDY.value, ListKind.STUDY.label), (ListKind.INNOVATION.value, ListKind.INNOVATION.label)]


class ItemForm(StyledForm):
    kind = forms.ChoiceField(label=_("清单"), choices=PLAIN_KINDS)
    title = forms.CharField(label=pgettext_lazy("list item", "事项"), max_length=200)
    owner = forms.CharField(label=_("责任人"), max_length=60)
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices, initial=ItemStatus.PLANNED)


class EditItemForm(ItemForm):
    """The kind of an item stays what it was."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
