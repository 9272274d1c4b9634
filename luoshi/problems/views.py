"""Problem pages: dashboard, list, detail with timeline, and one page per write. Views validate and call services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.accounts.models import User
from luoshi.campaigns import queries as campaign_queries
from luoshi.campaigns.models import Campaign
from luoshi.core import htmx
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import search_text
from luoshi.core.forms import EMPTY, model_field, plain_options, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.orgs.forms import unit_options
from luoshi.orgs.models import Unit
from luoshi.problems import forms as pforms
from luoshi.problems import queries, services
from luoshi.problems.choices import Kind, Light, MeasureState, RequestState, Severity, State
from luoshi.problems.filters import ProblemFilterSet
from luoshi.problems.models import Evidence, ExtensionRequest, Measure, Problem, ProblemClass
from luoshi.problems.tracker import PROBLEMS
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_response
from luoshi.tracking.views import TransitionView

PAGE_SIZE = 50
SORTS = ("-id", "id", "deadline", "-deadline")
OPTION_PERMS = frozenset({Perm.VIEW, Perm.FILE_PROBLEM, Perm.EDIT_PROBLEM})


def _require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看问题清单的权限。"))


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(_("参数无效。"))
    return int(raw)


def _optional_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# Dashboard (整改看板)


def _dashboard_scope(request: HttpRequest) -> tuple[list[Campaign], Campaign | None, Unit | None]:
    user = request.user
    campaigns = list(queries.campaign_choices(user))
    campaign_id = _int_param(request, "campaign")
    campaign = campaigns[0] if campaigns else None
    if campaign_id is not None:
        campaign = next((c for c in campaigns if c.pk == campaign_id), None)
        if campaign is None:
            raise Http404(_("未找到或无权查看。"))
    unit_id = _int_param(request, "unit")
    unit = scope.get_visible_or_404(Unit.objects.all(), user, Perm.VIEW, pk=unit_id) if unit_id else None
    return campaigns, campaign, unit


def _list_links(campaign: Campaign | None, unit: Unit | None, today: dt.date) -> dict[str, str]:
    """Query strings into the filtered list for each figure of the dashboard."""
    base: list[tuple[str, Any]] = [("campaign", campaign.pk)] if campaign else []
    if unit is not None:
        base.append(("unit", unit.pk))
    open_states = [("state", s) for s in queries.OPEN_STATES]
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    return {
        "all": urlencode(base),
        "closed": urlencode([*base, ("state", State.CLOSED)]),
        "overdue": urlencode([*base, *open_states, ("deadline_before", yesterday)]),
        "red": urlencode([*base, *open_states, ("light", Light.RED)]),
        "yellow": urlencode([*base, *open_states, ("light", Light.YELLOW)]),
        "green": urlencode([*base, *open_states, ("light", Light.GREEN)]),
    }


def _chart_data(
    summary: queries.Summary, aspects: list[queries.Bucket], channels: list[queries.Bucket]
) -> dict[str, Any]:
    return {
        "states": [
            {"name": str(label), "value": summary.by_state[value], "key": value} for value, label in State.choices
        ],
        "aspects": [{"name": b.name, "value": b.count, "id": b.id} for b in aspects],
        "channels": [{"name": b.name, "value": b.count, "id": b.id} for b in channels],
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    """整改看板: counts by state, aspect and channel, lights, and closure per child unit."""
    user = request.user
    _require_view(user)
    campaigns, campaign, unit = _dashboard_scope(request)
    today = timezone.localdate()
    figures = queries.dashboard(user, campaign, unit, today)
    summary = figures.summary
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "unit": unit,
        "crumbs": queries.breadcrumbs(user, unit),
        "summary": summary,
        "state_cards": [(value, label, summary.by_state[value]) for value, label in State.choices],
        "parent": figures.table.parent,
        "rows": figures.table.rows,
        "chart_data": _chart_data(summary, figures.aspects, figures.channels),
        "card_links": _list_links(campaign, unit, today),
        "row_links": _list_links(campaign, None, today),
        "list_url": reverse("problems:list"),
    }
    return render(request, "problems/dashboard.html", context)


# List (问题清单)


def _style_filter_form(form: forms.Form, user: Any) -> None:
    """Bootstrap widgets, checkboxes for state and light, and short option lists for the long selects."""
    style_filters(form, [("state", State.choices), ("light", Light.choices)])
    form.fields["q"].widget.attrs.update({"placeholder": _("标题或具体表现中的文字"), "type": "search"})
    for name in ("deadline_after", "deadline_before"):
        date_widget = form.fields[name].widget
        assert isinstance(date_widget, forms.DateInput)
        date_widget.input_type = "date"
    _filter_options(form, user)


def _filter_options(form: forms.Form, user: Any) -> None:
    chosen = getattr(form, "cleaned_data", {})
    every = _("全部")
    several = queries.campaign_choices(user).count() > 1
    for name, items in (
        ("aspect", campaign_queries.visible_aspects(user)),
        ("channel", campaign_queries.visible_channels(user)),
    ):
        labelled = [(o.pk, f"{o.campaign} · {o}" if several else str(o)) for o in items]
        _set_widget_choices(form, name, [("", every), *labelled])
    shortlist = queries.unit_shortlist(user, Perm.VIEW)
    _set_widget_choices(form, "unit", unit_options(shortlist, [chosen.get("unit")], every))
    leaders = queries.leader_candidates(user)[: pforms.LEADER_OPTIONS_LIMIT]
    _set_widget_choices(form, "leader", plain_options(leaders, chosen.get("leader"), every))
    for name in ("campaign", "problem_class"):
        model_field(form, name).empty_label = every
    _set_widget_choices(form, "kind", [("", every), *Kind.choices])
    _set_widget_choices(form, "severity", [("", every), *Severity.choices])


def _set_widget_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    widget = form.fields[name].widget
    assert isinstance(widget, forms.Select)
    widget.choices = choices


def _querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",), **extra: str) -> str:
    params = request.GET.copy()
    for key in (*drop, *extra):
        params.pop(key, None)
    for key, value in extra.items():
        params[key] = value
    return params.urlencode()


def problem_list(request: HttpRequest) -> HttpResponse:
    """问题清单 with filters; an HTMX request for ``#results`` gets only the table."""
    user = request.user
    _require_view(user)
    base = Problem.objects.visible_to(user, Perm.VIEW).select_related("unit", "aspect", "channel", "responsible_leader")
    filterset = ProblemFilterSet(request.GET, queryset=base, request=request)
    sort = request.GET.get("sort", "") if request.GET.get("sort") in SORTS else "-id"
    ordering = (sort,) if sort in ("id", "-id") else (sort, "-id")
    page = Paginator(filterset.qs, ordering, PAGE_SIZE).page(request.GET)
    export_url = _optional_url("ledger:export") if scope.has_perm_anywhere(user, Perm.EXPORT) else None
    context = {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "sort": sort,
        "query": _querystring(request),
        "sort_id_url": _querystring(request, sort="id" if sort == "-id" else "-id"),
        "sort_deadline_url": _querystring(request, sort="-deadline" if sort == "deadline" else "deadline"),
        "export_url": export_url,
        "import_url": _optional_url("ledger:index") if scope.has_perm_anywhere(user, Perm.IMPORT) else None,
        "can_file": scope.has_perm_anywhere(user, Perm.FILE_PROBLEM),
        "oob": False,
    }
    _style_filter_form(filterset.form, user)
    if htmx.swaps(request, "results"):
        context["oob"] = True
        return render(request, "problems/_results.html", context)
    return render(request, "problems/list.html", context)


