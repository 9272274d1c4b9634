"""Pages of the org tree (组织架构): tree, unit page, create/edit/move, unit kinds, Excel import and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm
from luoshi.access.scope import get_visible_or_404
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.jobs.models import Job
from luoshi.orgs import queries, services
from luoshi.orgs.exports import export_units
from luoshi.orgs.filters import UnitFilterSet
from luoshi.orgs.forms import ImportForm, MoveForm, UnitEditForm, UnitForm, UnitKindForm
from luoshi.orgs.imports import template_workbook
from luoshi.orgs.jobs import IMPORT_KIND, start_import
from luoshi.orgs.models import Unit, UnitKind

SEARCH_LIMIT = 50


def _visible_unit(request: HttpRequest, pk: int) -> Unit:
    return get_visible_or_404(Unit.objects.select_related("kind", "parent"), request.user, Perm.VIEW, pk=pk)


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit the user may see (else 404) and manage (else 403)."""
    unit = _visible_unit(request, pk)
    scope.require(request.user, Perm.MANAGE_ORGS, unit.path, _("您没有管理该单位的权限。"))
    return unit


def _require_manager(request: HttpRequest) -> None:
    if not scope.has_perm_anywhere(request.user, Perm.MANAGE_ORGS):
        raise NotAllowed(_("只有组织管理员可以使用此功能。"))


@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看组织架构的权限。"))
    search = UnitFilterSet(request.GET, queryset=Unit.objects.visible_to(user, Perm.VIEW), request=request)
    searching = bool(request.GET.get("q", "").strip())
    matches = list(search.qs.select_related("kind").order_by("path")[:SEARCH_LIMIT]) if searching else []
    context = {
        "nodes": queries.top_nodes(user),
        "q": request.GET.get("q", ""),
        "searching": searching,
        "matches": matches,
        "more_matches": len(matches) == SEARCH_LIMIT,
        "can_manage": scope.has_perm_anywhere(user, Perm.MANAGE_ORGS),
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
    }
    return render(request, "orgs/tree.html", context)


@require_GET
def children(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _visible_unit(request, pk)
    page = queries.child_page(unit, parse_id(request.GET.get("offset", "")) or 0)
    return render(request, "orgs/_nodes.html", {"nodes": page.nodes, "parent": unit, "next_offset": page.next_offset})


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _visible_unit(request, pk)
    user = request.user
    page = queries.child_page(unit)
    context = {
        "unit": unit,
        "node": queries.nodes_for([unit])[0],
        "ancestors": queries.visible_ancestors(user, unit),
        "nodes": page.nodes,
        "parent": unit,
        "next_offset": page.next_offset,
        "assignments": RoleAssignment.objects.filter(unit=unit).select_related("user").order_by("role", "user_id"),
        "can_manage": scope.can(user, Perm.MANAGE_ORGS, unit.path),
        "can_export": scope.can(user, Perm.EXPORT, unit.path),
    }
    return render(request, "orgs/unit_detail.html", context)


def _form_page(request: HttpRequest, form: Any, unit: Unit, title: str) -> HttpResponse:
    ancestors = [*queries.visible_ancestors(request.user, unit), unit]
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit, "title": title, "ancestors": ancestors})


@require_http_methods(["GET", "POST"])
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _managed_unit(request, pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(request.user, parent=parent, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已新建单位「%(name)s」。") % {"name": unit.name})
            return redirect("orgs:detail", pk=unit.pk)
    return _form_page(request, form, parent, _("新建下级单位"))


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    initial = {f: getattr(unit, f) for f in services.EDITABLE_FIELDS} | {"version": unit.version}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        try:
            services.update_unit(request.user, unit, version, **changes)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=unit.pk)
    return _form_page(request, form, unit, _("编辑单位"))


@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["parent_code"].strip()
        new_parent = Unit.objects.visible_to(request.user, Perm.MANAGE_ORGS).filter(code=code).first()
        if new_parent is None:
            form.add_error("parent_code", _("在您的组织管理范围内找不到代码为「%(code)s」的单位。") % {"code": code})
        else:
            try:
                services.move_unit(request.user, unit, new_parent)
            except RuleViolation as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("已将「%(unit)s」移到「%(parent)s」之下。") % {"unit": unit, "parent": new_parent}
                )
                return redirect("orgs:detail", pk=unit.pk)
    return _form_page(request, form, unit, _("移动单位"))


@require_http_methods(["GET", "POST"])
def kinds(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UnitKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.create_unit_kind(request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已添加单位类型「%(name)s」。") % {"name": kind.name})
            return redirect("orgs:kinds")
    return render(request, "orgs/kinds.html", {"form": form, "kinds": UnitKind.objects.order_by("order", "id")})


@require_http_methods(["GET", "POST"])
def import_units(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(request.user, form.cleaned_data["file"], form.checked)
        return redirect("jobs:detail", pk=job.pk)
    recent = Job.objects.filter(owner_id=request.user.pk, kind=IMPORT_KIND).order_by("-id")[:5]
    return render(request, "orgs/import.html", {"form": form, "recent": recent})


@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    _require_manager(request)
    return download(template_workbook(), _("组织架构导入模板.xlsx"))


@require_GET
def export(request: HttpRequest) -> FileResponse:
    """The viewer's exportable subtree of ``?unit=`` (or all of it) in the import template's columns."""
    unit = None
    if request.GET.get("unit"):
        unit = _visible_unit(request, parse_id(request.GET["unit"]) or 0)
        scope.require(request.user, Perm.EXPORT, unit.path, _("您没有导出该单位的权限。"))
    elif not scope.has_perm_anywhere(request.user, Perm.EXPORT):
        raise NotAllowed(_("您没有导出权限。"))
    data, _count = export_units(request.user, unit)
    stamp = timezone.localdate().strftime("%Y%m%d")
    scope_name = unit.code if unit else pgettext("file name part", "全部")
    return download(data, _("组织架构-{scope}-{stamp}.xlsx").format(scope=scope_name, stamp=stamp))
