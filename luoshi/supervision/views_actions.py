"""The actions on a finding (督导发现), one ``TransitionView`` each: offered only when the engine says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.supervision import forms as sforms
from luoshi.supervision import services
from luoshi.supervision.models import Finding
from luoshi.supervision.views import channels_of, load_finding
from luoshi.tracking.views import TransitionView


class FindingActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = sforms.VersionForm
    template_name = "supervision/action.html"
    object_name = "item"
    detail_url_name = "supervision:finding"
    item: Finding

    def load_object(self, user: Any, pk: int) -> Finding:
        return load_finding(user, pk)


class ConfirmView(FindingActionView):
    action = "confirm"
    title = _("确认发现")
    success = _("督导发现已确认。")
    form_class = sforms.ConfirmForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.confirm_finding(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class TransferView(FindingActionView):
    action = "transfer"
    title = _("转为问题")
    success = _("已转为问题，进入被督导单位的问题清单。")
    form_class = sforms.TransferForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"channels": channels_of(self.obj.group.campaign)}

    def perform(self, data: dict[str, Any]) -> None:
        services.transfer_finding(self.actor(), self.obj, channel=data.get("channel"), version=data.get("version"))


class DismissView(FindingActionView):
    action = "dismiss"
    title = _("排除")
    success = _("督导发现已排除。")
    form_class = sforms.DismissForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.dismiss_finding(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))
