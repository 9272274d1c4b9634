"""Background jobs of citizen demands: importing a hotline export stored under MEDIA_ROOT/imports/, and
exporting a long filtered list."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.errors import NotAllowed
from luoshi.core.uploads import CheckedUpload
from luoshi.demands import exports
from luoshi.demands.imports import import_demands
from luoshi.jobs.exports import run_export
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, JobFailed
from luoshi.jobs.tasks import queue_upload, stored_upload

IMPORT_KIND = "demands.import"


def start_import(actor: Any, upload: UploadedFile, checked: CheckedUpload) -> Job:
    """Store a checked upload and queue its import as a job owned by ``actor``; progress shows on the job page."""
    title = f"导入诉求工单：{checked.name}"
    return queue_upload(
        actor, upload, checked, kind=IMPORT_KIND, title=title, body="luoshi.demands.jobs.import_demands_job"
    )


def import_demands_job(ctx: JobContext) -> dict[str, Any]:
    """The job body: import as the job's owner; row errors fail the job with them as its result."""
    params, actor = ctx.job.params, ctx.job.owner
    try:
        with stored_upload(ctx.job) as fileobj:
            if actor is None:
                raise JobFailed(_("发起导入的账号已不存在，未导入。"))
            result = import_demands(actor, fileobj, params["name"], progress=ctx.progress, sha256=params["sha256"])
    except NotAllowed as exc:
        raise JobFailed(str(exc)) from exc
    if not result.ok:
        raise JobFailed(result.summary(), [error.as_dict() for error in result.errors])
    return {**result.as_result(), "message": result.summary()}


def export_demands_job(ctx: JobContext) -> dict[str, Any]:
    """The job body of a long export: the list page's filters, applied for the job's owner as of now."""
    return run_export(ctx, exports.export_for_user, exports.download_name())
