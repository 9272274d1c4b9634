"""Exports too long for one request (大批量导出): a job writes the workbook under MEDIA_ROOT/exports/,
its owner downloads it from the job page, and a daily task deletes it after ``KEEP_DAYS`` days.

A list page's export goes through ``export_or_queue``: a list of up to ``LUOSHI_EXPORT_INLINE_ROWS``
rows is written in the request; a longer one becomes a job that runs the same export, as the job's
owner and with the same filters, reporting progress; a list longer than a sheet can hold is refused
with its count, so nobody gets a workbook Excel cannot open.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from luoshi.core.errors import RuleViolation
from luoshi.core.i18n import record_text
from luoshi.jobs.models import Job, JobStatus
from luoshi.jobs.runner import JobContext, JobFailed, create_job
from luoshi.jobs.tasks import start_job

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ROWS = 1_048_575  # an Excel sheet's rows below its header row
KEEP_DAYS = 7
PROGRESS_EVERY = 5_000
FOLDER = "exports"

Progress = Callable[[int], None]
Writer = Callable[[Any, QueryDict, IO[bytes], Progress], int]
Row = TypeVar("Row")


def inline_rows() -> int:
    """Lists up to this many rows are exported in the request; longer ones as a job."""
    return int(settings.LUOSHI_EXPORT_INLINE_ROWS)


def too_many(count: int, noun: str | Promise) -> RuleViolation:
    message = _(
        "符合条件的{noun}有 {count} 条，超过 Excel 一个工作表 {limit} 行的上限，"
        "请缩小筛选范围（如按月份或单位）后分批导出。"
    )
    return RuleViolation(message.format(noun=noun, count=f"{count:,}", limit=f"{SHEET_ROWS:,}"))


def counted(rows: Iterable[Row], noun: str | Promise, progress: Progress | None = None) -> Iterator[Row]:
    """``rows`` passed on, with ``progress(rows so far)`` every ``PROGRESS_EVERY`` rows; more rows than a
    sheet holds raise ``RuleViolation``."""
    for count, row in enumerate(rows, start=1):
        if count > SHEET_ROWS:
            raise too_many(count, noun)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        yield row


def export_or_queue(
    request: HttpRequest,
    *,
    count: int,
    noun: str | Promise,
    kind: str,
    body: str,
    inline: Callable[[], HttpResponseBase],
) -> HttpResponseBase:
    """``inline()`` for a short list; for a long one a queued job and its page; ``RuleViolation`` for
    more rows than a sheet holds."""
    if count > SHEET_ROWS:
        raise too_many(count, noun)
    if count <= inline_rows():
        return inline()
    title = f"导出{record_text(noun)}（{count:,} 条）"
    job = create_job(title[:100], kind, owner=request.user, params={"query": _query_params(request.GET), "rows": count})
    start_job(job, body, atomic=False, retry_safe=True)
    return redirect("jobs:detail", pk=job.pk)


def _query_params(query: QueryDict) -> dict[str, list[str]]:
    return {key: query.getlist(key) for key in query}


def job_query(job: Job) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in job.params.get("query", {}).items():
        query.setlist(key, values)
    return query


def row_progress(ctx: JobContext) -> Progress:
    """Reports rows written as 5 % to 95 % of the rows the list had when the export was asked for."""
    total = max(int(ctx.job.params.get("rows") or 0), 1)

    def report(rows: int) -> None:
        ctx.progress(5 + int(90 * min(rows, total) / total))

    return report


def run_export(ctx: JobContext, write: Writer, download_name: str) -> dict[str, Any]:
    """The body of an export job: write the workbook as the job's owner (scope as of now), store it
    under a name nobody can guess, and name the download."""
    owner = ctx.job.owner
    if owner is None:
        raise JobFailed(_("发起导出的账号已不存在。"))
    ctx.progress(5, "开始导出")
    with tempfile.TemporaryFile() as target:
        try:
            rows = write(owner, job_query(ctx.job), target, row_progress(ctx))
        except RuleViolation as exc:
            raise JobFailed(str(exc)) from exc
        target.seek(0)
        name = f"{FOLDER}/{ctx.job.kind.replace('.', '-')}-{ctx.job.pk}-{secrets.token_hex(8)}.xlsx"
        stored = default_storage.save(name, File(target))
    message = _("已导出 {rows} 行，文件保存 {days} 天。").format(rows=f"{rows:,}", days=KEEP_DAYS)
    return {"file": stored, "name": download_name, "rows": rows, "message": message}


def _result(job: Job) -> dict[str, Any]:
    return job.result if isinstance(job.result, dict) else {}


def export_file(job: Job) -> tuple[str, str] | None:
    """The stored workbook of a finished export job and its download name, while it is kept."""
    result = _result(job)
    stored = result.get("file")
    if job.status != JobStatus.SUCCEEDED or not stored or not default_storage.exists(stored):
        return None
    return str(stored), str(result.get("name") or "export.xlsx")


def expire_exports(now: dt.datetime | None = None) -> int:
    """Delete the workbooks of export jobs that finished more than ``KEEP_DAYS`` days ago; how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    expired = 0
    for job in Job.objects.filter(status=JobStatus.SUCCEEDED, finished_at__lt=cutoff, result__has_key="file"):
        result = _result(job)
        if not result.get("file"):
            continue
        default_storage.delete(result["file"])
        gone = _("导出文件已保存 {days} 天，已删除；如需要请重新导出。").format(days=KEEP_DAYS)
        job.result = {**result, "file": None, "message": gone}
        job.save(update_fields=["result"])
        expired += 1
    return expired