def unit_choices(request: HttpRequest) -> HttpResponse:
    """Options of a unit select, searched by name (HTMX), so a large org tree never fills one page."""
    user = request.user
    _require_view(user)
    perm = request.GET.get("perm", Perm.VIEW)
    if perm not in OPTION_PERMS:
        raise Http404(_("参数无效。"))
    campaign_id = _int_param(request, "campaign")
    campaign = queries.campaign_choices(user, perm).filter(pk=campaign_id).first() if campaign_id else None
    text = search_text(request.GET, "unit_q")
    if text:
        found = list(queries.units_for(user, perm, campaign).filter(name__icontains=text).order_by("path")[:50])
        options: list[tuple[Any, Any]] = [("", EMPTY), *((u.pk, u.name) for u in found)]
    else:
        options = unit_options(queries.unit_shortlist(user, perm, campaign))
    return render(request, "problems/_unit_options.html", {"options": options})


# Detail (问题详情)


def _pending(requests: list[Any]) -> Any:
    return engine.pending_request(requests)


def problem_permissions(user: User, problem: Problem, *, closure_ready: bool) -> dict[str, bool]:
    """The detail page's buttons: exactly the engine's available actions, with 申请销号 held until ready."""
    can = dict.fromkeys(services.available(user, problem), True)
    open_to_close = can.pop("request_closure", False)
    return {
        **can,
        "request_closure": open_to_close and closure_ready,
        "closure_blocked": open_to_close and not closure_ready,
    }


