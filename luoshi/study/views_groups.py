"""Pages of open study groups (开放式学习小组): list with filters, detail (members, meetings, attendance), the
organiser's forms, a member's "near me" page with join and leave, and the public .ics feed of a group.
Views validate and call ``luoshi.study.groups``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.filters import parse_id, search_text
from luoshi.core.forms import DateInput, submitted
from luoshi.core.pagination import Paginator
from luoshi.core.paths import subtree_q
from luoshi.members.models import Member
from luoshi.members.services import member_of
from luoshi.orgs.models import Unit
from luoshi.study import feeds, groups
from luoshi.study.choices import AttendanceStatus, HalfDay
from luoshi.study.models import Attendance, GroupMembership, StudyGroup, StudySession

PAGE_SIZE = 50
TEXT = {"class": "form-control"}
SHOWN_UNITS = 300


def _organiser_units(user: Any) -> Any:
    return Unit.objects.filter(scope.visible_q(user, Perm.ORGANISE_STUDY, "path")).order_by("path")


class GroupForm(forms.Form):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        label=gettext_lazy("活动"), queryset=Campaign.objects.none()
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=gettext_lazy("依托单位"), queryset=Unit.objects.none()
    )
    name = forms.CharField(label=gettext_lazy("小组名称"), max_length=100)
    topic = forms.CharField(label=gettext_lazy("学习主题"), max_length=200)
    schedule = forms.CharField(label=gettext_lazy("学习安排"), max_length=200, required=False)
    address = forms.CharField(label=gettext_lazy("地点"), max_length=200)
    latitude = forms.DecimalField(label=gettext_lazy("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=gettext_lazy("经度"), max_digits=9, decimal_places=6, required=False)
    capacity = forms.IntegerField(label=gettext_lazy("容量"), min_value=1, max_value=groups.MAX_CAPACITY, initial=30)
    is_open = forms.BooleanField(label=gettext_lazy("开放加入"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign = self.fields["campaign"]
        unit = self.fields["unit"]
        assert isinstance(campaign, forms.ModelChoiceField)
        assert isinstance(unit, forms.ModelChoiceField)
        campaign.queryset = visible_campaigns(user).filter(is_active=True)
        unit.queryset = _organiser_units(user)
        unit.widget.choices = [("", _("请选择")), *((u.pk, u.name) for u in unit.queryset[:SHOWN_UNITS])]
        if editing:
            del self.fields["campaign"], self.fields["unit"]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


class MeetingForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput(attrs={"class": "form-control"}))
    half = forms.ChoiceField(
        label=gettext_lazy("时段"),
        choices=HalfDay.choices,
        initial=HalfDay.EVENING,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("开始时间"),
        required=False,
        widget=forms.TimeInput(attrs={"class": "form-control", "type": "time"}, format="%H:%M"),
    )
    title = forms.CharField(
        label=gettext_lazy("内容"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    place = forms.CharField(
        label=gettext_lazy("地点"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )


def _load(request: HttpRequest, pk: int, perm: str = Perm.VIEW) -> StudyGroup:
    related = StudyGroup.objects.select_related("campaign", "unit")
    return scope.get_visible_or_404(related, actor(request), perm, pk=pk)


def _detail_url(group: StudyGroup) -> str:
    return reverse("study:group_detail", args=[group.pk])


def _filtered(request: HttpRequest, user: Any) -> Any:
    found = StudyGroup.objects.visible_to(user, Perm.VIEW).annotate(joined=Count("members"))
    unit = parse_id(request.GET.get("unit", ""))
    if unit is not None:
        chosen = Unit.objects.filter(pk=unit).first()
        found = found.filter(subtree_q(chosen.path)) if chosen else found.none()
    campaign = parse_id(request.GET.get("campaign", ""))
    if campaign is not None:
        found = found.filter(campaign_id=campaign)
    text = search_text(request.GET, "q")
    if text:
        found = found.filter(Q(name__icontains=text) | Q(topic__icontains=text) | Q(address__icontains=text))
    if request.GET.get("space") == "1":
        found = found.filter(is_open=True, joined__lt=F("capacity"))
    return found


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """学习小组: the groups in the user's scope, filtered by unit, text and room left."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看学习小组的权限。"))
    page = Paginator(_filtered(request, user), ("-id",), PAGE_SIZE).page(request.GET)
    context = {
        "page": page,
        "units": Unit.objects.filter(scope.visible_q(user, Perm.VIEW, "path")).order_by("path")[:SHOWN_UNITS],
        "campaigns": visible_campaigns(user),
        "can_organise": scope.has_perm_anywhere(user, Perm.ORGANISE_STUDY),
        "params": request.GET,
    }
    return render(request, "study/group_list.html", context)


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _load(request, pk)
    user = actor(request)
    members = GroupMembership.objects.filter(group=group).select_related("member__unit").order_by("id")
    meetings = group.sessions.annotate(
        signed=Count("attendances", filter=Q(attendances__status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)))
    ).order_by("-date", "half", "-id")
    context = {
        "group": group,
        "members": members,
        "meetings": meetings,
        "organiser": scope.can(user, Perm.ORGANISE_STUDY, group.org_path),
        "feed_url": request.build_absolute_uri(reverse("study_public:group_feed", args=[group.feed_token])),
        "me": member_of(user),
    }
    return render(request, "study/group_detail.html", context)


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int) -> HttpResponse:
    return render(request, "study/group_form.html", {"form": form, "title": title, "back": back}, status=status)


