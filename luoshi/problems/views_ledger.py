"""Pages of the rectification ledger (整改台账): template download, import, and Excel export of a filtered list."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import get_visible_campaign_or_404, visible_campaigns
from luoshi.core.downloads import download, written_download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.jobs.exports import export_or_queue
from luoshi.problems import exports, imports


class LedgerUploadForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("活动"), queryset=Campaign.objects.none(), empty_label=None)
    file = forms.FileField(label=_("整改台账文件（.xlsx）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = visible_campaigns(user)  # type: ignore[attr-defined]
        self.fields["campaign"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            imports.check_ledger_upload(upload)
        except RuleViolation as exc:
            raise ValidationError(str(exc)) from exc
        return upload


def _require_importer(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.IMPORT):
        raise NotAllowed(gettext("您无权导入整改台账。"))


@require_http_methods(["GET", "POST"])
def ledger_index(request: HttpRequest) -> HttpResponse:
    """导入整改台账: choose the campaign, download its template, upload the filled-in ledger."""
    _require_importer(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict[str, Any] = {"form": form, "campaigns": visible_campaigns(request.user), "errors": []}
    if request.method == "POST" and form.is_valid():
        campaign = form.cleaned_data["campaign"]
        try:
            started = imports.start_import(request.user, campaign, form.cleaned_data["file"])
        except imports.LedgerRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except RuleViolation as exc:
            form.add_error("file", str(exc))
        else:
            if started.job is not None:
                return redirect("jobs:detail", pk=started.job.pk)
            assert started.report is not None
            messages.success(request, started.report.summary())
            return redirect(reverse("problems:list") + f"?campaign={campaign.pk}")
    return render(request, "problems/ledger/index.html", context)


@require_GET
def ledger_template(request: HttpRequest) -> HttpResponseBase:
    """The campaign's ledger template (导入模板) as .xlsx."""
    _require_importer(request.user)
    campaign = get_visible_campaign_or_404(request.user, request.GET.get("campaign", ""))
    buffer = io.BytesIO()
    imports.build_template(request.user, campaign, buffer)
    buffer.seek(0)
    filename = gettext("整改台账导入模板-{number}.xlsx").format(number=campaign.pk)
    return download(buffer, filename)


@require_GET
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    """导出 Excel: the problems the user may export, with the list page's filters; a long list is written
    by a job whose page offers the file."""
    user, query = request.user, request.GET
    try:
        queryset, _applied = exports.filtered_problems(user, query)
        return export_or_queue(
            request,
            count=queryset.count(),
            noun=exports.NOUN,
            kind=exports.EXPORT_KIND,
            body="luoshi.problems.exports.export_problems_job",
            inline=lambda: _export_now(user, query),
        )
    except RuleViolation as exc:
        return render(request, "problems/ledger/export_error.html", {"message": str(exc)}, status=400)


def _export_now(user: Any, query: QueryDict) -> FileResponse:
    """The export written in the request (short lists), streamed from a temp file."""
    return written_download(lambda target: exports.export_for_user(user, query, target), exports.download_name)
