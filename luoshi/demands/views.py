"""Staff pages of citizen demands: list, detail with timeline and deadlines, one page per transition.

Views validate and call ``services``; scope comes from ``luoshi.access.scope`` (out of scope = 404).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import search_text
from luoshi.core.forms import model_field, plain_options, style_filters
from luoshi.core.pagination import Paginator
from luoshi.demands import exports, queries, services
from luoshi.demands import forms as dforms
from luoshi.demands.choices import DemandState
from luoshi.demands.filters import DemandFilterSet
from luoshi.demands.imports import importer_tops
from luoshi.demands.models import Demand, DemandExtension
from luoshi.jobs.exports import export_or_queue
from luoshi.orgs import queries as org_queries
from luoshi.orgs.forms import unit_options
from luoshi.problems import forms as pforms
from luoshi.problems import queries as problem_queries
from luoshi.problems import services as problem_services
from luoshi.problems.models import Problem
from luoshi.tracking import engine
from luoshi.tracking.views import TransitionView

PAGE_SIZE = 50
OPTIONS_LIMIT = 200


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW_DEMANDS):
        raise NotAllowed(_("您没有查看诉求工单的权限。"))


def _short_options(form: forms.Form, user: Any) -> None:
    """Only the first levels of a large org tree, and the first companies and projects, are rendered;
    the chosen one is always kept. The filter still accepts anything in scope."""
    chosen = getattr(form, "cleaned_data", {})
    every = _("全部")
    shortlist = org_queries.unit_shortlist(user, Perm.VIEW_DEMANDS)
    _set_options(form, "unit", unit_options(shortlist, [chosen.get("unit")], every))
    for name in ("company", "project"):
        queryset = model_field(form, name).queryset
        shown = list(queryset[:OPTIONS_LIMIT]) if queryset is not None else []
        _set_options(form, name, plain_options(shown, chosen.get(name), every))


def _set_options(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    widget = form.fields[name].widget
    assert isinstance(widget, forms.Select)
    widget.choices = choices


def _style_filter_form(form: forms.Form, user: Any) -> None:
    _short_options(form, user)
    style_filters(form, [("state", DemandState.choices)])
    for name in ("received_after", "received_before"):
        date_widget = form.fields[name].widget
        assert isinstance(date_widget, forms.DateInput)
        date_widget.input_type = "date"
    form.fields["q"].widget.attrs.update({"placeholder": _("编号、标题、内容或地址"), "type": "search"})


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def demand_list(request: HttpRequest) -> HttpResponse:
    """诉求工单 with filters; citizens' phones only ever masked."""
    user = request.user
    require_view(user)
    filterset = DemandFilterSet(request.GET, queryset=queries.visible_demands(user), request=request)
    page = Paginator(filterset.qs, ("-received_at", "-id"), PAGE_SIZE).page(request.GET)
    _style_filter_form(filterset.form, user)
    context = {
        "form": filterset.form,
        "page": page,
        "query": _querystring(request),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "can_import": bool(importer_tops(user)),
    }
    return render(request, "demands/list.html", context)


def demand_export(request: HttpRequest) -> HttpResponseBase:
    """Excel export of the filtered list (same FilterSet as the page), audited, phones masked; a long
    list is written by a job whose page offers the file."""
    require_view(request.user)
    user, query = request.user, request.GET
    try:
        count = exports.filtered_demands(user, query).count()
        return export_or_queue(
            request,
            count=count,
            noun=exports.NOUN,
            kind=exports.EXPORT_KIND,
            body="luoshi.demands.jobs.export_demands_job",
            inline=lambda: exports.export_response(user, query),
        )
    except RuleViolation as exc:
        messages.error(request, str(exc))
        return redirect("demands:list")


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """诉求详情: the ticket, its deadlines (late ones red), extensions, the timeline and the actions."""
    user = request.user
    demand = queries.load_demand(user, pk)
    extension = queries.pending_extension(demand)
    problem_visible = (
        demand.problem_id is not None
        and Problem.objects.visible_to(user, Perm.VIEW).filter(pk=demand.problem_id).exists()
    )
    context = {
        "demand": demand,
        "deadlines": queries.deadlines(demand),
        "pending_extension": extension,
        "extensions": list(demand.extensions.select_related("requested_by", "decided_by").order_by("-id")),
        "events": list(demand.events.select_related("actor", "unit").order_by("-at", "-id")),
        "can": queries.demand_permissions(user, demand),
        "problem_visible": problem_visible,
    }
    return render(request, "demands/detail.html", context)


