"""Excel in and out of the project list: export with the list's filters, the import template, the import."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.livelihood import exports, imports, queries
from luoshi.livelihood.forms import ImportForm
from luoshi.livelihood.views import chosen_campaign


@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """导出 Excel: the projects the user may export, with the list page's filters."""
    try:
        content, _count = exports.export_projects(actor(request), request.GET)
    except RuleViolation as exc:
        return render(request, "livelihood/export_error.html", {"message": str(exc)}, status=400)
    return download(content, exports.download_name())


def _require_manager(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_PROJECTS):
        raise NotAllowed(_("您无权导入民生实事项目。"))


@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    user = actor(request)
    _require_manager(user)
    campaigns = list(queries.campaign_choices(user, Perm.MANAGE_PROJECTS))
    campaign = chosen_campaign(request, campaigns, _("您没有可以导入项目的活动。"))
    buffer = io.BytesIO()
    imports.build_template(user, campaign, buffer)
    return download(buffer.getvalue(), _("民生实事项目导入模板-{number}.xlsx").format(number=campaign.pk))


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """导入项目清单: every row checked first; any error and nothing is imported, with each error by row and column."""
    user = actor(request)
    _require_manager(user)
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    campaigns = queries.campaign_choices(user, Perm.MANAGE_PROJECTS)
    context: dict[str, Any] = {"form": form, "errors": [], "campaigns": campaigns}
    if request.method == "POST" and form.is_valid():
        campaign, upload = form.cleaned_data["campaign"], form.cleaned_data["file"]
        try:
            checked = imports.check_file(upload)
            ids = imports.import_projects(user, campaign, upload, checked.name, checked.sha256)
        except imports.ImportRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except RuleViolation as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("已导入 %(count)s 个民生实事项目。") % {"count": len(ids)})
            return redirect(reverse("livelihood:list") + f"?campaign={campaign.pk}")
    return render(request, "livelihood/import.html", context)
