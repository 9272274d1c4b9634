"""Forms of periodic collection: the template (fields written one per line), the round, the submission (built from
the template's fields), the review. Services check everything again."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.campaigns.models import Campaign
from luoshi.collection.choices import NUMERIC_KINDS, Cycle, FieldKind, RuleKind
from luoshi.collection.models import CollectionTemplate
from luoshi.core.forms import DateInput, MultipleFileField, StyledForm
from luoshi.orgs.models import Unit, UnitKind

KIND_NAMES: dict[str, str] = {
    **{str(label): value for value, label in FieldKind.choices},
    **{v: v for v in FieldKind.values},
}
KIND_NAMES |= {"数字": FieldKind.DECIMAL, "number": FieldKind.DECIMAL, "选择": FieldKind.CHOICE, "文件": FieldKind.FILE}
YES = {"是", "必填", "y", "yes", "true", "1", "*"}
LTE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(?:<=|≤)\s*([a-z][a-z0-9_]*)\s*$")
SUM = re.compile(r"^\s*([a-z][a-z0-9_]*(?:\s*\+\s*[a-z][a-z0-9_]*)+)\s*=\s*([a-z][a-z0-9_]*)\s*$")
FIELDS_HELP = gettext_lazy(
    "每行一个字段：标识 | 名称 | 类型 | 是否必填 | 最小值 | 最大值 | 选项（用、分隔） | 填写说明。"
    "类型为 整数、小数、文本、选项、日期、附件 之一。例：new_found | 本周新排查问题数 | 整数 | 是 | 0"
)
RULES_HELP = gettext_lazy("每行一条规则：a <= b（A 不大于 B），或 a + b = c（各项之和等于合计）；用字段标识书写。")


def parse_fields(text: str) -> list[dict[str, Any]]:
    """The field lines of the template form as field dicts (checked by the service)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 8
        kind = KIND_NAMES.get(parts[2].lower() if parts[2].isascii() else parts[2])
        if kind is None:
            raise forms.ValidationError(_("第 {n} 行：类型「{kind}」无效。").format(n=number, kind=parts[2]))
        found.append(
            {
                "key": parts[0],
                "label": parts[1],
                "kind": kind,
                "required": parts[3].lower() in YES,
                "min": parts[4] or None,
                "max": parts[5] or None,
                "options": [o for o in re.split(r"[、,，;；]", parts[6]) if o.strip()],
                "help": parts[7],
            }
        )
    return found


def parse_rules(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lte, total = LTE.match(line), SUM.match(line)
        if lte:
            found.append({"kind": RuleKind.LTE, "left": lte.group(1), "right": lte.group(2)})
        elif total:
            parts = [p.strip() for p in total.group(1).split("+")]
            found.append({"kind": RuleKind.SUM, "parts": parts, "total": total.group(2)})
        else:
            raise forms.ValidationError(_("第 {n} 条规则无法识别：{line}").format(n=number, line=line.strip()[:60]))
    return found


def fields_text(template: CollectionTemplate) -> str:
    lines = []
    for f in template.fields:
        cells = [
            f["key"],
            f["label"],
            str(FieldKind(f["kind"]).label),
            _("是") if f["required"] else "",
            f.get("min") or "",
            f.get("max") or "",
            "、".join(f.get("options") or []),
            f.get("help") or "",
        ]
        lines.append(" | ".join(cells).rstrip(" |"))
    return "\n".join(lines)


def rules_text(template: CollectionTemplate) -> str:
    lines = []
    for r in template.rules:
        if r["kind"] == RuleKind.LTE:
            lines.append(f"{r['left']} <= {r['right']}")
        else:
            lines.append(f"{' + '.join(r['parts'])} = {r['total']}")
    return "\n".join(lines)


class DefinitionForm(StyledForm):
    """What a version of a template says: its name, cycle, target kind, fields and rules."""

    name = forms.CharField(label=gettext_lazy("模板名称"), max_length=100)
    cycle = forms.ChoiceField(label=gettext_lazy("报送周期"), choices=Cycle.choices)
    target_kind = forms.ModelChoiceField(
        label=gettext_lazy("报送单位类型"),
        queryset=UnitKind.objects.all(),
        required=False,
        help_text=gettext_lazy("留空则报送范围内的全部下级单位都须报送。"),
    )
    description = forms.CharField(
        label=gettext_lazy("填报说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fields_text = forms.CharField(
        label=gettext_lazy("字段"), widget=forms.Textarea(attrs={"rows": 8}), help_text=FIELDS_HELP
    )
    rules_text = forms.CharField(
        label=gettext_lazy("校验规则"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=RULES_HELP
    )

    def clean_fields_text(self) -> list[dict[str, Any]]:
        return parse_fields(self.cleaned_data["fields_text"])

    def clean_rules_text(self) -> list[dict[str, Any]]:
        return parse_rules(self.cleaned_data.get("rules_text") or "")


class TemplateForm(DefinitionForm):
    """新建报送模板: also the campaign and the unit whose subtree reports."""

    campaign = forms.ModelChoiceField(label=gettext_lazy("活动"), queryset=Campaign.objects.none())
    unit = forms.ModelChoiceField(
        label=gettext_lazy("报送范围"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("该单位下（按所选类型）的单位须报送。"),
    )
    field_order = ["campaign", "unit", "name", "cycle", "target_kind", "description", "fields_text", "rules_text"]


class RoundForm(StyledForm):
    period_label = forms.CharField(label=gettext_lazy("报送期"), max_length=40)
    period_start = forms.DateField(label=gettext_lazy("期间开始"), widget=DateInput())
    period_end = forms.DateField(label=gettext_lazy("期间结束"), widget=DateInput())
    deadline = forms.DateField(label=gettext_lazy("截止日期"), widget=DateInput())


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(VersionForm):
    note = forms.CharField(label=gettext_lazy("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=gettext_lazy("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class UrgeForm(StyledForm):
    message = forms.CharField(label=gettext_lazy("催办内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ImportForm(StyledForm):
    file = forms.FileField(label=gettext_lazy("填报表（.xlsx）"))
    submit = forms.BooleanField(
        label=gettext_lazy("导入后直接报送"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class SubmissionForm(VersionForm):
    """The template's fields as inputs; every one optional here (a draft may be partial), the service checks."""

    def __init__(self, *args: Any, template: CollectionTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in template.fields:
            self.fields[f"f_{f['key']}"] = self._field(f)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput | forms.Select | forms.ClearableFileInput):
                field.widget.attrs.setdefault("class", "form-control")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")

    @staticmethod
    def _field(f: dict[str, Any]) -> forms.Field:
        label, help_text, kind = f["label"], f.get("help") or "", f["kind"]
        common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
        if kind in NUMERIC_KINDS:
            attrs = {"inputmode": "numeric" if kind == FieldKind.INTEGER else "decimal"}
            return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
        if kind == FieldKind.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
        if kind == FieldKind.CHOICE:
            return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in f.get("options", []))], **common)
        if kind == FieldKind.DATE:
            return forms.CharField(widget=DateInput(), **common)
        field = MultipleFileField(**common)
        field.widget.attrs["class"] = "form-control"
        return field

    def values(self, template: CollectionTemplate) -> dict[str, Any]:
        return {
            f["key"]: self.cleaned_data.get(f"f_{f['key']}") for f in template.fields if f["kind"] != FieldKind.FILE
        }

    def files_by_key(self, template: CollectionTemplate) -> dict[str, list[Any]]:
        return {
            f["key"]: self.cleaned_data.get(f"f_{f['key']}") or []
            for f in template.fields
            if f["kind"] == FieldKind.FILE
        }
