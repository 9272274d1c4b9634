"""Pages of supervision (督导): a campaign's groups, a group with its members, units, visits, findings and scores,
the forms of the office and of the group's members, a visit's record and files, findings, the checklist and the
ranking. Views validate and call services; every query goes through the scope layer (out of scope is a 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Aspect, Campaign, Channel
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed
from luoshi.core.filters import parse_id
from luoshi.core.forms import submitted
from luoshi.orgs.models import Unit
from luoshi.supervision import exports, queries, services
from luoshi.supervision import forms as sforms
from luoshi.supervision.models import (
    ChecklistItem,
    Finding,
    GroupAssignment,
    GroupMember,
    SupervisionGroup,
    VisitFile,
    VisitRecord,
)
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_response
from luoshi.visits.forms import filed
from luoshi.visits.models import Visit

NOT_FOUND = "未找到或无权查看。"


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看督导的权限。"))


def load_group(user: Any, pk: int) -> SupervisionGroup:
    require_view(user)
    found = queries.visible_groups(user).select_related("campaign__unit", "unit").filter(pk=pk).first()
    if found is None:
        raise Http404(_(NOT_FOUND))
    return found


def managed_group(user: Any, pk: int) -> SupervisionGroup:
    """The group when the user's office sends it; anyone else finds nothing (404)."""
    group = load_group(user, pk)
    if not queries.manages(user, group):
        raise Http404(_(NOT_FOUND))
    return group


def member_group(user: Any, pk: int) -> SupervisionGroup:
    """The group when the user is one of its members or its office; anyone else finds nothing (404)."""
    group = load_group(user, pk)
    if queries.membership(user, group) is None and not queries.manages(user, group):
        raise Http404(_(NOT_FOUND))
    return group


def load_finding(user: Any, pk: int) -> Finding:
    related = Finding.objects.select_related("group__campaign", "unit", "aspect", "problem", "record__visit")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "supervision/form.html", context, status=status)


def _campaign(request: HttpRequest, user: Any) -> tuple[list[Campaign], Campaign | None]:
    campaigns = list(queries.campaign_choices(user))
    return campaigns, chosen_campaign(request, campaigns)


# --- groups ---------------------------------------------------------------------------------------------------


def group_list(request: HttpRequest) -> HttpResponse:
    """督导组 of a campaign (``?campaign=``): those the user's offices send and those they are a member of."""
    user = actor(request)
    require_view(user)
    campaigns, campaign = _campaign(request, user)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "groups": []}
    if campaign is not None:
        context["groups"] = queries.groups_of(user, campaign)
        context["can_create"] = campaign.is_active and scope.has_perm_anywhere(user, Perm.MANAGE_SUPERVISION)
        context["can_checklist"] = scope.can(user, Perm.MANAGE_SUPERVISION, campaign.unit.path)
    return render(request, "supervision/group_list.html", context)


def _managed_units(user: Any) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user, Perm.MANAGE_SUPERVISION).order_by("path")


