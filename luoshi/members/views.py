"""Pages of the member register (党员/干部名册): list with filters, detail, new/edit (moving to another unit),
离册, Excel import (as a job with progress) and export. Views validate and call services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import get_visible_or_404
from luoshi.accounts.acting import actor
from luoshi.accounts.models import User
from luoshi.core.downloads import download, written_download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import set_choices, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.jobs.exports import export_or_queue
from luoshi.jobs.models import Job
from luoshi.members import exports, imports, jobs, queries, services
from luoshi.members.filters import MemberFilterSet
from luoshi.members.forms import DeactivateForm, MemberForm, MemberImportForm
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

PAGE_SIZE = 50
SHOWN_UNITS = 300


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看党员干部名册的权限。"))


def _managed(user: Any, pk: int) -> Member:
    """A member the user manages, or 404."""
    related = Member.objects.select_related("unit", "home_unit", "current_unit")
    return get_visible_or_404(related, user, Perm.MANAGE_MEMBERS, pk=pk)


def _filter_units(user: Any) -> list[Unit]:
    """The units offered by the unit filter: the user's top units and the units just under them."""
    tops = scope.scope_paths(user, Perm.VIEW)
    found = Unit.objects.filter(Q(path__in=tops) | Q(parent__path__in=tops)).order_by("path")
    return list(found[:SHOWN_UNITS])


@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """党员干部名册: the members the user sees, by unit (with its subtree), kind, keyword and status."""
    user = actor(request)
    require_view(user)
    filterset = MemberFilterSet(request.GET, queryset=queries.visible(user), user=user, request=request)
    style_filters(filterset.form)
    page = Paginator(filterset.qs, ("org_path", "number", "id"), PAGE_SIZE).page(request.GET)
    context = {
        "filterset": filterset,
        "page": page,
        "units": _filter_units(user),
        "can_manage": queries.can_manage_any(user),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "query": request.GET.urlencode(),
    }
    return render(request, "members/list.html", context)


@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    member = queries.member_for(user, pk)
    return render(request, "members/detail.html", {"member": member, "manages": queries.manages(user, member)})


def _form(request: HttpRequest, user: User, initial: dict[str, Any] | None = None, editing: bool = False) -> MemberForm:
    form = MemberForm(request.POST or None, initial=initial, editing=editing)
    queryset = Unit.objects.visible_to(user, Perm.MANAGE_MEMBERS)
    shown = [("", _("请选择")), *((u.pk, str(u)) for u in queryset.order_by("path")[:SHOWN_UNITS])]
    set_choices(form, "unit", queryset, shown)
    return form


def _form_page(
    request: HttpRequest, form: MemberForm, title: str, status: int, member: Member | None = None
) -> HttpResponse:
    return render(request, "members/form.html", {"form": form, "title": title, "member": member}, status=status)


@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not queries.can_manage_any(user):
        raise NotAllowed(_("您无权管理党员干部名册。"))
    form = _form(request, user)
    made, status = submitted(request, form, lambda: services.create_member(user, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("已将%(name)s加入名册。") % {"name": made.name})
        return redirect("members:detail", pk=made.pk)
    return _form_page(request, form, _("新增党员干部"), status)


def _initial(member: Member) -> dict[str, Any]:
    return {
        "number": member.number,
        "name": member.name,
        "kind": member.kind,
        "unit": member.unit_id,
        "position": member.position,
        "home_unit": member.home_unit.code if member.home_unit else "",
        "current_unit": member.current_unit.code if member.current_unit else "",
        "current_place": member.current_place,
        "latitude": member.latitude,
        "longitude": member.longitude,
    }


def _save_edit(user: User, member: Member, data: dict[str, Any]) -> Member:
    """Edit, and move when the unit changed, in one transaction."""
    fields = dict(data)
    unit, phone = fields.pop("unit"), fields.pop("phone") or None
    with transaction.atomic():
        if unit.pk != member.unit_id:
            services.move_member(user, member, unit)
        return services.update_member(user, member, phone=phone, **fields)


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    member = _managed(user, pk)
    form = _form(request, user, _initial(member), editing=True)
    made, status = submitted(request, form, lambda: _save_edit(user, member, form.cleaned_data))
    if made is not None:
        messages.success(request, _("已保存。"))
        return redirect("members:detail", pk=made.pk)
    return _form_page(request, form, _("修改党员干部信息"), status, member)


@require_http_methods(["GET", "POST"])
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """离册: the member leaves the register; their attendance and orders stay."""
    user = actor(request)
    member = _managed(user, pk)
    form = DeactivateForm(request.POST or None)
    made, status = submitted(request, form, lambda: services.deactivate(user, member, form.cleaned_data["reason"]))
    if made is not None:
        messages.success(request, _("%(name)s已离册。") % {"name": made.name})
        return redirect("members:detail", pk=made.pk)
    context = {"form": form, "member": member}
    return render(request, "members/deactivate.html", context, status=status)


@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    """导入名册: the file is checked and imported in the background (progress and errors on the job page)."""
    user = actor(request)
    imports.require_importer(user)
    form = MemberImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = imports.check_file(upload)
        except RuleViolation as exc:
            form.add_error("file", str(exc))
            status = 400
        else:
            job = jobs.start_import(user, upload, checked)
            return redirect("jobs:detail", pk=job.pk)
    recent = Job.objects.filter(owner_id=user.pk, kind=jobs.IMPORT_KIND).order_by("-id")[:5]
    context = {
        "form": form,
        "recent": recent,
        "columns": imports.COLUMNS,
        "limit_mb": imports.max_upload_bytes() // 2**20,
    }
    return render(request, "members/import.html", context, status=status)


@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    imports.require_importer(actor(request))
    return download(imports.template_bytes(), _("党员干部名册导入模板.xlsx"))


@require_GET
def member_export(request: HttpRequest) -> HttpResponseBase:
    """Excel of the filtered list (same filters as the page), phones masked; a long list as a job."""
    user = actor(request)
    exports.require_exporter(user)
    try:
        count = queries.filtered(user, request.GET).count()
        return export_or_queue(
            request,
            count=count,
            noun=exports.NOUN,
            kind=exports.EXPORT_KIND,
            body="luoshi.members.jobs.export_members_job",
            inline=lambda: written_download(
                lambda target: exports.export_for_user(user, request.GET, target), exports.download_name
            ),
        )
    except RuleViolation as exc:
        return render(request, "members/message.html", {"message": str(exc)}, status=400)