def _load_problem(user: Any, pk: int) -> Problem:
    related = ("campaign__unit", "channel", "aspect", "unit", "responsible_leader", "filed_by", "problem_class")
    return scope.get_visible_or_404(Problem.objects.select_related(*related), user, Perm.VIEW, pk=pk)


def _detail_permissions(user: User, problem: Problem, ctx: dict[str, Any]) -> dict[str, bool]:
    open_measures = sum(1 for m in ctx["measures"] if m.state != MeasureState.DONE)
    has_evidence = any(e.evidence.all() for e in ctx["progress"])
    return problem_permissions(user, problem, closure_ready=open_measures == 0 and has_evidence)


def _closure_ready(problem: Problem) -> bool:
    """All measures done and evidence uploaded: only then is 申请销号 offered."""
    open_measures = problem.measures.exclude(state=MeasureState.DONE).exists()
    return not open_measures and Evidence.objects.filter(progress__problem=problem).exists()


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """问题详情: all fields, measures, progress with evidence, requests and the timeline."""
    user = request.user
    problem = _load_problem(user, pk)
    ctx: dict[str, Any] = {
        "problem": problem,
        "measures": list(problem.measures.select_related("owner_unit", "owner").order_by("id")),
        "progress": list(
            problem.progress.select_related("author", "measure")
            .prefetch_related("evidence")
            .order_by("-created_at", "-id")
        ),
        "closures": list(problem.closure_requests.select_related("requested_by", "decided_by").order_by("-id")),
        "extensions": list(problem.extensions.select_related("requested_by", "decided_by").order_by("-id")),
        "events": list(problem.events.select_related("actor").order_by("-at", "-id")),
    }
    ctx["pending_extension"] = _pending(ctx["extensions"])
    ctx["can"] = _detail_permissions(actor(request), problem, ctx)
    class_id = problem.problem_class_id
    ctx["class_visible"] = class_id is not None and queries.visible_classes(user).filter(pk=class_id).exists()
    return render(request, "problems/detail.html", ctx)


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """佐证材料 download: scope-checked, always as an attachment, never through MEDIA_URL; audited."""
    evidence = scope.get_visible_or_404(Evidence.objects.select_related("progress"), request.user, Perm.VIEW, pk=pk)
    problem_id = evidence.progress.problem_id
    return evidence_response(request.user, evidence, item_key="problem", item_id=problem_id, item_noun="问题")


# Writes: one page per action, each a POST that calls one service function


class ProblemActionView(TransitionView):
    """A transition or activity of a problem; the detail page offers exactly what the engine makes available."""

    tracker = PROBLEMS
    form_class: type[forms.Form] = pforms.VersionForm
    template_name = "problems/action.html"
    object_name = "problem"
    detail_url_name = "problems:detail"
    problem: Problem

    def load_object(self, user: Any, pk: int) -> Problem:
        return _load_problem(user, pk)


class ClaimView(ProblemActionView):
    title = gettext_lazy("认领")
    action = "claim"
    success = gettext_lazy("已认领，问题进入整改。")

    def perform(self, data: dict[str, Any]) -> None:
        services.claim(actor(self.request), self.problem, version=data.get("version"))


class AddMeasureView(ProblemActionView):
    title = gettext_lazy("制定整改措施")
    action = "add_measure"
    success = gettext_lazy("整改措施已添加。")
    form_class = pforms.MeasureForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": actor(self.request), "problem": self.problem}

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.add_measure(
            actor(self.request),
            self.problem,
            text=data["text"],
            owner_unit=data["owner_unit"],
            deadline=data["deadline"],
            owner=data.get("owner"),
            owner_name=data.get("owner_name", ""),
        )


class CompleteMeasureView(ProblemActionView):
    title = gettext_lazy("措施完成")
    action = "complete_measure"
    success = gettext_lazy("措施已标记为完成。")
    measure: Measure

    def load_target(self, **kwargs: Any) -> None:
        measures = Measure.objects.filter(problem=self.problem)
        self.measure = scope.get_visible_or_404(measures, actor(self.request), Perm.VIEW, pk=kwargs["measure_pk"])

    def initial(self) -> dict[str, Any]:
        return {"version": self.measure.version}

    def available(self) -> bool:
        return super().available() and self.measure.state != MeasureState.DONE

    def perform(self, data: dict[str, Any]) -> None:
        services.complete_measure(actor(self.request), self.measure, version=data.get("version"))