@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    """组建督导组."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.MANAGE_SUPERVISION):
        raise NotAllowed(_("您无权组建督导组。"))
    campaigns = Campaign.objects.visible_to(user, Perm.MANAGE_SUPERVISION).filter(is_active=True)
    chosen = chosen_campaign(request, list(campaigns)) if request.GET.get("campaign") else None
    form = sforms.GroupForm(
        request.POST or None,
        campaigns=campaigns,
        units=_managed_units(user),
        initial={"campaign": chosen.pk if chosen else None},
    )

    def create() -> SupervisionGroup:
        data = form.cleaned_data
        return services.create_group(
            user,
            campaign=data["campaign"],
            unit=data["unit"],
            name=data["name"],
            round=data["round"],
            note=data["note"],
        )

    group, status = submitted(request, form, create)
    if group is not None:
        messages.success(request, _("督导组「%(name)s」已组建。") % {"name": group.name})
        return redirect("supervision:group", pk=group.pk)
    return _form_page(request, form, _("组建督导组"), reverse("supervision:groups"), status)


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A group: members, assigned units with dates, visits, findings counted per unit / kind / aspect, scores."""
    user = actor(request)
    group = load_group(user, pk)
    today = timezone.localdate()
    assignments = queries.assignments_of(group)
    is_member = queries.membership(user, group) is not None
    manages = queries.manages(user, group)
    findings = list(queries.group_findings(user, group).order_by("-id")[:100])
    context = {
        "group": group,
        "members": queries.members_of(group),
        "assignments": [(a, a.starts_on <= today and (a.ends_on is None or a.ends_on >= today)) for a in assignments],
        "visits": list(queries.group_visits(user, group).select_related("record")[:100]),
        "findings": findings,
        "counts": queries.finding_counts(user, group),
        "scores": queries.group_scores(user, group),
        "manages": manages,
        "is_member": is_member,
        "today": today,
    }
    return render(request, "supervision/group_detail.html", context)


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    group = managed_group(user, pk)
    initial = {"name": group.name, "round": group.round, "note": group.note}
    form = sforms.GroupEditForm(request.POST or None, initial=initial)

    def save() -> SupervisionGroup:
        data = form.cleaned_data
        return services.update_group(user, group, name=data["name"], round=data["round"], note=data["note"])

    saved, status = submitted(request, form, save)
    if saved is not None:
        messages.success(request, _("督导组已修改。"))
        return redirect("supervision:group", pk=group.pk)
    return _form_page(request, form, _("修改督导组"), reverse("supervision:group", args=[group.pk]), status)


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """增加成员: picked by username or name among the users of the office's scope (``?q=`` narrows the list)."""
    user = actor(request)
    group = managed_group(user, pk)
    query = request.GET.get("q", "").replace("\x00", "")[:50]
    form = sforms.MemberForm(request.POST or None, users=services.member_candidates(user, query))

    def add() -> GroupMember:
        data = form.cleaned_data
        return services.add_member(user, group, data["user"], data["role"])

    member, status = submitted(request, form, add)
    if member is not None:
        messages.success(request, _("已增加成员 %(name)s。") % {"name": member.user})
        return redirect("supervision:group", pk=group.pk)
    back = reverse("supervision:group", args=[group.pk])
    return _form_page(request, form, _("增加督导组成员"), back, status, group=group, search=True, query=query)


@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    found = GroupMember.objects.select_related("group", "user").filter(pk=pk).first()
    if found is None:
        raise Http404(_(NOT_FOUND))
    managed_group(user, found.group_id)
    services.remove_member(user, found)
    messages.success(request, _("已移除成员 %(name)s。") % {"name": found.user})
    return redirect("supervision:group", pk=found.group_id)


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """分配督导对象: a unit below the group's unit, from a day to a day (inclusive) or open."""
    user = actor(request)
    group = managed_group(user, pk)
    units = _managed_units(user).filter(path__startswith=group.org_path).exclude(path=group.org_path)
    form = sforms.AssignForm(request.POST or None, units=units, initial={"starts_on": timezone.localdate()})

    def make() -> GroupAssignment:
        data = form.cleaned_data
        return services.assign_unit(user, group, data["unit"], data["starts_on"], data.get("ends_on"))

    made, status = submitted(request, form, make)
    if made is not None:
        messages.success(request, _("已分配督导对象 %(unit)s。") % {"unit": made.unit})
        return redirect("supervision:group", pk=group.pk)
    back = reverse("supervision:group", args=[group.pk])
    return _form_page(request, form, _("分配督导对象"), back, status, group=group)


@require_http_methods(["GET", "POST"])
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    found = GroupAssignment.objects.visible_to(user, Perm.VIEW).select_related("group", "unit").filter(pk=pk).first()
    if found is None or not queries.manages(user, found.group):
        raise Http404(_(NOT_FOUND))
    form = sforms.EndForm(request.POST or None, initial={"on": timezone.localdate()})

    def end() -> GroupAssignment:
        return services.end_assignment(user, found, form.cleaned_data["on"])

    ended, status = submitted(request, form, end)
    if ended is not None:
        messages.success(request, _("已结束对 %(unit)s 的督导。") % {"unit": found.unit})
        return redirect("supervision:group", pk=found.group_id)
    back = reverse("supervision:group", args=[found.group_id])
    title = _("结束督导：%(unit)s") % {"unit": found.unit}
    return _form_page(request, form, title, back, status, group=found.group)


# --- visits ---------------------------------------------------------------------------------------------------


def _running_units(group: SupervisionGroup) -> QuerySet[Unit]:
    running = group.assignments.filter(queries.running_q(timezone.localdate())).values("unit_id")
    return Unit.objects.filter(pk__in=running).order_by("path")


