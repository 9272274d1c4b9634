"""Background jobs of citizen demands: importing a hotline export stored under MEDIA_ROOT/imports/."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from luoshi.core.errors import NotAllowed
from luoshi.core.uploads import CheckedUpload
from luoshi.demands.imports import import_demands
from luoshi.jobs.models import Job
from luoshi.jobs.runner import JobContext, JobFailed, create_job
from luoshi.jobs.tasks import start_job

IMPORT_KIND = "demands.import"
IMPORT_DIR = "imports/"


def start_import(actor: Any, upload: UploadedFile, checked: CheckedUpload) -> Job:
    """Store a checked upload and queue its import as a job owned by ``actor``; progress shows on the job page."""
    suffix = PurePath(checked.name).suffix.lower() or ".csv"
    stored = default_storage.save(f"{IMPORT_DIR}demands-{checked.sha256[:16]}{suffix}", upload)
    job = create_job(
        f"导入诉求工单：{checked.name}"[:100],
        IMPORT_KIND,
        owner=actor,
        params={"file": stored, "name": checked.name, "sha256": checked.sha256},
    )
    start_job(job, "luoshi.demands.jobs.import_demands_job", atomic=False)
    return job


def import_demands_job(ctx: JobContext) -> dict[str, Any]:
    """The job body: import as the job's owner; row errors fail the job with them as its result."""
    params, actor = ctx.job.params, ctx.job.owner
    if actor is None:
        raise JobFailed(_("发起导入的账号已不存在，未导入。"))
    try:
        with default_storage.open(params["file"], "rb") as fileobj:
            result = import_demands(actor, fileobj, params["name"], progress=ctx.progress, sha256=params["sha256"])
    except NotAllowed as exc:
        raise JobFailed(str(exc)) from exc
    finally:
        default_storage.delete(params["file"])
    if not result.ok:
        raise JobFailed(result.summary(), [error.as_dict() for error in result.errors])
    return {**result.as_result(), "message": result.summary()}
