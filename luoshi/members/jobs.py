"""Background jobs of the member register: importing a large register, exporting a long list."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.errors import NotAllowed
from luoshi.core.imports import ImportRejected
from luoshi.core.uploads import CheckedUpload
from luoshi.jobs.exports import run_export
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, JobFailed
from luoshi.jobs.tasks import queue_upload, stored_upload
from luoshi.members import exports
from luoshi.members.imports import import_members

IMPORT_KIND = "members.import"


def start_import(actor: Any, upload: UploadedFile, checked: CheckedUpload) -> Job:
    """Store a checked upload and queue its import as a job owned by ``actor``; progress shows on the job page."""
    title = f"导入党员干部名册：{checked.name}"
    return queue_upload(
        actor, upload, checked, kind=IMPORT_KIND, title=title, body="luoshi.members.jobs.import_members_job"
    )


def import_members_job(ctx: JobContext) -> dict[str, Any]:
    """The job body: import as the job's owner; row errors fail the job with them as its result."""
    params, actor = ctx.job.params, ctx.job.owner
    try:
        with stored_upload(ctx.job) as fileobj:
            if actor is None:
                raise JobFailed(_("发起导入的账号已不存在，未导入。"))
            result = import_members(actor, fileobj, params["name"], progress=ctx.progress, sha256=params["sha256"])
    except NotAllowed as exc:
        raise JobFailed(str(exc)) from exc
    except ImportRejected as exc:
        raise JobFailed(str(exc), exc.as_result()) from exc
    return result.as_result()


def export_members_job(ctx: JobContext) -> dict[str, Any]:
    """The body of a long export: the list page's filters, applied for the job's owner as of now."""
    return run_export(ctx, exports.export_for_user, exports.download_name())
