"""Pages where users follow their background jobs (后台任务): their own jobs only; anyone else's is 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from luoshi.core.downloads import download
from luoshi.core.pagination import Paginator
from luoshi.jobs.exports import export_file
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import live_progress
from luoshi.jobs.services import recover_job

ERRORS_SHOWN = 500


def _own_job(request: HttpRequest, pk: int) -> Job:
    """The viewer's job, ended or requeued first if its worker died (the sweep of ``recover_job``)."""
    return live_progress(recover_job(get_object_or_404(Job, pk=pk, owner_id=request.user.pk)))


def status_context(job: Job) -> dict[str, Any]:
    """What the status block shows: progress while running, then the message or the table of row errors."""
    running = job.status in (JobStatus.PENDING, JobStatus.RUNNING)
    result = job.result
    errors = result if job.status == JobStatus.FAILED and isinstance(result, list) else []
    message = result.get("message", "") if isinstance(result, dict) else ""
    return {
        "job": job,
        "download": export_file(job),
        "running": running,
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "errors_cut": len(errors) > ERRORS_SHOWN,
        "message": message,
    }


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(owner_id=request.user.pk)
    page = Paginator(jobs, ("-id",), 50).page(request.GET)
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/job_detail.html", status_context(_own_job(request, pk)))


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/_status.html", status_context(_own_job(request, pk)))


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The workbook an export job wrote, for the job's owner, while it is kept."""
    job = _own_job(request, pk)
    found = export_file(job)
    if found is None:
        raise Http404
    stored, name = found
    return download(default_storage.open(stored, "rb"), name)
