"""Pages of classes of study (学习班次): classes and their half-days, sessions with roster attendance, rosters,
leave requests, the 10-half-day rule, coverage per unit and training rotations. Views validate and call services;
objects outside the user's scope are 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import set_choices, submitted
from luoshi.core.imports import capped
from luoshi.core.pagination import Paginator
from luoshi.core.paths import subtree_q
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study import coverage, exports, queries, rotations, services
from luoshi.study import forms as sforms
from luoshi.study.choices import AttendanceStatus, ClassKind
from luoshi.study.models import ClassMember, LeaveRequest, StudyClass, StudySession, TrainingRotation

PAGE_SIZE = 50
SHOWN_UNITS = 300
SHOWN_ROSTER = 500
NOT_FOUND = "未找到或无权查看。"


def _not_found() -> Http404:
    return Http404(_(NOT_FOUND))


def require_view(user: Any) -> None:
    """Campaign data is for roles that view it somewhere (三权分立: not the security admin or the auditor)."""
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看学习的权限。"))


def _campaigns(request: HttpRequest) -> tuple[list[Campaign], Campaign | None]:
    require_view(actor(request))
    campaigns = list(queries.campaign_choices(actor(request)))
    return campaigns, chosen_campaign(request, campaigns)


def _organising_campaign(request: HttpRequest) -> Campaign:
    """The ``?campaign=`` the user may organise study in (anywhere in it); otherwise 404."""
    user = actor(request)
    campaigns = [c for c in queries.campaign_choices(user) if c.is_active and _organises_in(user, c)]
    campaign = chosen_campaign(request, campaigns)
    if campaign is None:
        raise _not_found()
    return campaign


def _organises_in(user: Any, campaign: Campaign) -> bool:
    return scope.can(user, Perm.MANAGE_STUDY, campaign.unit.path) or any(
        p.startswith(campaign.unit.path) or campaign.unit.path.startswith(p)
        for p in scope.scope_paths(user, Perm.ORGANISE_STUDY)
    )


def _organiser_units(user: Any, campaign: Campaign) -> tuple[QuerySet[Unit], list[tuple[Any, str]]]:
    """Units the user may organise for within the campaign; the first few hundred are listed."""
    within = Q(subtree_q(campaign.unit.path, "path"))
    units: QuerySet[Unit]
    if scope.can(user, Perm.MANAGE_STUDY, campaign.unit.path):
        units = Unit.objects.filter(within)
    else:
        units = Unit.objects.visible_to(user, Perm.ORGANISE_STUDY).filter(within)
    shown = [("", _("请选择")), *((u.pk, str(u)) for u in units.order_by("path")[:SHOWN_UNITS])]
    return units, shown


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "study/form.html", {"form": form, "title": title, "back": back, **extra}, status=status)


def load_class(user: Any, pk: int, perm: str = Perm.VIEW) -> StudyClass:
    related = StudyClass.objects.select_related("campaign__unit", "unit", "rotation")
    return scope.get_visible_or_404(related, user, perm, pk=pk)


def _load_organised_class(user: Any, pk: int) -> StudyClass:
    """A class the user organises; one they only see or do not see is 404."""
    found = load_class(user, pk)
    if not services.may_organise(user, found.campaign, found.org_path):
        raise _not_found()
    return found


def _load_organised_session(user: Any, pk: int) -> StudySession:
    related = StudySession.objects.filter(study_class__isnull=False).select_related(
        "study_class__campaign__unit", "study_class__unit"
    )
    found = scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)
    assert found.study_class is not None
    if not services.may_organise(user, found.study_class.campaign, found.org_path):
        raise _not_found()
    return found


def _class_url(study_class: StudyClass) -> str:
    return reverse("study:class", args=[study_class.pk])


# --- classes ----------------------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """学习班次: the campaign's classes the user sees, with half-days held and planned."""
    user = actor(request)
    campaigns, campaign = _campaigns(request)
    kind = request.GET.get("kind", "")
    if kind and kind not in ClassKind.values:
        raise BadRequest(_("参数无效。"))
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "kind": kind, "kinds": ClassKind.choices}
    if campaign is not None:
        classes = queries.classes_for(user).filter(campaign=campaign)
        if kind:
            classes = classes.filter(kind=kind)
        rows = queries.with_half_days(StudyClass.objects.select_related("unit", "rotation"))
        context["page"] = Paginator(classes, ["org_path", "id"], PAGE_SIZE, rows=rows).page(request.GET)
        context["below"] = queries.below_minimum(user, campaign).count()
        context["can_organise"] = campaign.is_active and _organises_in(user, campaign)
    context["leaves"] = queries.pending_leaves(user).count()
    return render(request, "study/index.html", context)