@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """查看联系方式: the citizen's name and phone in clear, once, for the ticket's handlers and dispatcher."""
    user = request.user
    demand = queries.load_demand(user, pk)
    try:
        name, phone = services.reveal_citizen(actor(request), demand)
    except NotAllowed as exc:
        return render(request, "demands/reveal.html", {"demand": demand, "error": str(exc)}, status=403)
    response = render(request, "demands/reveal.html", {"demand": demand, "name": name, "phone": phone})
    response["Cache-Control"] = "no-store"
    return response


# Writes: one page per transition or activity, each a POST that calls one service function


class DemandActionView(TransitionView):
    """An action on a demand, offered exactly when the engine's ``available_actions`` offers it."""

    tracker = services.DEMANDS
    form_class: type[forms.Form] = dforms.VersionForm
    template_name = "demands/action.html"
    object_name = "demand"
    detail_url_name = "demands:detail"
    demand: Demand

    def load_object(self, user: Any, pk: int) -> Demand:
        return queries.load_demand(user, pk)

    def refusal(self) -> HttpResponse | None:
        if self.available():
            return None
        reason = engine.refusals(self.tracker, self.actor(), self.obj).get(self.action, "")
        notice = _("您当前不能对该工单执行「%(action)s」。") % {"action": self.title}
        return self.render_page(None, 200, f"{notice}{reason}")


class DispatchView(DemandActionView):
    title = gettext_lazy("派单")
    action = "dispatch"
    success = gettext_lazy("工单已派发。")
    form_class = dforms.DispatchForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "unit_text": search_text(self.request.GET, "unit_q")}

    def perform(self, data: dict[str, Any]) -> None:
        services.dispatch(self.actor(), self.demand, unit=data["unit"], note=data["note"], version=data.get("version"))


class SignView(DemandActionView):
    title = gettext_lazy("签收")
    action = "sign"
    success = gettext_lazy("工单已签收。")

    def perform(self, data: dict[str, Any]) -> None:
        services.sign(self.actor(), self.demand, version=data.get("version"))


class RespondView(DemandActionView):
    title = gettext_lazy("联系群众")
    action = "respond"
    success = gettext_lazy("办理情况已记录。")
    form_class = dforms.RespondForm

    def perform(self, data: dict[str, Any]) -> None:
        services.respond(self.actor(), self.demand, note=data["note"], version=data.get("version"))


class FinishView(DemandActionView):
    title = gettext_lazy("办结")
    action = "finish"
    success = gettext_lazy("工单已办结。")
    form_class = dforms.FinishForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.finish(
            self.actor(),
            self.demand,
            outcome=data["outcome"],
            explanation=data["explanation"],
            version=data.get("version"),
        )


class ReturnView(DemandActionView):
    title = gettext_lazy("退单")
    action = "return"
    success = gettext_lazy("工单已退回受理单位。")
    form_class = dforms.ReasonForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.return_demand(self.actor(), self.demand, reason=data["reason"], version=data.get("version"))


class CallBackView(DemandActionView):
    title = gettext_lazy("回访")
    action = "call_back"
    success = gettext_lazy("回访结果已记录。")
    form_class = dforms.CallBackForm

    def perform(self, data: dict[str, Any]) -> None:
        services.call_back(
            self.actor(),
            self.demand,
            satisfaction=data["satisfaction"],
            note=data["note"],
            version=data.get("version"),
        )


class RedoView(DemandActionView):
    title = gettext_lazy("重办")
    action = "redo"
    success = gettext_lazy("工单已交承办单位重办。")
    form_class = dforms.ReasonForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.redo(self.actor(), self.demand, reason=data["reason"], version=data.get("version"))


