"""The actions on a lecture order, one ``TransitionView`` each: offered only when the engine says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.lectures import forms as lforms
from luoshi.lectures import services
from luoshi.lectures.models import LectureOrder
from luoshi.lectures.views import load_order
from luoshi.tracking.views import TransitionView


class OrderActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = lforms.VersionForm
    template_name = "lectures/action.html"
    object_name = "order"
    detail_url_name = "lectures:order"
    order: LectureOrder

    def load_object(self, user: Any, pk: int) -> LectureOrder:
        return load_order(user, pk)


class DispatchView(OrderActionView):
    action = "dispatch"
    title = pgettext_lazy("lecture order", "派单")
    success = _("已派单，宣讲人和点单单位将收到通知。")
    form_class = lforms.DispatchForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "date": self.obj.wished_date, "half": self.obj.wished_half}

    def perform(self, data: dict[str, Any]) -> None:
        services.dispatch_order(
            self.actor(), self.obj, date=data["date"], half=data["half"], note=data.get("note") or "",
            version=data.get("version"),
        )  # fmt: skip


class AcceptView(OrderActionView):
    action = "accept"
    title = pgettext_lazy("lecture order", "接单")
    success = _("已接单。")
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.accept_order(self.actor(), self.obj, version=data.get("version"))


class DeclineView(OrderActionView):
    action = "decline"
    title = _("退回点单")
    success = _("已退回，点单单位将收到通知。")
    form_class = lforms.ReasonForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.decline_order(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))


class HoldView(OrderActionView):
    action = "hold"
    title = _("登记已宣讲")
    success = _("已登记宣讲情况。")
    form_class = lforms.HeldForm

    def perform(self, data: dict[str, Any]) -> None:
        services.hold_order(
            self.actor(), self.obj, listeners=data["listeners"], note=data.get("note") or "",
            version=data.get("version"),
        )  # fmt: skip


class RecordView(HoldView):
    action = "record"
    title = _("代为登记已宣讲")

    def perform(self, data: dict[str, Any]) -> None:
        services.record_held(
            self.actor(), self.obj, listeners=data["listeners"], note=data.get("note") or "",
            version=data.get("version"),
        )  # fmt: skip


class RateView(OrderActionView):
    action = "rate"
    title = pgettext_lazy("lecture order", "评单")
    success = _("评价已提交，谢谢！")
    form_class = lforms.RateForm

    def perform(self, data: dict[str, Any]) -> None:
        services.rate_order(
            self.actor(), self.obj, rating=data["rating"], comment=data.get("comment") or "",
            version=data.get("version"),
        )  # fmt: skip


class CancelView(OrderActionView):
    action = "cancel"
    title = _("取消点单")
    success = _("点单已取消。")
    form_class = lforms.CancelForm
    submit_class = "btn-outline-danger"

    def perform(self, data: dict[str, Any]) -> None:
        services.cancel_order(self.actor(), self.obj, reason=data.get("reason") or "", version=data.get("version"))