@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.ORGANISE_STUDY):
        raise NotAllowed(_("您无权组织学习小组。"))
    form = GroupForm(request.POST or None, user=user)
    made, status = submitted(request, form, lambda: groups.create_group(user, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习小组「%(name)s」已创建。") % {"name": made.name})
        return redirect(_detail_url(made))
    return _form_page(request, form, _("新建学习小组"), reverse("study:group_list"), status)


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _load(request, pk, Perm.ORGANISE_STUDY)
    user = actor(request)
    initial = {name: getattr(group, name) for name in groups.EDITABLE}
    form = GroupForm(request.POST or None, user=user, editing=True, initial=initial)
    made, status = submitted(request, form, lambda: groups.update_group(user, group, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习小组已保存。"))
        return redirect(_detail_url(made))
    return _form_page(request, form, _("修改学习小组"), _detail_url(group), status)


@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    group = _load(request, pk, Perm.ORGANISE_STUDY)
    user = actor(request)
    form = MeetingForm(request.POST or None, initial={"date": dt.date.today(), "place": group.address})
    made, status = submitted(request, form, lambda: groups.add_meeting(user, group, **form.cleaned_data))
    if made is not None:
        messages.success(request, _("学习活动已安排。"))
        return redirect(_detail_url(group))
    return _form_page(request, form, _("安排学习活动"), _detail_url(group), status)


@require_POST
def members_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser adds a member by number or removes one (``action`` add or remove)."""
    group = _load(request, pk, Perm.ORGANISE_STUDY)
    user = actor(request)
    try:
        if request.POST.get("action") == "remove":
            member = _group_member(group, request.POST.get("member", ""))
            groups.leave_group(user, group, member)
            messages.success(request, _("已将「%(name)s」移出小组。") % {"name": member.name})
        else:
            joined = groups.add_by_number(user, group, search_text(request.POST, "number", 30))
            messages.success(request, _("已将「%(name)s」加入小组。") % {"name": joined.member.name})
    except RuleViolation as exc:
        messages.error(request, str(exc))
    return redirect(_detail_url(group))


def _group_member(group: StudyGroup, raw: str) -> Member:
    wanted = parse_id(raw) or 0
    found = GroupMembership.objects.filter(group=group, member_id=wanted).select_related("member").first()
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found.member


@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting's roster of joined members with their attendance; the organiser marks it (POST)."""
    user = actor(request)
    related = StudySession.objects.select_related("group__unit", "campaign").filter(group__isnull=False)
    meeting = scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)
    group = meeting.group
    assert group is not None
    organiser = scope.can(user, Perm.ORGANISE_STUDY, meeting.org_path)
    if request.method == "POST":
        if not organiser:
            raise NotAllowed(_("您无权为该活动记考勤。"))
        _mark_all(request, meeting)
        return redirect(reverse("study:group_meeting", args=[meeting.pk]))
    marks = {a.member_id: a for a in Attendance.objects.filter(session=meeting)}
    roster = GroupMembership.objects.filter(group=group).select_related("member__unit").order_by("id")
    rows = [(m.member, marks.get(m.member_id)) for m in roster]
    context = {"meeting": meeting, "group": group, "rows": rows, "organiser": organiser}
    context["statuses"] = AttendanceStatus.choices
    return render(request, "study/group_meeting.html", context)


def _mark_all(request: HttpRequest, meeting: StudySession) -> None:
    user = actor(request)
    members = {m.member_id: m.member for m in GroupMembership.objects.filter(group_id=meeting.group_id)}
    done = 0
    for key in request.POST:
        status = request.POST.get(key, "")
        if not key.startswith("m-") or not status:
            continue
        member = members.get(parse_id(key[2:]) or 0)
        if member is None or status not in AttendanceStatus.values:
            continue
        groups.mark_meeting(user, meeting, member, status)
        done += 1
    messages.success(request, _("已记录 %(n)s 人的考勤。") % {"n": done})


@require_GET
def near(request: HttpRequest) -> HttpResponse:
    """附近的学习小组 for the logged-in member: by distance, or in their county."""
    user = actor(request)
    member = member_of(user)
    if member is None and not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您的账号尚未关联党员干部名册。"))
    found = groups.groups_near(member) if member is not None else []
    mine = set(GroupMembership.objects.filter(member=member).values_list("group_id", flat=True)) if member else set()
    return render(request, "study/group_near.html", {"member": member, "found": found, "mine": mine})


@require_POST
def membership(request: HttpRequest, pk: int) -> HttpResponse:
    """The logged-in member joins or leaves an open group (``action`` join or leave)."""
    user = actor(request)
    member = member_of(user)
    group = StudyGroup.objects.filter(pk=pk, is_open=True).first()
    if member is None or group is None:
        raise Http404(_("未找到或无权查看。"))
    try:
        if request.POST.get("action") == "leave":
            groups.leave_group(user, group, member)
            messages.success(request, _("已退出学习小组「%(name)s」。") % {"name": group.name})
        else:
            groups.join_group(user, group, member)
            messages.success(request, _("已加入学习小组「%(name)s」。") % {"name": group.name})
    except RuleViolation as exc:
        messages.error(request, str(exc))
    return redirect(reverse("study:group_near"))


@require_GET
def group_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The group's calendar (.ics): no login, the token in the address is the key."""
    group = StudyGroup.objects.filter(feed_token=token[:40]).first() if token else None
    if group is None:
        raise Http404(_("未找到该日历。"))
    body = feeds.group_calendar(group, request.build_absolute_uri, _detail_url(group))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="study-group-{group.pk}.ics"'
    return response
