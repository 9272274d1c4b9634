"""Files of key tasks: evidence downloads, Excel exports of the boards, the task-list import and its template."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download, written_download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.jobs.exports import export_or_queue
from luoshi.tasks import exports, imports, queries
from luoshi.tasks import forms as tforms
from luoshi.tasks.models import TaskEvidence
from luoshi.tasks.views import require_view
from luoshi.tracking.files import evidence_response


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """佐证材料 download: scope-checked, always as an attachment, never through MEDIA_URL; audited."""
    evidence = scope.get_visible_or_404(TaskEvidence.objects.select_related("progress"), request.user, Perm.VIEW, pk=pk)
    assignment_id = evidence.progress.assignment_id
    return evidence_response(
        request.user,
        evidence,
        item_key="assignment",
        item_id=assignment_id,
        item_noun="任务交办",
        file_noun="任务佐证材料",
    )


def _export_now(user: Any, query: QueryDict) -> FileResponse:
    return written_download(lambda target: exports.export_assignments(user, query, target), exports.download_name)


@require_GET
def assignments_export(request: HttpRequest) -> HttpResponseBase:
    """导出 Excel of a board (a task's, a unit's): its filters apply; a long list is written by a job."""
    user, query = request.user, request.GET
    try:
        queryset, _applied = exports.filtered_assignments(user, query)
        return export_or_queue(
            request,
            count=queryset.count(),
            noun=exports.NOUN,
            kind=exports.EXPORT_KIND,
            body="luoshi.tasks.exports.export_assignments_job",
            inline=lambda: _export_now(user, query),
        )
    except NotAllowed:
        raise
    except RuleViolation as exc:
        return render(request, "tasks/error.html", {"message": str(exc)}, status=400)


@require_GET
def tasks_export(request: HttpRequest) -> HttpResponseBase:
    """导出 Excel of a campaign's task list with each task's progress."""
    user = actor(request)
    require_view(user)
    campaign = chosen_campaign(request, list(queries.campaign_choices(user)))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    buffer = io.BytesIO()
    exports.export_tasks(user, campaign, buffer)
    return download(buffer.getvalue(), _("重点任务清单-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}"))


def _require_importer(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_TASKS):
        raise NotAllowed(_("您无权导入重点任务。"))


@require_http_methods(["GET", "POST"])
def import_tasks(request: HttpRequest) -> HttpResponse:
    """导入重点任务清单: choose the campaign, download its template, upload the filled-in list."""
    user = actor(request)
    _require_importer(user)
    form = tforms.ImportForm(request.POST or None, request.FILES or None, user=user)
    context: dict[str, Any] = {"form": form, "errors": [], "campaigns": queries.managed_campaigns(user)}
    if request.method == "POST" and form.is_valid():
        campaign, upload = form.cleaned_data["campaign"], form.cleaned_data["file"]
        try:
            report = imports.import_tasks(user, campaign, upload, upload.name)
        except imports.ImportRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except (RuleViolation, NotAllowed) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, report.summary())
            return redirect(f"/tasks/?campaign={campaign.pk}")
    return render(request, "tasks/import.html", context)


@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    """The import template (导入模板) of a campaign, as .xlsx."""
    user = actor(request)
    _require_importer(user)
    campaign = chosen_campaign(request, list(queries.managed_campaigns(user)))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    buffer = io.BytesIO()
    imports.build_template(campaign, buffer)
    return download(buffer.getvalue(), _("重点任务导入模板-{number}.xlsx").format(number=campaign.pk))
