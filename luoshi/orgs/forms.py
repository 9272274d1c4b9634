from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import RuleViolation
from luoshi.core.forms import EMPTY, StyledForm
from luoshi.core.uploads import CheckedUpload, check_upload
from luoshi.orgs.imports import XLSX_ONLY
from luoshi.orgs.models import Unit, UnitKind


class UnitForm(StyledForm):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    code = forms.CharField(label=_("单位代码"), max_length=40)
    kind = forms.ModelChoiceField(label=_("单位类型"), queryset=UnitKind.objects.order_by("order", "id"))
    member_count = forms.IntegerField(label=_("成员数"), min_value=0, max_value=2_147_483_647, initial=0)
    leaders = forms.CharField(label=_("负责人"), max_length=200, required=False, help_text=_("多人用顿号分隔"))

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class UnitEditForm(UnitForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(StyledForm):
    parent_code = forms.CharField(label=_("新的上级单位代码"), max_length=40, help_text=_("须为您有组织管理权限的单位"))


class UnitKindForm(StyledForm):
    name = forms.CharField(label=_("类型名称"), max_length=40)
    code = forms.SlugField(label=_("类型代码"), max_length=40, help_text=_("英文字母、数字、连字符，如 party-branch"))
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0)


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.checked: CheckedUpload = check_upload(upload, XLSX_ONLY)
        except RuleViolation as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


def unit_label(unit: Unit, base_level: int) -> str:
    return "\u3000" * max(0, unit.level - base_level) + unit.name


def unit_options(
    units: Sequence[Unit], selected: Iterable[Unit | None] = (), empty: Any = EMPTY
) -> list[tuple[Any, Any]]:
    """Select options indented by level; the selected units are kept even when not in the shortlist."""
    listed = list(units)
    known = {u.pk for u in listed}
    listed += [u for u in selected if u is not None and u.pk not in known]
    base = min((u.level for u in listed), default=1)
    return [("", empty), *((u.pk, unit_label(u, base)) for u in listed)]
