"""Pages of the supervision report (督导反馈报告): the reports list (of a group, a unit, a state), a report with its
versions and timeline, the generate form, the action pages (印发, 签收, 重新生成), the versions' downloads and the
unit's own list (我的督导报告). Views validate and call ``luoshi.supervision.reports``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core import htmx
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import parse_id
from luoshi.core.forms import StyledForm, submitted
from luoshi.core.pagination import Paginator
from luoshi.supervision import queries, reports
from luoshi.supervision.choices import ReportState
from luoshi.supervision.documents import DOCX_TYPE
from luoshi.supervision.models import GroupAssignment, ReportVersion, SupervisionGroup, SupervisionReport
from luoshi.tracking import engine
from luoshi.tracking.views import TransitionView

PAGE_SIZE = 50
LIST_ORDER = ("-id",)
GROUP_CHOICES = 200


class BadQuery(Exception):
    """A query string naming an id that is not a positive number: the page answers 400."""


# --- forms ------------------------------------------------------------------------------------------------------


class GenerateForm(StyledForm):
    unit = forms.TypedChoiceField(label=gettext_lazy("被督导单位"), coerce=int)
    round = forms.IntegerField(label=gettext_lazy("轮次"), min_value=1, max_value=reports.MAX_ROUND)
    due_date = forms.DateField(
        label=gettext_lazy("整改时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("报告要求被督导单位完成整改的日期，可不填。"),
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择")), *units]  # type: ignore[attr-defined]


class RegenerateForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date = forms.DateField(
        label=gettext_lazy("整改时限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("不填则沿用原整改时限。"),
    )


class NoteForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ReplyForm(NoteForm):
    note = forms.CharField(
        label=gettext_lazy("回复意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class WithdrawForm(NoteForm):
    note = forms.CharField(label=gettext_lazy("撤回原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


# --- loading ----------------------------------------------------------------------------------------------------


def load_report(user: Any, pk: int) -> SupervisionReport:
    """A report the user reads (drafts only for its writers and the group's members); anything else is 404."""
    related = reports.visible_reports(user).select_related("group__campaign", "unit", "acknowledged_by")
    found = related.filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


def load_group(user: Any, pk: int) -> SupervisionGroup:
    """A group the user sees (sent from their scope, or one they are a member of); anything else is 404."""
    found = queries.visible_groups(user).select_related("campaign", "unit").filter(pk=pk).first()
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found


def _chosen_id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw.strip():
        return None
    found = parse_id(raw)
    if found is None:
        raise BadQuery(name)
    return found


def _state_label(value: str) -> str:
    return str(ReportState(value).label) if value in ReportState.values else ""


def _may_generate(user: Any, group: SupervisionGroup) -> bool:
    return queries.manages(user, group) or queries.is_leader(user, group)


def _rows_page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, LIST_ORDER, PAGE_SIZE).page(request.GET)


# --- the lists --------------------------------------------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    """督导反馈报告: the reports the user sees, by group, unit and state; a group's writers may generate one."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看督导报告的权限。"))
    try:
        group_id, unit_id = _chosen_id(request, "group"), _chosen_id(request, "unit")
    except BadQuery:
        return HttpResponseBadRequest(_("编号须为正整数。"))
    state = request.GET.get("state", "")
    rows = reports.visible_reports(user).select_related("group", "unit")
    group = load_group(user, group_id) if group_id is not None else None
    if group is not None:
        rows = rows.filter(group=group)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if state in ReportState.values:
        rows = rows.filter(state=state)
    context = {
        "page": _rows_page(request, rows),
        "group": group,
        "state": state if state in ReportState.values else "",
        "states": ReportState,
        "can_generate": group is not None and _may_generate(user, group),
    }
    if htmx.swaps(request, "reports"):  # the filter form asks for the results (and the heading they go with)
        return render(request, "supervision/_reports.html", {**context, "oob": True})
    context["groups"] = list(queries.visible_groups(user).order_by("-campaign_id", "round", "id")[:GROUP_CHOICES])
    return render(request, "supervision/report_list.html", context)


