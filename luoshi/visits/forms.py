"""Forms of the visit calendar, and the pieces other apps reuse to file a visit from their own pages.

Reuse (supervision, research): mix ``VisitFields`` into the page's form (date, headcount, team, the four kinds,
purpose and the reason asked for after a warning), call the service through ``filed(request, form, call)``
instead of ``luoshi.core.forms.submitted``, and put ``{% include "visits/_visit_fields.html" %}`` in the form
(or render the fields yourself and ``{% include "visits/_rule_hits.html" with hits=form.rule_hits %}``).
A warning re-renders the form with each rule hit and asks for 仍需走访的理由; a blocking rule shows the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import DayField
from luoshi.core.forms import DateInput, StyledForm, set_choices
from luoshi.orgs.forms import unit_options
from luoshi.visits.choices import RuleAction, RuleKind
from luoshi.visits.rules import RuleHit
from luoshi.visits.services import KINDS, MAX_HEADCOUNT, MAX_LIMIT, MAX_REASON, MAX_WINDOW, VisitRefused

T = TypeVar("T")
KIND_CHOICES = [
    ("hears", _("听（听取汇报）")),
    ("looks", _("看（察看现场）")),
    ("checks", _("查（查阅台账）")),
    ("talks", _("访（走访群众）")),
]
NEEDS_REASON = "needs_reason"
UNIT_SHORTLIST = 500


class VisitFields(forms.Form):
    """The fields of a filed visit and what the calendar answered: ``rule_hits`` and ``refusal`` (``blocked`` or
    ``needs_reason``), set by ``filed``."""

    date = DayField(label=_("走访日期"), widget=DateInput())
    headcount = forms.IntegerField(label=_("人数"), min_value=1, max_value=MAX_HEADCOUNT, initial=3)
    team = forms.CharField(label=_("人员"), max_length=300, help_text=_("带队领导和成员，用顿号分隔"))
    kinds = forms.MultipleChoiceField(
        label=_("走访方式"), choices=KIND_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["looks"]
    )
    purpose = forms.CharField(label=_("走访事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        label=_("仍需走访的理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_REASON,
        help_text=_("本次走访触发了报备提醒；如确需走访，请说明理由，理由将留痕并报活动办公室。"),
    )

    rule_hits: list[RuleHit]
    refusal: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule_hits = []
        self.refusal = ""
        self.fields["kinds"].widget.attrs["class"] = "list-unstyled d-flex flex-wrap gap-3 mb-0"

    @property
    def asks_reason(self) -> bool:
        """Whether the form shows the reason field: the calendar warned, or a reason was already given."""
        return self.refusal == NEEDS_REASON or bool(self.data.get(self.add_prefix("override_reason"), "").strip())

    def visit_fields(self) -> dict[str, Any]:
        """The cleaned fields as ``file_visit`` takes them."""
        data = self.cleaned_data
        return {
            "date": data["date"],
            "headcount": data["headcount"],
            "team": data["team"],
            "kinds": [k for k in data["kinds"] if k in KINDS],
            "purpose": data.get("purpose", ""),
            "override_reason": data.get("override_reason", ""),
        }


def filed(request: HttpRequest, form: VisitFields, call: Callable[[], T]) -> tuple[T | None, int]:
    """``luoshi.core.forms.submitted`` for a form that files a visit: a calendar refusal keeps its rule hits on the
    form (``form.rule_hits``, ``form.refusal``) for ``visits/_rule_hits.html``. 403 when the user may not."""
    if request.method != "POST" or not form.is_valid():
        return None, 200
    try:
        return call(), 200
    except VisitRefused as exc:
        form.rule_hits, form.refusal = exc.hits, exc.code
        form.add_error(None, str(exc))
        return None, 200
    except NotAllowed as exc:
        form.add_error(None, str(exc))
        return None, 403
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return None, 200


class VisitForm(StyledForm, VisitFields):
    """报备走访 on the calendar itself: any organiser, named in free text."""

    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("走访单位"), queryset=None)
    organiser = forms.CharField(label=_("走访方"), max_length=200, help_text=_("如：第三督导组、某某调研课题组"))

    field_order = ["unit", "organiser", "date", "headcount", "team", "kinds", "purpose", "override_reason"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget.attrs["class"] = "list-unstyled d-flex flex-wrap gap-3 mb-0"
        set_choices(self, "unit", units, unit_options(list(units[:UNIT_SHORTLIST])))


class RulesForm(StyledForm):
    """The campaign's four pile-up rules, a row of fields per kind (``<kind>-limit`` …)."""

    def __init__(self, *args: Any, rules: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = [rule.kind for rule in rules]
        for rule in rules:
            windowed = rule.kind in (RuleKind.UNIT_WINDOW, RuleKind.UNIT_YEAR)
            self.fields[f"{rule.kind}-enabled"] = forms.BooleanField(
                label=_("启用"), required=False, initial=rule.enabled
            )
            self.fields[f"{rule.kind}-limit"] = forms.IntegerField(
                label=_("限值"), min_value=1, max_value=MAX_LIMIT, initial=rule.limit
            )
            if windowed:
                self.fields[f"{rule.kind}-window_days"] = forms.IntegerField(
                    label=_("统计天数"), min_value=1, max_value=MAX_WINDOW, initial=rule.window_days
                )
            self.fields[f"{rule.kind}-action"] = forms.ChoiceField(
                label=_("处理方式"), choices=RuleAction.choices, initial=rule.action
            )
        for name, field in self.fields.items():
            if name.endswith("-enabled"):
                field.widget.attrs["class"] = "form-check-input"
            elif name.endswith("-action"):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def rows(self) -> list[dict[str, Any]]:
        """The rows ``save_rules`` takes."""
        data = self.cleaned_data
        rows = []
        for kind in self.kinds:
            row = {"kind": kind, "limit": data[f"{kind}-limit"], "action": data[f"{kind}-action"]}
            row["enabled"] = bool(data.get(f"{kind}-enabled"))
            if f"{kind}-window_days" in data:
                row["window_days"] = data[f"{kind}-window_days"]
            rows.append(row)
        return rows

    def table(self) -> list[dict[str, Any]]:
        """The bound fields a row per kind, for the page."""
        return [
            {
                "label": RuleKind(kind).label,
                "enabled": self[f"{kind}-enabled"],
                "limit": self[f"{kind}-limit"],
                "window": self[f"{kind}-window_days"] if f"{kind}-window_days" in self.fields else None,
                "action": self[f"{kind}-action"],
            }
            for kind in self.kinds
        ]
