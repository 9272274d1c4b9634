"""Forms of the member register's pages; the rules themselves are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.core.filters import IdChoiceField
from luoshi.core.forms import StyledForm
from luoshi.members.choices import MemberKind
from luoshi.orgs.models import Unit


class MemberForm(StyledForm):
    number = forms.CharField(label=_("编号"), max_length=30)
    name = forms.CharField(label=_("姓名"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=MemberKind.choices)
    unit = IdChoiceField(label=_("所在单位"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    home_unit = forms.CharField(label=_("组织关系所在单位代码（流动党员）"), max_length=40, required=False)
    current_unit = forms.CharField(label=_("现所在单位代码（流动党员）"), max_length=40, required=False)
    current_place = forms.CharField(label=_("现所在地（流动党员）"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["phone"].help_text = _("手机号加密保存，不在此显示；留空则不修改，填写则替换。")
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def _unit_by_code(self, name: str) -> Unit | None:
        code = (self.cleaned_data.get(name) or "").strip()
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("单位代码「%(code)s」不存在。"), params={"code": code[:40]})
        return unit

    def clean_home_unit(self) -> Unit | None:
        return self._unit_by_code("home_unit")

    def clean_current_unit(self) -> Unit | None:
        return self._unit_by_code("current_unit")


class DeactivateForm(StyledForm):
    reason = forms.CharField(label=_("离册原因"), max_length=200, required=False)


class MemberImportForm(StyledForm):
    file = forms.FileField(label=_("党员干部名册（.xlsx）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
