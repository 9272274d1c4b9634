"""Forms of the ranking pages. They only validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.core.forms import StyledForm, set_choices
from luoshi.orgs import queries as org_queries
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit, UnitKind
from luoshi.rankings.choices import DEFAULT_HIGHLIGHT, DEFAULT_WEIGHTS, MAX_HIGHLIGHT, Cycle, Measure, UnitsMode
from luoshi.rankings.models import RankingScheme

WEIGHT_FIELDS = {key: f"weight_{key}" for key in Measure.values}


class SchemeForm(StyledForm):
    """新建 / 修改排名方案."""

    name = forms.CharField(label=_("方案名称"), max_length=100)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("根单位"), queryset=None, help_text=_("排名该单位的下级单位，或其下某类型的全部单位。")
    )
    mode = forms.ChoiceField(label=_("排名对象"), choices=UnitsMode.choices, initial=UnitsMode.CHILDREN)
    kind: forms.ModelChoiceField[UnitKind] = forms.ModelChoiceField(
        label=_("单位类型"), queryset=UnitKind.objects.order_by("order", "id"), required=False
    )
    cycle = forms.ChoiceField(label=_("排名周期"), choices=Cycle.choices, initial=Cycle.MONTHLY)
    highlight = forms.IntegerField(
        label=_("红黑榜名额"),
        min_value=1,
        max_value=MAX_HIGHLIGHT,
        initial=DEFAULT_HIGHLIGHT,
        help_text=_("前 N 名列入红榜，后 N 名列入黑榜。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, campaign: Campaign, scheme: RankingScheme | None = None, **kw: Any):
        if scheme is not None and not kw.get("initial"):
            kw["initial"] = {
                "name": scheme.name,
                "unit": scheme.unit_id,
                "mode": scheme.mode,
                "kind": scheme.kind_id,
                "cycle": scheme.cycle,
                "highlight": scheme.highlight,
                "version": scheme.version,
                **{WEIGHT_FIELDS[k]: scheme.weights.get(k, 0) for k in WEIGHT_FIELDS},
            }
        super().__init__(*args, **kw)
        for key, label in Measure.choices:
            field = forms.DecimalField(
                label=_("{measure}权重").format(measure=label),
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=DEFAULT_WEIGHTS[key],
                required=False,
            )
            field.widget.attrs["class"] = "form-control"
            self.fields[WEIGHT_FIELDS[key]] = field
        self.fields[WEIGHT_FIELDS[Measure.DEMANDS]].help_text = _("各项权重之和须为 100；权重为 0 的指标不参与排名。")
        units = org_queries.units_for(user, Perm.PUBLISH_RANKING, campaign.unit)
        shortlist = org_queries.unit_shortlist(user, Perm.PUBLISH_RANKING, campaign.unit)
        selected = [scheme.unit] if scheme is not None else []
        set_choices(self, "unit", units, unit_options(shortlist, selected))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == UnitsMode.KIND and not data.get("kind"):
            self.add_error("kind", _("按单位类型排名时须选择单位类型。"))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "unit": data["unit"],
            "mode": data["mode"],
            "kind": data.get("kind"),
            "cycle": data["cycle"],
            "highlight": data["highlight"],
            "weights": {key: data.get(name) or 0 for key, name in WEIGHT_FIELDS.items()},
        }


class PublishForm(StyledForm):
    """发布 the previewed draft: the period, the hash of what was previewed, and for a correction its reason."""

    period = forms.CharField(widget=forms.HiddenInput, max_length=10)
    expected = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    supersedes = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )
