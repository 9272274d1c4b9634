"""The auditor's pages (审计日志): list with filters, detail, integrity check and Excel export. Read-only."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit import labels
from luoshi.audit.exports import MAX_ROWS, audit_workbook
from luoshi.audit.filters import AuditEventFilterSet
from luoshi.audit.models import Action, AuditEvent, ChainHead
from luoshi.audit.services import chain_report, record
from luoshi.core import paths
from luoshi.core.downloads import content_disposition

View = Callable[..., HttpResponse]
PAGE_SIZE = 50
VERIFY_SECONDS = 20.0  # a page check stops here (about 300,000 records); ``luoshi verify_audit`` has no limit
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_read_audit(user: Any) -> bool:
    """The audit log covers the whole platform: it is read with READ_AUDIT held on a top-level unit."""
    return any(paths.depth(p) == 1 for p in scope.scope_paths(user, Perm.READ_AUDIT))


def auditor_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read_audit(request.user):
            raise PermissionDenied(_("只有审计员可以查阅审计日志。"))
        return view(request, *args, **kwargs)

    return wrapped


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _page(events: QuerySet[AuditEvent], before: int | None, after: int | None) -> tuple[list[AuditEvent], bool, bool]:
    """Keyset pagination on ``seq``, newest first: (rows, has newer, has older). No COUNT over the whole log."""
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return rows, has_newer, True
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events.order_by("-seq")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], before is not None, len(rows) > PAGE_SIZE


@require_GET
@auditor_required
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditEventFilterSet(request.GET or None, queryset=AuditEvent.objects.all())
    events = filterset.qs
    rows, has_newer, has_older = _page(events, _int(request.GET.get("before")), _int(request.GET.get("after")))
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    context = {
        "filter": filterset,
        "rows": rows,
        "newer": rows[0].seq if rows and has_newer else None,
        "older": rows[-1].seq if rows and has_older else None,
        "query": query.urlencode(),
    }
    return render(request, "audit/event_list.html", context)


def _json(value: Any, indent: int | None = None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=True)


def _diff_rows(event: AuditEvent) -> list[tuple[str, str, str, bool]]:
    """Field by field, before beside after, in the model's Chinese names and labels; a changed field is flagged."""
    return [(label, before, after, changed) for _name, label, before, after, changed in labels.diff(event)]


@require_GET
@auditor_required
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent.objects.select_related("actor"), seq=seq)
    context = {
        "event": event,
        "diff": _diff_rows(event),
        "before_json": _json(event.before, indent=2),
        "after_json": _json(event.after, indent=2),
        "previous": seq - 1 if seq > 1 else None,
        "next": seq + 1 if AuditEvent.objects.filter(seq=seq + 1).exists() else None,
    }
    return render(request, "audit/event_detail.html", context)


@require_POST
@auditor_required
def verify(request: HttpRequest) -> HttpResponse:
    """校验完整性: walk the whole hash chain now and show the outcome."""
    started = time.monotonic()
    report = chain_report(max_seconds=VERIFY_SECONDS)
    context = {
        "report": report,
        "elapsed": time.monotonic() - started,
        "at": timezone.now(),
        "total": ChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0,
    }
    return render(request, "audit/verify.html", context)


@require_GET
@auditor_required
def export(request: HttpRequest) -> HttpResponse:
    """The filtered log as Excel; the export itself is recorded in the log."""
    filterset = AuditEventFilterSet(request.GET or None, queryset=AuditEvent.objects.all())
    events = filterset.qs.order_by("-seq")
    if events[MAX_ROWS : MAX_ROWS + 1].exists():
        messages.error(
            request,
            _("符合条件的记录超过 {max_rows} 条，请缩小日期范围或增加筛选条件后再导出。").format(max_rows=MAX_ROWS),
        )
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    content, count = audit_workbook(events.iterator(chunk_size=2000))
    record(
        Action.EXPORT,
        actor=request.user,
        object_type=AuditEvent._meta.label_lower,
        object_repr="审计日志",
        detail=f"导出审计日志 {count} 条；筛选：{filterset.describe()}",
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = _("审计日志-{time}.xlsx").format(time=f"{timezone.localtime():%Y%m%d-%H%M}")
    response["Content-Disposition"] = content_disposition(filename)
    return response
