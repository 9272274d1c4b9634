"""The office's review of a submission, one ``TransitionView`` per action: offered only when the engine says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.collection import forms as cforms
from luoshi.collection import services
from luoshi.collection.models import Submission
from luoshi.collection.views import load_submission
from luoshi.tracking.views import TransitionView


class SubmissionActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = cforms.VersionForm
    template_name = "collection/action.html"
    object_name = "item"
    detail_url_name = "collection:submission"
    item: Submission

    def load_object(self, user: Any, pk: int) -> Submission:
        return load_submission(user, pk)


class AcceptView(SubmissionActionView):
    action = "accept"
    title = _("审核通过")
    success = _("已审核通过。")
    form_class = cforms.NoteForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.accept(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class ReturnView(SubmissionActionView):
    action = "return"
    title = _("退回")
    success = _("已退回，单位将收到通知。")
    form_class = cforms.ReasonForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.return_submission(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))