@require_http_methods(["GET", "POST"])
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """计划督导走访: filed on the shared calendar; its warnings are shown and a reason asked to go past them."""
    user = actor(request)
    group = member_group(user, pk)
    form = sforms.PlanVisitForm(request.POST or None, units=_running_units(group))

    def plan() -> Visit:
        return services.plan_visit(user, group, unit=form.cleaned_data["unit"], **form.visit_fields())

    visit, status = filed(request, form, plan)
    if visit is not None:
        messages.success(request, _("走访已报备。"))
        return redirect("supervision:group", pk=group.pk)
    back = reverse("supervision:group", args=[group.pk])
    return render(
        request,
        "supervision/visit_plan.html",
        {"form": form, "group": group, "back": back, "title": _("计划督导走访")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    """记录走访: notes, checklist scores, files and questionnaires, by a member of the group that filed it."""
    user = actor(request)
    visit = scope.get_visible_or_404(Visit.objects.select_related("unit", "campaign"), user, Perm.VIEW, pk=pk)
    group = queries.visit_group(visit)
    if group is None:
        raise Http404(_(NOT_FOUND))
    if queries.membership(user, group) is None:
        raise NotAllowed(_("只有督导组成员可以记录该走访。"))
    items = queries.checklist_of(group.campaign)
    form = sforms.RecordForm(request.POST or None, request.FILES or None, items=items, talks=visit.talks)

    def save() -> VisitRecord:
        data = form.cleaned_data
        return services.record_visit(
            user,
            visit,
            group,
            data["notes"],
            scores=form.scores(),
            files=data.get("attachments") or [],
            questionnaires=form.questionnaires(),
        )

    made, status = submitted(request, form, save)
    if made is not None:
        messages.success(request, _("走访已记录。"))
        return redirect("supervision:record", pk=made.pk)
    back = reverse("supervision:group", args=[group.pk])
    context = {"form": form, "group": group, "visit": visit, "back": back, "title": _("记录督导走访")}
    return render(request, "supervision/visit_record.html", context, status=status)


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    related = VisitRecord.objects.select_related("visit__unit", "group", "recorded_by")
    found = scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)
    context = {
        "record": found,
        "scores": list(found.scores.select_related("item").order_by("item__order", "item_id")),
        "questionnaires": list(found.questionnaires.all()),
        "files": list(found.files.all()),
        "findings": list(Finding.objects.visible_to(user, Perm.VIEW).filter(record=found)),
        "is_member": queries.membership(user, found.group) is not None,
    }
    return render(request, "supervision/record_detail.html", context)


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A photo or file of a visit: scope-checked, as an attachment, audited."""
    found = scope.get_visible_or_404(VisitFile.objects.all(), request.user, Perm.VIEW, pk=pk)
    return evidence_response(
        request.user,
        found,
        item_key="visit_record",
        item_id=found.record_id,
        item_noun="走访记录",
        file_noun="走访材料",
    )


# --- findings ---------------------------------------------------------------------------------------------------


def _aspects(campaign: Campaign) -> QuerySet[Aspect]:
    return Aspect.objects.filter(campaign=campaign).order_by("order", "id")


@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    """记录督导发现 (草稿), by a member, in a unit the group is assigned now."""
    user = actor(request)
    group = member_group(user, pk)
    if queries.membership(user, group) is None:
        raise NotAllowed(_("只有督导组成员可以记录督导发现。"))
    seen = _record_of(request, user, group)
    initial = {"unit": seen.visit.unit_id} if seen else {}
    form = sforms.FindingForm(
        request.POST or None, units=_running_units(group), aspects=_aspects(group.campaign), initial=initial
    )

    def make() -> Finding:
        data = form.cleaned_data
        return services.record_finding(
            user,
            group,
            unit=data["unit"],
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            aspect=data.get("aspect"),
            requirement=data.get("requirement") or "",
            due_date=data.get("due_date"),
            visit_record=seen,
        )

    found, status = submitted(request, form, make)
    if found is not None:
        messages.success(request, _("督导发现已记录。"))
        return redirect("supervision:finding", pk=found.pk)
    back = reverse("supervision:record", args=[seen.pk]) if seen else reverse("supervision:group", args=[group.pk])
    return _form_page(request, form, _("记录督导发现"), back, status, group=group, visit_record=seen)


def _record_of(request: HttpRequest, user: Any, group: SupervisionGroup) -> VisitRecord | None:
    """The visit record named by ``?record=`` (a finding made on it), in the user's scope and of this group."""
    raw = request.GET.get("record", "").strip()
    if not raw:
        return None
    wanted = parse_id(raw)
    if wanted is None:
        raise BadRequest(_("参数无效。"))
    related = VisitRecord.objects.visible_to(user, Perm.VIEW).select_related("visit")
    found = related.filter(pk=wanted, group=group).first()
    if found is None:
        raise Http404(_(NOT_FOUND))
    return found


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    finding = load_finding(user, pk)
    actions = engine.available_actions(services.TRACKER, user, finding)
    context = {
        "finding": finding,
        "actions": [(name, engine.label_of(services.TRACKER, name)) for name in actions],
        "refusals": engine.refusals(services.TRACKER, user, finding),
        "events": list(finding.events.select_related("actor").order_by("at", "id")),
        "problem_visible": finding.problem_id is not None
        and scope.can(user, Perm.VIEW, finding.problem.org_path if finding.problem else ""),
    }
    return render(request, "supervision/finding_detail.html", context)


# --- the checklist and the ranking ------------------------------------------------------------------------------


def checklist(request: HttpRequest) -> HttpResponse:
    """督导评分细则 of a campaign; its office adds, edits and orders the items."""
    user = actor(request)
    require_view(user)
    campaigns, campaign = _campaign(request, user)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "items": []}
    if campaign is None:
        return render(request, "supervision/checklist.html", context)
    may_edit = scope.can(user, Perm.MANAGE_SUPERVISION, campaign.unit.path)
    form = sforms.ChecklistItemForm(request.POST or None, aspects=_aspects(campaign))
    if request.method == "POST" and not may_edit:
        raise NotAllowed(_("只有活动牵头单位可以设置评分细则。"))

    def add() -> ChecklistItem:
        data = form.cleaned_data
        return services.add_checklist_item(
            user, campaign, text=data["text"], max_score=data["max_score"], aspect=data.get("aspect")
        )

    made, status = submitted(request, form, add)
    if made is not None:
        messages.success(request, _("评分项已添加。"))
        return redirect(f"{reverse('supervision:checklist')}?campaign={campaign.pk}")
    context |= {"items": queries.checklist_of(campaign), "form": form if may_edit else None, "may_edit": may_edit}
    return render(request, "supervision/checklist.html", context, status=status)


