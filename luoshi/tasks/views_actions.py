"""One page per action on an assignment, each a ``TransitionView``: GET offers the action only when the engine
says so, POST calls one service function."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.tasks import forms as tforms
from luoshi.tasks import services
from luoshi.tasks.models import TaskAssignment, TaskExtension
from luoshi.tasks.views import load_assignment
from luoshi.tracking.choices import RequestState
from luoshi.tracking.views import TransitionView


class AssignmentActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = tforms.VersionForm
    template_name = "tasks/action.html"
    object_name = "assignment"
    detail_url_name = "tasks:assignment"
    assignment: TaskAssignment

    def load_object(self, user: Any, pk: int) -> TaskAssignment:
        return load_assignment(user, pk)


class SignView(AssignmentActionView):
    action = "sign"
    title = _("签收")
    success = _("已签收，任务进入办理。")

    def perform(self, data: dict[str, Any]) -> None:
        services.sign(self.actor(), self.obj, data.get("version"))


class RequestFinishView(AssignmentActionView):
    action = "request_finish"
    title = _("申请办结")
    success = _("办结申请已提交。")
    form_class = tforms.FinishForm

    def perform(self, data: dict[str, Any]) -> None:
        services.request_finish(self.actor(), self.obj, summary=data["summary"], version=data.get("version"))


class AcceptView(AssignmentActionView):
    action = "accept"
    title = _("验收办结")
    success = _("已验收，任务办结。")
    form_class = tforms.AcceptForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.accept(self.actor(), self.obj, note=data["note"], version=data.get("version"))


class SendBackView(AssignmentActionView):
    action = "send_back"
    title = _("退回")
    success = _("已退回，承办单位继续办理。")
    form_class = tforms.SendBackForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.send_back(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))


class RevokeView(AssignmentActionView):
    action = "revoke"
    title = _("撤销")
    success = _("交办已撤销。")
    form_class = tforms.RevokeForm
    submit_class = "btn-danger"

    def perform(self, data: dict[str, Any]) -> None:
        services.revoke(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))


class ReopenView(AssignmentActionView):
    action = "reopen"
    title = _("重启")
    success = _("任务已重启，承办单位继续办理。")
    form_class = tforms.ReopenForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.reopen(self.actor(), self.obj, reason=data["reason"], version=data.get("version"))


class ReportProgressView(AssignmentActionView):
    action = "report_progress"
    title = _("报送进展")
    success = _("进展已报送。")
    form_class = tforms.ProgressForm

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "percent": self.obj.percent}

    def perform(self, data: dict[str, Any]) -> None:
        services.report_progress(
            self.actor(),
            self.obj,
            text=data["text"],
            percent=data["percent"],
            difficulties=data["difficulties"],
            next_steps=data["next_steps"],
            files=data["evidence"],
            version=data.get("version"),
        )


class RequestExtensionView(AssignmentActionView):
    action = "request_extension"
    title = _("申请延期")
    success = _("延期申请已提交。")
    form_class = tforms.ExtensionRequestForm

    def perform(self, data: dict[str, Any]) -> None:
        services.request_extension(
            self.actor(), self.obj, new_due=data["new_due"], reason=data["reason"], version=data.get("version")
        )


class PassDownView(AssignmentActionView):
    action = "pass_down"
    title = _("逐级下达")
    success: Any = _("已下达至下级单位。")
    form_class = tforms.PassDownForm
    template_name = "tasks/action.html"

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "assignment": self.obj}

    def perform(self, data: dict[str, Any]) -> None:
        result = services.pass_down(
            self.actor(),
            self.obj,
            due_on=data["due_on"],
            role=data["role"],
            owner=data.get("owner"),
            version=data.get("version"),
            **tforms.targets_of(data),
        )
        self.success = _("已下达至 %(count)s 个下级单位。") % {"count": result.count}


class ExtensionDecisionView(AssignmentActionView):
    form_class = tforms.DecisionForm
    extension: TaskExtension

    def load_target(self, **kwargs: Any) -> None:
        requests = TaskExtension.objects.filter(assignment=self.obj).select_related("requested_by")
        self.extension = scope.get_visible_or_404(requests, self.request.user, Perm.VIEW, pk=kwargs["extension_pk"])

    def initial(self) -> dict[str, Any]:
        return {}

    def available(self) -> bool:
        return super().available() and self.extension.state == RequestState.PENDING


class ApproveExtensionView(ExtensionDecisionView):
    action = "approve_extension"
    title = _("同意延期")
    success = _("已同意延期，办理时限已更新。")
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.approve_extension(self.actor(), self.extension, note=data["note"])


class RejectExtensionView(ExtensionDecisionView):
    action = "reject_extension"
    title = _("不同意延期")
    success = _("已不同意延期。")
    submit_class = "btn-danger"

    def perform(self, data: dict[str, Any]) -> None:
        services.reject_extension(self.actor(), self.extension, note=data["note"])