class ArchiveView(DemandActionView):
    title = gettext_lazy("归档")
    action = "archive"
    success = gettext_lazy("工单已归档。")

    def perform(self, data: dict[str, Any]) -> None:
        services.archive(self.actor(), self.demand, version=data.get("version"))


class EscalateView(DemandActionView):
    title = gettext_lazy("督办")
    action = "escalate"
    success = gettext_lazy("工单已列入督办。")
    form_class = dforms.EscalateForm
    submit_class = "btn-danger"

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.escalate(self.actor(), self.demand, reason=data["reason"])


class RequestExtensionView(DemandActionView):
    title = gettext_lazy("申请延期")
    action = "request_extension"
    success = gettext_lazy("延期申请已提交。")
    form_class = dforms.ExtensionRequestForm

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.request_extension(self.actor(), self.demand, days=data["days"], reason=data["reason"])


class ExtensionDecisionView(DemandActionView):
    action = "decide_extension"
    form_class = dforms.ExtensionDecisionForm
    approve = True
    extension: DemandExtension

    def load_target(self, **kwargs: Any) -> None:
        requests = DemandExtension.objects.filter(demand=self.demand).select_related("requested_by")
        self.extension = scope.get_visible_or_404(
            requests, self.request.user, Perm.VIEW_DEMANDS, pk=kwargs["extension_pk"]
        )

    def initial(self) -> dict[str, Any]:
        return {}

    def available(self) -> bool:
        return super().available() and queries.pending_extension(self.demand) == self.extension

    def perform(self, data: dict[str, Any]) -> None:
        if self.approve:
            services.approve_extension(self.actor(), self.extension, note=data["note"])
        else:
            services.reject_extension(self.actor(), self.extension, note=data["note"])


class ApproveExtensionView(ExtensionDecisionView):
    title = gettext_lazy("同意延期")
    success = gettext_lazy("已同意延期，办结时限已更新。")
    submit_class = "btn-success"


class RejectExtensionView(ExtensionDecisionView):
    title = gettext_lazy("不同意延期")
    success = gettext_lazy("已不同意延期。")
    submit_class = "btn-danger"
    approve = False


# 转为问题: link the demand to an existing problem, or file a new one and link it


class LinkProblemView(View):
    """转为问题: a pattern of complaints becomes a rectification item of the problem list."""

    demand: Demand

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.demand = queries.load_demand(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def campaign(self) -> Any:
        campaigns = problem_queries.campaign_choices(self.request.user, Perm.FILE_PROBLEM).filter(is_active=True)
        return campaigns.first()

    def new_form(self, data: Any = None) -> forms.Form | None:
        campaign = self.campaign()
        if campaign is None:
            return None
        demand = self.demand
        initial = {"title": demand.title[:200], "description": demand.content}
        return pforms.ProblemForm(
            data, initial=initial, user=self.request.user, campaign=campaign, perm=Perm.FILE_PROBLEM, prefix="new"
        )

    def render_page(self, existing: forms.Form, new: forms.Form | None, status: int = 200) -> HttpResponse:
        allowed = "link_problem" in engine.available_actions(services.DEMANDS, actor(self.request), self.demand)
        context = {"demand": self.demand, "existing": existing, "new": new, "allowed": allowed}
        return render(self.request, "demands/link_problem.html", context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_page(dforms.LinkExistingProblemForm(user=request.user), self.new_form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        user = actor(request)
        filing = request.POST.get("mode") == "new"
        existing = dforms.LinkExistingProblemForm(None if filing else request.POST, user=user)
        new = self.new_form(request.POST if filing else None)
        form = new if filing else existing
        if form is None or not form.is_valid():
            return self.render_page(existing, new)
        try:
            with transaction.atomic():
                if filing:
                    problem = problem_services.file_problem(user, campaign=self.campaign(), **form.cleaned_data)
                else:
                    problem = form.cleaned_data["number"]
                services.link_problem(user, self.demand, problem)
        except NotAllowed as exc:
            form.add_error(None, str(exc) or _("您没有权限执行此操作。"))
            return self.render_page(existing, new, 403)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
            return self.render_page(existing, new)
        messages.success(request, _("已转为问题 %(number)s。") % {"number": problem.number})
        return redirect("demands:detail", pk=self.demand.pk)