class ReportProgressView(ProblemActionView):
    title = gettext_lazy("报送进展")
    action = "report_progress"
    success = gettext_lazy("整改进展已报送。")
    form_class = pforms.ProgressForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": actor(self.request), "problem": self.problem}

    def initial(self) -> dict[str, Any]:
        return {}

    def perform(self, data: dict[str, Any]) -> None:
        services.report_progress(
            actor(self.request), self.problem, text=data["text"], measure=data.get("measure"), files=data["evidence"]
        )


class RequestClosureView(ProblemActionView):
    title = gettext_lazy("申请销号")
    action = "request_closure"

    def available(self) -> bool:
        return super().available() and _closure_ready(self.problem)

    success = gettext_lazy("销号申请已提交。")
    form_class = pforms.ClosureRequestForm

    def perform(self, data: dict[str, Any]) -> None:
        services.request_closure(
            actor(self.request), self.problem, summary=data["summary"], version=data.get("version")
        )


class ApproveClosureView(ProblemActionView):
    title = gettext_lazy("审核销号")
    action = "approve_closure"
    success = gettext_lazy("已审核通过，问题销号。")
    form_class = pforms.ApproveClosureForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        services.approve_closure(actor(self.request), self.problem, note=data["note"], version=data.get("version"))


class SendBackView(ProblemActionView):
    title = gettext_lazy("退回整改")
    action = "send_back"
    success = gettext_lazy("已退回整改。")
    form_class = pforms.SendBackForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.send_back(actor(self.request), self.problem, reason=data["reason"], version=data.get("version"))


class ReopenView(ProblemActionView):
    title = gettext_lazy("回头看重新打开")
    action = "reopen"
    success = gettext_lazy("问题已重新打开，进入整改。")
    form_class = pforms.ReopenForm
    submit_class = "btn-warning"

    def perform(self, data: dict[str, Any]) -> None:
        services.reopen(actor(self.request), self.problem, reason=data["reason"], version=data.get("version"))


class RequestExtensionView(ProblemActionView):
    title = gettext_lazy("申请延期")
    action = "request_extension"
    success = gettext_lazy("延期申请已提交。")
    form_class = pforms.ExtensionRequestForm

    def initial(self) -> dict[str, Any]:
        return {"new_deadline": self.problem.deadline + dt.timedelta(days=30)}

    def perform(self, data: dict[str, Any]) -> None:
        services.request_extension(
            actor(self.request), self.problem, new_deadline=data["new_deadline"], reason=data["reason"]
        )


class ExtensionDecisionView(ProblemActionView):
    action = "decide_extension"
    form_class = pforms.ExtensionDecisionForm
    approve = True
    extension: ExtensionRequest

    def load_target(self, **kwargs: Any) -> None:
        requests = ExtensionRequest.objects.filter(problem=self.problem).select_related("requested_by")
        self.extension = scope.get_visible_or_404(requests, actor(self.request), Perm.VIEW, pk=kwargs["extension_pk"])

    def initial(self) -> dict[str, Any]:
        return {}

    def available(self) -> bool:
        return super().available() and self.extension.state == RequestState.PENDING

    def perform(self, data: dict[str, Any]) -> None:
        decide = services.approve_extension if self.approve else services.reject_extension
        decide(actor(self.request), self.extension, note=data["note"])


class ApproveExtensionView(ExtensionDecisionView):
    title = gettext_lazy("同意延期")
    success = gettext_lazy("已同意延期，整改时限已更新。")
    submit_class = "btn-success"


class RejectExtensionView(ExtensionDecisionView):
    title = gettext_lazy("不同意延期")
    success = gettext_lazy("已不同意延期。")
    submit_class = "btn-danger"
    approve = False


