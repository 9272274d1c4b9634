"""The actions on a research plan, one ``TransitionView`` each: offered only when the engine says so."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.access.roles import Perm
from luoshi.research import forms as rforms
from luoshi.research import services
from luoshi.research.models import ResearchPlan
from luoshi.research.views import _unit_choices, load_plan
from luoshi.tracking.views import TransitionView
from luoshi.visits.rules import RuleHit
from luoshi.visits.services import VisitRefused


class PlanActionView(TransitionView):
    tracker = services.TRACKER
    form_class: type[forms.Form] = rforms.VersionForm
    template_name = "research/action.html"
    object_name = "plan"
    detail_url_name = "research:plan"
    plan: ResearchPlan

    def load_object(self, user: Any, pk: int) -> ResearchPlan:
        return load_plan(user, pk)


class SubmitView(PlanActionView):
    action = "submit"
    title = _("提交审核")
    success = _("已提交审核。")

    def perform(self, data: dict[str, Any]) -> None:
        services.submit_plan(self.actor(), self.obj, version=data.get("version"))


class ReturnView(PlanActionView):
    action = "return"
    title = _("退回修改")
    success = _("已退回修改，方案制定人将收到通知。")
    form_class = rforms.CommentsForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.return_plan(self.actor(), self.obj, comments=data["comments"], version=data.get("version"))


class ApproveView(PlanActionView):
    action = "approve"
    title = _("审核通过")
    success = _("调研方案已审核通过。")
    form_class = rforms.ApproveForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.approve_plan(self.actor(), self.obj, comments=data.get("comments") or "", version=data.get("version"))


class StartView(PlanActionView):
    action = "start"
    title = _("开展调研")
    success = _("已开始调研。")

    def perform(self, data: dict[str, Any]) -> None:
        services.start_fieldwork(self.actor(), self.obj, version=data.get("version"))


class ReportView(PlanActionView):
    action = "report"
    title = _("提交成果")
    success = _("调研成果已提交。")
    form_class = rforms.ReportForm

    def perform(self, data: dict[str, Any]) -> None:
        services.report_result(
            self.actor(), self.obj, summary=data["summary"], files=data["report_files"], version=data.get("version")
        )


class ConvertTaskView(PlanActionView):
    action = "convert_task"
    title = _("转化为重点任务")
    success = _("调研成果已转化为重点任务。")
    form_class = rforms.ConvertTaskForm

    def perform(self, data: dict[str, Any]) -> None:
        services.convert_to_task(
            self.actor(),
            self.obj,
            data["title"],
            due_on=data["due_on"],
            description=data.get("description") or "",
            version=data.get("version"),
        )


class ConvertProblemView(PlanActionView):
    action = "convert_problem"
    title = _("转化为问题")
    success = _("调研成果已转化为问题。")
    form_class = rforms.ConvertProblemForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"campaign": self.obj.campaign}

    def perform(self, data: dict[str, Any]) -> None:
        services.convert_to_problem(
            self.actor(),
            self.obj,
            data["title"],
            channel=data["channel"],
            aspect=data["aspect"],
            deadline=data["deadline"],
            description=data.get("description") or "",
            version=data.get("version"),
        )


class VisitView(PlanActionView):
    """报备走访 of the plan's team: a warning of the calendar is shown with its rules and passed with a reason."""

    action = "file_visit"
    title = _("报备走访")
    success = _("走访已报备。")
    form_class = rforms.VisitForm
    hits: tuple[RuleHit, ...] = ()
    hits_code = ""

    def initial(self) -> dict[str, Any]:
        return {"team": self.obj.team, "kinds": ["looks", "talks"], "headcount": 3}

    def form_kwargs(self) -> dict[str, Any]:
        return {"units": _unit_choices(self.request.user, Perm.FILE_VISIT, self.obj.campaign)}

    def perform(self, data: dict[str, Any]) -> None:
        try:
            services.file_plan_visit(
                self.actor(),
                self.obj,
                unit=data["unit"],
                date=data["date"],
                headcount=data["headcount"],
                kinds=data["kinds"],
                team=data.get("team") or "",
                purpose=data.get("purpose") or "",
                override_reason=data.get("override_reason") or "",
            )
        except VisitRefused as exc:
            self.hits, self.hits_code = tuple(exc.hits), exc.code
            raise
