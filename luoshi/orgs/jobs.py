"""Background jobs of the org tree: importing a workbook stored under MEDIA_ROOT/imports/."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.uploads import CheckedUpload
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, JobFailed
from luoshi.jobs.tasks import queue_upload, stored_upload
from luoshi.orgs.imports import ImportFailed, import_units, summary_message

IMPORT_KIND = "orgs.import_units"


def start_import(actor: Any, upload: UploadedFile, checked: CheckedUpload) -> Job:
    """Store a checked upload and queue its import as a job owned by ``actor``."""
    title = f"导入组织架构：{checked.name}"
    return queue_upload(actor, upload, checked, kind=IMPORT_KIND, title=title, body="luoshi.orgs.jobs.import_units_job")


def import_units_job(ctx: JobContext) -> dict[str, Any]:
    """The job body: import as the job's owner; row errors become the job's result."""
    params, actor = ctx.job.params, ctx.job.owner
    try:
        with stored_upload(ctx.job) as fileobj:
            if actor is None:
                raise JobFailed(_("发起导入的账号已不存在，未导入。"))
            summary = import_units(
                actor, fileobj, file_name=params["name"], sha256=params["sha256"], progress=ctx.progress
            )
    except ImportFailed as exc:
        raise JobFailed(str(exc), [error.as_dict() for error in exc.errors]) from exc
    return {**summary, "message": summary_message(summary)}