class EditProblemView(ProblemActionView):
    """修改问题 with the version the user saw: a stale form gets a conflict message, never a silent overwrite."""

    title = gettext_lazy("修改问题")
    action = "edit"
    success = gettext_lazy("问题已保存。")
    form_class = pforms.EditProblemForm
    template_name = "problems/problem_form.html"

    def form_kwargs(self) -> dict[str, Any]:
        user, problem = actor(self.request), self.problem
        locked = problem.state != State.PENDING_CLAIM and not scope.can(user, Perm.APPROVE_EXTENSION, problem.org_path)
        return {
            "user": user,
            "campaign": problem.campaign,
            "perm": Perm.EDIT_PROBLEM,
            "problem": problem,
            "lock_deadline": locked,
        }

    def initial(self) -> dict[str, Any]:
        p = self.problem
        fields = {name: getattr(p, name) for name in services.EDITABLE_FIELDS}
        return {**fields, "version": p.version}

    def perform(self, data: dict[str, Any]) -> None:
        changes = {k: data.get(k) for k in services.EDITABLE_FIELDS if data.get(k) != getattr(self.problem, k)}
        if not changes:
            self.success = gettext_lazy("没有需要保存的修改。")
            return
        services.edit_problem(actor(self.request), self.problem, data["version"], **changes)


# Filing a problem (登记问题)


def _filing_campaign(request: HttpRequest, campaigns: list[Campaign]) -> Campaign:
    if not campaigns:
        raise NotAllowed(_("您没有可以登记问题的活动。"))
    wanted = _int_param(request, "campaign")
    if wanted is None:
        return campaigns[0]
    found = next((c for c in campaigns if c.pk == wanted), None)
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


def problem_new(request: HttpRequest) -> HttpResponse:
    """登记问题: units limited to the user's filing scope inside the chosen campaign."""
    user = request.user
    campaigns = list(queries.campaign_choices(user, Perm.FILE_PROBLEM).filter(is_active=True))
    campaign = _filing_campaign(request, campaigns)
    today = timezone.localdate()
    if request.method != "POST":
        initial = {"found_on": today, "deadline": today + dt.timedelta(days=30)}
        form = pforms.ProblemForm(initial=initial, user=user, campaign=campaign, perm=Perm.FILE_PROBLEM)
        return _render_new(request, form, campaigns, campaign)
    form = pforms.ProblemForm(request.POST, user=user, campaign=campaign, perm=Perm.FILE_PROBLEM)
    if form.is_valid():
        try:
            problem = services.file_problem(actor(request), campaign=campaign, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        except NotAllowed as exc:
            form.add_error(None, str(exc))
            return _render_new(request, form, campaigns, campaign, 403)
        else:
            messages.success(request, _("问题 %(number)s 已登记。") % {"number": problem.number})
            return redirect("problems:detail", pk=problem.pk)
    return _render_new(request, form, campaigns, campaign)


def _render_new(
    request: HttpRequest, form: forms.Form, campaigns: list[Campaign], campaign: Campaign, status: int = 200
) -> HttpResponse:
    context = {"form": form, "campaigns": campaigns, "campaign": campaign, "problem": None, "title": _("登记问题")}
    return render(request, "problems/problem_form.html", context, status=status)


# Problem classes (一类事)


def class_list(request: HttpRequest) -> HttpResponse:
    """问题类别: similar problems grouped so one fix serves the class."""
    user = request.user
    _require_view(user)
    classes = queries.classes_with_counts(user).order_by("campaign", "name")
    context = {"classes": classes, "can_create": scope.has_perm_anywhere(user, Perm.EDIT_PROBLEM)}
    return render(request, "problems/class_list.html", context)


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    problem_class = scope.get_visible_or_404(
        ProblemClass.objects.select_related("campaign", "unit"), user, Perm.VIEW, pk=pk
    )
    problems = queries.class_problems(user, problem_class)
    by_state = dict(problems.order_by().values_list("state").annotate(n=Count("id")))
    total = sum(by_state.values())
    context = {
        "problem_class": problem_class,
        "problems": problems,
        "total": total,
        "closed": by_state.get(State.CLOSED, 0),
        "by_state": [(label, by_state.get(value, 0)) for value, label in State.choices],
    }
    return render(request, "problems/class_detail.html", context)


def class_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.has_perm_anywhere(user, Perm.EDIT_PROBLEM):
        raise NotAllowed(_("您无权新建问题类别。"))
    form = pforms.ProblemClassForm(request.POST or None, user=user)
    created, status = submitted(
        request, form, lambda: services.create_problem_class(actor(request), **form.cleaned_data)
    )
    if created is not None:
        messages.success(request, _("问题类别「%(name)s」已建立。") % {"name": created.name})
        return redirect("problems:class_detail", pk=created.pk)
    return render(request, "problems/class_form.html", {"form": form}, status=status)