def below(request: HttpRequest) -> HttpResponse:
    """未达最少半天数: the campaign's classes whose planned half-days fall short of their minimum."""
    user = actor(request)
    campaigns, campaign = _campaigns(request)
    rows = list(queries.below_minimum(user, campaign)[:1000]) if campaign else []
    return render(request, "study/below.html", {"campaigns": campaigns, "campaign": campaign, "rows": rows})


@require_http_methods(["GET", "POST"])
def class_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    campaign = _organising_campaign(request)
    form = sforms.ClassForm(request.POST or None)
    set_choices(form, "unit", *_organiser_units(user, campaign))
    made, status = submitted(request, form, lambda: services.create_class(user, campaign=campaign, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习班次「%(topic)s」已新建。") % {"topic": made.topic})
        return redirect(_class_url(made))
    back = reverse("study:index") + f"?campaign={campaign.pk}"
    return _form_page(request, form, _("新建学习班次"), back, status, campaign=campaign)


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A class: its half-days held and planned (red below the minimum), sessions and roster."""
    user = actor(request)
    study_class = load_class(user, pk)
    today = timezone.localdate()
    sessions = list(StudySession.objects.filter(study_class=study_class).order_by("date", "half", "id"))
    held = sum(1 for s in sessions if s.date <= today)
    roster = ClassMember.objects.filter(study_class=study_class).select_related("member__unit")
    context = {
        "c": study_class,
        "sessions": sessions,
        "held": held,
        "planned": len(sessions),
        "short": study_class.min_half_days and len(sessions) < study_class.min_half_days,
        "roster": roster.order_by("member__org_path", "member__number")[:SHOWN_ROSTER],
        "roster_count": roster.count(),
        "organises": services.may_organise(user, study_class.campaign, study_class.org_path),
        "session_form": sforms.SessionForm(),
    }
    return render(request, "study/class_detail.html", context)


@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    study_class = _load_organised_class(user, pk)
    initial: dict[str, Any] = {"topic": study_class.topic, "description": study_class.description}
    initial["min_half_days"] = study_class.min_half_days
    form = sforms.ClassEditForm(request.POST or None, initial=initial)
    made, status = submitted(request, form, lambda: services.update_class(user, study_class, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习班次已保存。"))
        return redirect(_class_url(made))
    return _form_page(request, form, _("修改学习班次"), _class_url(study_class), status, campaign=study_class.campaign)


@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    study_class = _load_organised_class(user, pk)
    form = sforms.SessionForm(request.POST or None)
    made, status = submitted(request, form, lambda: services.add_session(user, study_class, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习场次已新增。"))
        return redirect(_class_url(study_class))
    return _form_page(request, form, _("新增学习场次"), _class_url(study_class), status, campaign=study_class.campaign)


@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """应参学人员: add from the register (unit subtree, kind, position) or by member numbers; remove one."""
    user = actor(request)
    study_class = _load_organised_class(user, pk)
    how = request.POST.get("how", "")
    register = sforms.RosterRegisterForm(request.POST if how == "register" else None)
    set_choices(register, "unit", *_organiser_units(user, study_class.campaign))
    numbers = sforms.RosterNumbersForm(request.POST if how == "numbers" else None)
    workbook = sforms.RosterFileForm(*((request.POST, request.FILES) if how == "excel" else ()))
    if how == "remove":
        return _remove(request, user, study_class)
    done, status = None, 200
    if how == "register":
        done, status = submitted(
            request, register, lambda: services.roster_from_register(user, study_class, **register.cleaned_data)
        )
    elif how == "numbers":
        done, status = submitted(
            request, numbers, lambda: services.roster_from_numbers(user, study_class, numbers.cleaned_data["numbers"])
        )
    elif how == "excel":
        done, status = submitted(request, workbook, lambda: _import_roster(user, study_class, workbook))
    if done is not None:
        messages.success(request, _("已加入 %(n)s 人。") % {"n": done})
        return redirect(reverse("study:roster", args=[study_class.pk]))
    entries = ClassMember.objects.filter(study_class=study_class).select_related("member__unit")
    context = {
        "c": study_class,
        "register": register,
        "numbers": numbers,
        "workbook": workbook,
        "entries": entries.order_by("member__org_path", "member__number")[:SHOWN_ROSTER],
        "count": entries.count(),
    }
    return render(request, "study/roster.html", context, status=status)


def _import_roster(user: Any, study_class: StudyClass, form: sforms.RosterFileForm) -> int:
    """The workbook's members onto the roster; a refused file lists its errors by row on the form."""
    try:
        return services.roster_from_workbook(user, study_class, form.cleaned_data["file"])
    except services.RosterRejected as exc:
        for error in capped(exc.errors):
            form.add_error(None, str(error))
        raise RuleViolation(str(exc)) from exc


def _remove(request: HttpRequest, user: Any, study_class: StudyClass) -> HttpResponse:
    member_pk = parse_id(request.POST.get("member", "")) or 0
    entry = ClassMember.objects.filter(study_class=study_class, member_id=member_pk).select_related("member").first()
    if entry is None:
        raise BadRequest(_("参数无效。"))
    services.remove_from_roster(user, study_class, entry.member)
    messages.success(request, _("已移出 %(name)s。") % {"name": entry.member.name})
    return redirect(reverse("study:roster", args=[study_class.pk]))


# --- attendance and leave ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """考勤: each expected member 出席/迟到/缺席/请假 in one POST, or 全部出席."""
    user = actor(request)
    session = _load_organised_session(user, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("all_present"):
                changed = services.mark_all_present(user, session)
            else:
                changed = services.mark_attendance(user, session, _marks(request))
        except RuleViolation as exc:
            error, status = str(exc), 400
        else:
            messages.success(request, _("考勤已保存，变更 %(n)s 人。") % {"n": changed})
            return redirect(reverse("study:session", args=[session.pk]))
    counts = queries.attendance_counts(session)
    context = {
        "s": session,
        "c": session.study_class,
        "rows": queries.roster_rows(session),
        "statuses": AttendanceStatus.choices,
        "counts": [(label, counts.get(value, 0)) for value, label in AttendanceStatus.choices],
        "leaves": LeaveRequest.objects.filter(session=session).select_related("member", "requested_by")[:200],
        "error": error,
    }
    return render(request, "study/session.html", context, status=status)


def _marks(request: HttpRequest) -> dict[int, str]:
    """``m<member id>`` = status fields of the attendance form; a bad id or status is a bad request."""
    marks: dict[int, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("m") or not value:
            continue
        pk = parse_id(key[1:])
        if pk is None or value not in AttendanceStatus.values:
            raise BadRequest(_("参数无效。"))
        marks[pk] = value
    return marks


@require_GET
def session_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    session = _load_organised_session(user, pk)
    try:
        content = exports.attendance_workbook(user, session)
    except NotAllowed as exc:
        raise _not_found() from exc
    return download(content, _("考勤-{date}.xlsx").format(date=session.date.isoformat()))


def _leave_session(user: Any, pk: int) -> tuple[StudySession, Member | None]:
    """The session a leave request is filed for: one the user organises, or one the user's own member is
    expected at (then that member); otherwise 404."""
    session = (
        StudySession.objects.filter(pk=pk, study_class__isnull=False)
        .select_related("study_class__campaign__unit")
        .first()
    )
    if session is None or session.study_class is None:
        raise _not_found()
    if services.may_organise(user, session.study_class.campaign, session.org_path) and scope.can(
        user, Perm.VIEW, session.org_path
    ):
        return session, None
    own = queries.own_member(user)
    if own is not None and ClassMember.objects.filter(study_class=session.study_class, member=own).exists():
        return session, own
    raise _not_found()


@require_http_methods(["GET", "POST"])
def leave_new(request: HttpRequest, pk: int) -> HttpResponse:
    """请假: for a member of the roster by the organiser, or for oneself by the member's own login."""
    user = actor(request)
    session, own = _leave_session(user, pk)
    members = (
        Member.objects.filter(pk=own.pk)
        if own
        else Member.objects.filter(
            pk__in=ClassMember.objects.filter(study_class_id=session.study_class_id).values("member_id")
        )
    )
    form = sforms.LeaveForm(request.POST or None, members=members, initial={"member": own.pk if own else None})

    def save() -> LeaveRequest:
        return services.request_leave(user, session, form.cleaned_data["member"], reason=form.cleaned_data["reason"])

    made, status = submitted(request, form, save)
    back = reverse("study:mine") if own else reverse("study:session", args=[session.pk])
    if made is not None:
        messages.success(request, _("请假申请已提交，等待审批。"))
        return redirect(back)
    return _form_page(request, form, _("请假"), back, status, session=session)


def leaves(request: HttpRequest) -> HttpResponse:
    """待审批请假: pending leave requests the user may decide (never their own)."""
    user = actor(request)
    require_view(user)
    rows = list(queries.pending_leaves(user).order_by("-id")[:500])
    return render(request, "study/leaves.html", {"rows": rows, "form": sforms.DecideForm()})


@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    leave = scope.get_visible_or_404(
        LeaveRequest.objects.select_related("session", "member"), user, Perm.ORGANISE_STUDY, pk=pk
    )
    form = sforms.DecideForm(request.POST)
    if not form.is_valid():
        raise BadRequest(_("参数无效。"))
    try:
        services.decide_leave(
            user, leave, approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"]
        )
    except RuleViolation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("请假申请已审批。"))
    return redirect(reverse("study:leaves"))


def mine(request: HttpRequest) -> HttpResponse:
    """我的学习: the upcoming sessions of the classes the user's own member is expected at, with 请假."""
    own = queries.own_member(actor(request))
    if own is None:
        require_view(actor(request))
    sessions = list(queries.my_sessions(own)[:200]) if own else []
    asked = LeaveRequest.objects.filter(member=own).order_by("-id")[:50] if own else []
    return render(request, "study/mine.html", {"member": own, "sessions": sessions, "asked": asked})


# --- coverage ---------------------------------------------------------------------------------------------------


def _coverage_unit(request: HttpRequest, user: Any, campaign: Campaign) -> Unit:
    """``?unit=`` within the user's view and the campaign; default the user's top unit in the campaign."""
    raw = request.GET.get("unit", "").strip()
    units = Unit.objects.visible_to(user, Perm.VIEW).filter(subtree_q(campaign.unit.path, "path"))
    if raw:
        wanted = parse_id(raw)
        if wanted is None:
            raise BadRequest(_("参数无效。"))
        found = units.filter(pk=wanted).first()
    else:
        found = units.order_by("level", "path").first()
    if found is None:
        raise _not_found()
    return found


def coverage_page(request: HttpRequest) -> HttpResponse:
    """学习覆盖: distinct people covered vs attendances vs half-days for a unit's subtree, children drill-down."""
    user = actor(request)
    campaigns, campaign = _campaigns(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign}
    if campaign is not None:
        unit = _coverage_unit(request, user, campaign)
        context.update(
            unit=unit,
            total=coverage.unit_coverage(campaign, unit),
            rows=coverage.coverage_by_unit(campaign, unit),
            parent=unit.parent if unit.parent and scope.can(user, Perm.VIEW, unit.parent.path) else None,
        )
    return render(request, "study/coverage.html", context)


@require_GET
def coverage_export(request: HttpRequest) -> HttpResponseBase:
    user = actor(request)
    _listed, campaign = _campaigns(request)
    if campaign is None:
        raise _not_found()
    unit = _coverage_unit(request, user, campaign)
    try:
        content = exports.coverage_workbook(user, campaign, unit)
    except NotAllowed as exc:
        raise _not_found() from exc
    return download(content, _("学习覆盖-{unit}.xlsx").format(unit=unit.name))


# --- rotations --------------------------------------------------------------------------------------------------


def load_rotation(user: Any, pk: int) -> TrainingRotation:
    related = TrainingRotation.objects.select_related("campaign__unit", "unit")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _load_organised_rotation(user: Any, pk: int) -> TrainingRotation:
    found = load_rotation(user, pk)
    if not services.may_organise(user, found.campaign, found.org_path):
        raise _not_found()
    return found


def _rotation_url(rotation: TrainingRotation) -> str:
    return reverse("study:rotation", args=[rotation.pk])


def rotation_list(request: HttpRequest) -> HttpResponse:
    """轮训: the campaign's rotations the user sees, each with trained / target."""
    user = actor(request)
    campaigns, campaign = _campaigns(request)
    rows = []
    if campaign is not None:
        for rotation in queries.rotations_for(user).filter(campaign=campaign).order_by("org_path", "id")[:200]:
            rows.append((rotation, rotations.rotation_coverage(rotation)))
    context = {
        "campaigns": campaigns,
        "campaign": campaign,
        "rows": rows,
        "can_organise": bool(campaign and campaign.is_active and _organises_in(user, campaign)),
    }
    return render(request, "study/rotations.html", context)


@require_http_methods(["GET", "POST"])
def rotation_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    campaign = _organising_campaign(request)
    form = sforms.RotationForm(request.POST or None)
    set_choices(form, "unit", *_organiser_units(user, campaign))
    made, status = submitted(
        request, form, lambda: rotations.create_rotation(user, campaign=campaign, **form.cleaned_data)
    )
    if made is not None:
        messages.success(request, _("轮训「%(title)s」已新建。") % {"title": made.title})
        return redirect(_rotation_url(made))
    back = reverse("study:rotations") + f"?campaign={campaign.pk}"
    return _form_page(request, form, _("新建轮训"), back, status, campaign=campaign)


def rotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A rotation: target group, batches with half-days, trained / target and who is not yet trained."""
    user = actor(request)
    rotation = load_rotation(user, pk)
    batches = queries.with_half_days(StudyClass.objects.filter(rotation=rotation).select_related("unit"))
    done = {row["member_id"]: row["n"] for row in rotations.half_days_by_member(rotation)}
    pending = list(rotations.not_trained(rotation).order_by("org_path", "number")[:200])
    cov = rotations.rotation_coverage(rotation)
    context = {
        "r": rotation,
        "cov": cov,
        "pending_count": cov.target - cov.trained,
        "batches": batches.order_by("id"),
        "pending": [(m, done.get(m.pk, 0)) for m in pending],
        "organises": services.may_organise(user, rotation.campaign, rotation.org_path),
    }
    return render(request, "study/rotation_detail.html", context)


@require_http_methods(["GET", "POST"])
def rotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    rotation = _load_organised_rotation(user, pk)
    fields = ("title", "target_kind", "target_position", "required_half_days")
    form = sforms.RotationForm(request.POST or None, initial={f: getattr(rotation, f) for f in fields})
    del form.fields["unit"]
    made, status = submitted(request, form, lambda: rotations.update_rotation(user, rotation, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("轮训已保存。"))
        return redirect(_rotation_url(made))
    return _form_page(request, form, _("修改轮训"), _rotation_url(rotation), status, campaign=rotation.campaign)


@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest, pk: int) -> HttpResponse:
    """新增轮训班次: a batch of the rotation, organised by a unit the user organises for."""
    user = actor(request)
    rotation = _load_organised_rotation(user, pk)
    form = sforms.BatchForm(request.POST or None)
    set_choices(form, "unit", *_organiser_units(user, rotation.campaign))
    made, status = submitted(request, form, lambda: rotations.add_batch(user, rotation, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("轮训班次「%(topic)s」已新建。") % {"topic": made.topic})
        return redirect(_class_url(made))
    return _form_page(request, form, _("新增轮训班次"), _rotation_url(rotation), status, campaign=rotation.campaign)


@require_GET
def rotation_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    rotation = load_rotation(user, pk)
    try:
        content = exports.not_trained_workbook(user, rotation)
    except NotAllowed as exc:
        raise _not_found() from exc
    return download(content, _("未完成轮训人员-{title}.xlsx").format(title=rotation.title))