def report_mine(request: HttpRequest) -> HttpResponse:
    """我的督导报告: the issued reports addressed to the units the user acknowledges for, those to sign first."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.ACKNOWLEDGE_SUPERVISION):
        raise NotAllowed(_("只有被督导单位的领导和联络员可以签收督导报告。"))
    rows = (
        SupervisionReport.objects.visible_to(user, Perm.ACKNOWLEDGE_SUPERVISION)
        .filter(state__in=(ReportState.ISSUED, ReportState.ACKNOWLEDGED))
        .select_related("group", "unit")
    )
    waiting = request.GET.get("todo", "1") != "0"
    if waiting:
        rows = rows.filter(state=ReportState.ISSUED)
    return render(request, "supervision/report_mine.html", {"page": _rows_page(request, rows), "waiting": waiting})


# --- one report ----------------------------------------------------------------------------------------------


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its state, its versions with their downloads, its timeline and the actions open to the user."""
    user = actor(request)
    report = load_report(user, pk)
    allowed = reports.available_actions(user, report)
    refusals = engine.refusals(reports.TRACKER, user, report)
    if not reports.may_write(user, report.group, report.unit):
        refusals = {}  # the reason "only the office or the leader" is not news to anyone else
    events = report.events.select_related("actor").order_by("at", "id")
    context = {
        "report": report,
        "versions": list(report.versions.select_related("made_by").order_by("-number")),
        "events": [(e, _state_label(e.from_state), _state_label(e.to_state)) for e in events],
        "allowed": allowed,
        "refusals": refusals,
    }
    return render(request, "supervision/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_generate(request: HttpRequest) -> HttpResponse:
    """生成督导报告: for one of the group's units, in a round, with a due date; an existing draft gets a new version."""
    user = actor(request)
    try:
        group_id = _chosen_id(request, "group")
    except BadQuery:
        group_id = None
    if group_id is None:
        raise Http404(_("未找到或无权查看。"))
    group = load_group(user, group_id)
    if not _may_generate(user, group):
        raise NotAllowed(_("只有派出督导组的单位或督导组组长才能生成和印发督导报告。"))
    assigned = GroupAssignment.objects.filter(group=group).select_related("unit").order_by("org_path", "id")
    units = list(dict.fromkeys((a.unit_id, a.unit.name) for a in assigned))
    initial: dict[str, Any] = {"round": group.round}
    unit_id = parse_id(request.GET.get("unit", ""))
    if unit_id is not None:
        initial["unit"] = unit_id
    form = GenerateForm(request.POST or None, units=units, initial=initial)

    def generate() -> ReportVersion:
        data = form.cleaned_data
        unit = next(a.unit for a in assigned if a.unit_id == data["unit"])
        return reports.generate_report(user, group, unit, round=data["round"], due_date=data.get("due_date"))

    version, status = submitted(request, form, generate)
    if version is not None:
        messages.success(request, _("已生成督导报告第 %(number)s 版。") % {"number": version.number})
        return redirect("supervision:report", pk=version.report_id)
    context = {"form": form, "group": group, "title": _("生成督导报告"), "today": timezone.localdate()}
    return render(request, "supervision/report_form.html", context, status=status)


@require_GET
def version_download(request: HttpRequest, pk: int) -> FileResponse:
    """A version's .docx: scope-checked (out of scope is 404), as an attachment, audited."""
    readable = ReportVersion.objects.filter(report__in=reports.visible_reports(request.user).values("pk"))
    version = scope.get_visible_or_404(readable.select_related("report__unit"), request.user, Perm.VIEW, pk=pk)
    stream, name = reports.open_version(actor(request), version)
    return download(stream, name, content_type=DOCX_TYPE)


# --- actions ---------------------------------------------------------------------------------------------------


class ReportActionView(TransitionView):
    tracker = reports.TRACKER
    form_class: type[forms.Form] = NoteForm
    template_name = "supervision/report_action.html"
    object_name = "report"
    detail_url_name = "supervision:report"
    report: SupervisionReport

    def load_object(self, user: Any, pk: int) -> SupervisionReport:
        return load_report(user, pk)


class IssueView(ReportActionView):
    action = "issue"
    title = gettext_lazy("印发")
    success = gettext_lazy("督导报告已印发，被督导单位将收到签收提醒。")

    def perform(self, data: dict[str, Any]) -> None:
        reports.issue_report(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class AcknowledgeView(ReportActionView):
    action = "acknowledge"
    title = gettext_lazy("签收")
    success = gettext_lazy("已签收督导报告。")
    form_class = ReplyForm
    submit_class = "btn-success"

    def perform(self, data: dict[str, Any]) -> None:
        reports.acknowledge_report(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class WithdrawView(ReportActionView):
    action = "withdraw"
    title = gettext_lazy("撤回")
    success = gettext_lazy("督导报告已撤回为草稿，可重新生成后再印发。")
    form_class = WithdrawForm
    submit_class = "btn-outline-danger"

    def perform(self, data: dict[str, Any]) -> None:
        reports.withdraw_report(self.actor(), self.obj, note=data.get("note") or "", version=data.get("version"))


class RegenerateView(ReportActionView):
    action = "generate"
    title = gettext_lazy("重新生成")
    success = gettext_lazy("已生成新版本。")
    form_class = RegenerateForm
    submit_class = "btn-outline-primary"

    def initial(self) -> dict[str, Any]:
        return {"version": self.obj.version, "due_date": self.obj.due_date}

    def perform(self, data: dict[str, Any]) -> None:
        due: dt.date | None = data.get("due_date")
        report = self.obj
        reports.generate_report(self.actor(), report.group, report.unit, round=report.round, due_date=due)
