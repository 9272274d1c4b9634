"""Pages of the ticket import (工单导入): upload form, template download; the import runs as a job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.core.downloads import download
from luoshi.core.errors import RuleViolation
from luoshi.core.uploads import CheckedUpload
from luoshi.demands import imports
from luoshi.demands.jobs import IMPORT_KIND, start_import
from luoshi.jobs.models import Job


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("热线工单文件（.csv 或 .xlsx）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx"})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.checked: CheckedUpload = imports.check_import_upload(upload)
        except RuleViolation as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """导入工单: upload a hotline export; the import runs in the background and its job page shows progress."""
    imports.require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(request.user, form.cleaned_data["file"], form.checked)
        return redirect("jobs:detail", pk=job.pk)
    recent = Job.objects.filter(owner_id=request.user.pk, kind=IMPORT_KIND).order_by("-id")[:5]
    context = {"form": form, "recent": recent, "columns": imports.COLUMNS}
    context["limit_mb"] = imports.max_upload_bytes() // 2**20
    return render(request, "demands/import.html", context)


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    imports.require_importer(request.user)
    return download(imports.template_workbook(), _("诉求工单导入模板.xlsx"))