def _editable_item(user: Any, pk: int) -> ChecklistItem:
    found = ChecklistItem.objects.select_related("campaign__unit").filter(pk=pk).first()
    if found is None or not scope.can(user, Perm.MANAGE_SUPERVISION, found.campaign.unit.path):
        raise Http404(_(NOT_FOUND))
    return found


@require_http_methods(["GET", "POST"])
def checklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    item = _editable_item(user, pk)
    initial = {"text": item.text, "max_score": item.max_score, "aspect": item.aspect_id}
    form = sforms.ChecklistItemForm(request.POST or None, aspects=_aspects(item.campaign), initial=initial)

    def save() -> ChecklistItem:
        data = form.cleaned_data
        return services.edit_checklist_item(
            user, item, text=data["text"], max_score=data["max_score"], aspect=data.get("aspect")
        )

    back = f"{reverse('supervision:checklist')}?campaign={item.campaign_id}"
    saved, status = submitted(request, form, save)
    if saved is not None:
        messages.success(request, _("评分项已修改。"))
        return redirect(back)
    return _form_page(request, form, _("修改评分项"), back, status)


@require_POST
def checklist_move(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    item = _editable_item(user, pk)
    direction = request.POST.get("direction", "")
    services.move_checklist_item(user, item, direction if direction in ("up", "down") else "up")
    return redirect(f"{reverse('supervision:checklist')}?campaign={item.campaign_id}")


def ranking(request: HttpRequest) -> HttpResponse:
    """督导评分排名: the campaign's visited units in the user's scope by their checklist score; ties share a rank."""
    user = actor(request)
    require_view(user)
    campaigns, campaign = _campaign(request, user)
    rows = queries.ranking(user, campaign) if campaign is not None else []
    context = {"campaigns": campaigns, "campaign": campaign, "rows": rows}
    return render(request, "supervision/ranking.html", context)


@require_GET
def ranking_export(request: HttpRequest) -> HttpResponseBase:
    user = actor(request)
    require_view(user)
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    _campaigns, campaign = _campaign(request, user)
    if campaign is None:
        raise Http404(_(NOT_FOUND))
    day = f"{timezone.localdate():%Y%m%d}"
    name = _("督导评分排名-{campaign}-{date}.xlsx").format(campaign=campaign.name, date=day)
    return download(exports.ranking_workbook(user, campaign), name)


def channels_of(campaign: Campaign) -> QuerySet[Channel]:
    return Channel.objects.filter(campaign=campaign).order_by("order", "id")
