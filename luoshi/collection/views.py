"""Pages of periodic collection: templates and their versions, rounds per campaign, a round with every unit's
status and the sums up the tree, a submission with its form, 我的报送. Views validate and call services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.picker import chosen_campaign
from luoshi.collection import exports, imports, queries, services
from luoshi.collection import forms as cforms
from luoshi.collection.choices import FieldKind, State
from luoshi.collection.fields import ValuesInvalid, shown
from luoshi.collection.filters import SubmissionFilterSet
from luoshi.collection.models import CollectionRound, CollectionTemplate, Submission, SubmissionFile
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import set_choices, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.orgs.models import Unit
from luoshi.tracking import engine
from luoshi.tracking.files import evidence_response

PAGE_SIZE = 50
LIST_ORDER = ("org_path", "id")


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看定期报送的权限。"))


def require_manager(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.MANAGE_COLLECTION):
        raise NotAllowed(_("您无权设置定期报送。"))


def load_template(user: Any, pk: int, perm: str = Perm.VIEW) -> CollectionTemplate:
    related = CollectionTemplate.objects.select_related("campaign__unit", "unit", "target_kind")
    return scope.get_visible_or_404(related, user, perm, pk=pk)


def load_round(user: Any, pk: int) -> CollectionRound:
    related = CollectionRound.objects.select_related("template__campaign", "template__unit", "opened_by")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def load_submission(user: Any, pk: int) -> Submission:
    related = Submission.objects.select_related("round__template__campaign", "round__template__unit", "unit")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _managed(user: Any, obj: Any) -> CollectionTemplate | Any:
    """``obj`` when the user manages collection over it; out of their management it is as if missing (404)."""
    if not scope.can(user, Perm.MANAGE_COLLECTION, obj.org_path):
        raise Http404(_("未找到或无权查看。"))
    return obj


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "collection/form.html", context, status=status)


# --- templates ----------------------------------------------------------------------------------------------------


def template_list(request: HttpRequest) -> HttpResponse:
    """报送模板 of a campaign (their current versions)."""
    user = actor(request)
    require_view(user)
    campaigns = list(queries.campaign_choices(user))
    campaign = chosen_campaign(request, campaigns)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "templates": []}
    if campaign is not None:
        context["templates"] = list(queries.templates_of(user, campaign))
        context["can_create"] = scope.has_perm_anywhere(user, Perm.MANAGE_COLLECTION) and campaign.is_active
    return render(request, "collection/template_list.html", context)


def _unit_choices(user: Any) -> tuple[Any, list[tuple[Any, str]]]:
    queryset = Unit.objects.visible_to(user, Perm.MANAGE_COLLECTION)
    tops = scope.scope_paths(user, Perm.MANAGE_COLLECTION)
    shown_units = list(queryset.filter(path__in=tops)) + list(
        queryset.filter(parent__path__in=tops).order_by("path")[:200]
    )
    return queryset, [("", _("请选择")), *((u.pk, str(u)) for u in shown_units)]


@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    """新建报送模板."""
    user = actor(request)
    require_manager(user)
    campaigns = queries.managed_campaigns(user)
    chosen = chosen_campaign(request, list(campaigns)) if request.GET.get("campaign") else None
    form = cforms.TemplateForm(request.POST or None, initial={"campaign": chosen.pk if chosen else None})
    form.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
    queryset, shown_units = _unit_choices(user)
    set_choices(form, "unit", queryset, shown_units)

    def create() -> CollectionTemplate:
        data = form.cleaned_data
        return services.create_template(
            user,
            campaign=data["campaign"],
            unit=data["unit"],
            name=data["name"],
            cycle=data["cycle"],
            target_kind=data["target_kind"],
            description=data["description"],
            fields=data["fields_text"],
            rules=data["rules_text"],
        )

    template, status = submitted(request, form, create)
    if template is not None:
        messages.success(request, _("报送模板「%(name)s」已创建。") % {"name": template.name})
        return redirect("collection:template", pk=template.pk)
    return _form_page(request, form, _("新建报送模板"), "/collection/templates/", status)


def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A template version: its fields and rules, its family's versions and rounds."""
    user = actor(request)
    template = load_template(user, pk)
    rounds = list(
        CollectionRound.objects.visible_to(user, Perm.VIEW)
        .filter(template__family_id=template.family_id)
        .select_related("template")
        .order_by("-period_start", "-id")
    )
    context = {
        "template": template,
        "versions": list(queries.versions_of(user, template)),
        "rounds": rounds,
        "counts": queries.counts_for_rounds(user, rounds),
        "manages": queries.can_manage(user, template) and template.is_current and template.campaign.is_active,
        "kinds": dict(FieldKind.choices),
    }
    return render(request, "collection/template_detail.html", context)


@require_http_methods(["GET", "POST"])
def template_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """修改报送模板: in place while no round was opened on the version, otherwise a new version."""
    user = actor(request)
    template = _managed(user, load_template(user, pk))
    if not template.is_current:
        current = CollectionTemplate.objects.filter(family_id=template.family_id, is_current=True).first()
        if current is None:
            raise Http404(_("未找到或无权查看。"))
        return redirect("collection:template_revise", pk=current.pk)
    initial = {
        "name": template.name,
        "cycle": template.cycle,
        "target_kind": template.target_kind_id,
        "description": template.description,
        "fields_text": cforms.fields_text(template),
        "rules_text": cforms.rules_text(template),
    }
    form = cforms.DefinitionForm(request.POST or None, initial=initial)

    def revise() -> CollectionTemplate:
        data = form.cleaned_data
        return services.revise_template(
            user,
            template,
            name=data["name"],
            cycle=data["cycle"],
            target_kind=data["target_kind"],
            description=data["description"],
            fields=data["fields_text"],
            rules=data["rules_text"],
        )

    revised, status = submitted(request, form, revise)
    if revised is not None:
        messages.success(request, _("报送模板已保存为第 %(n)s 版。") % {"n": revised.number})
        return redirect("collection:template", pk=revised.pk)
    locked = template.rounds.exists()
    note = _("该版本已开启过报送，保存后将生成新版本，已开启的轮次仍用原版本。") if locked else ""
    return _form_page(request, form, _("修改报送模板"), f"/collection/templates/{template.pk}/", status, note=note)


@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """开启报送轮次 on a template: the next period proposed for weekly and monthly templates."""
    user = actor(request)
    template = _managed(user, load_template(user, pk))
    period = queries.proposed_period(template)
    initial = (
        {
            "period_label": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "deadline": period.deadline,
        }
        if period
        else {}
    )
    form = cforms.RoundForm(request.POST or None, initial=initial)

    def open_() -> CollectionRound:
        return services.open_round(user, template, **form.cleaned_data)

    round_, status = submitted(request, form, open_)
    if round_ is not None:
        messages.success(request, _("报送轮次「%(title)s」已开启。") % {"title": round_.title})
        return redirect("collection:round", pk=round_.pk)
    back = f"/collection/templates/{template.pk}/"
    return _form_page(request, form, _("开启报送轮次"), back, status, template=template)


@require_GET
def series_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every round of the template's family: a sheet per numeric field, units × periods."""
    user = actor(request)
    template = load_template(user, pk)
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    content = exports.series_workbook(user, template)
    return download(
        content, _("{name}-汇总-{date}.xlsx").format(name=template.name, date=f"{timezone.localdate():%Y%m%d}")
    )


# --- rounds -------------------------------------------------------------------------------------------------------


def round_list(request: HttpRequest) -> HttpResponse:
    """报送轮次 of a campaign with their counts."""
    user = actor(request)
    require_view(user)
    campaigns = list(queries.campaign_choices(user))
    campaign = chosen_campaign(request, campaigns)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "page": None}
    if campaign is not None:
        page = Paginator(queries.rounds_of(user, campaign), ("-deadline", "-id"), PAGE_SIZE).page(request.GET)
        counts = queries.counts_for_rounds(user, list(page.rows))
        for r in page.rows:
            r.counts = counts[r.pk]
        context["page"] = page
    return render(request, "collection/round_list.html", context)


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: every unit's status with the counts, late marks and values; the sums up the tree."""
    user = actor(request)
    round_ = load_round(user, pk)
    template = round_.template
    items = list(
        Submission.objects.visible_to(user, Perm.VIEW)
        .filter(round=round_)
        .select_related("unit")
        .order_by("org_path", "id")
    )
    fields = template.fields
    for item in items:
        item.round = round_
    listed = [(item, [shown(f, (item.values or {}).get(f["key"])) for f in fields]) for item in items]
    counts = queries.round_counts(user, round_)
    children, total = queries.rollup(user, round_)
    keys = [f["key"] for f in template.numeric_fields]
    rollup = [(row, row.cells(keys)) for row in children]
    context = {
        "round": round_,
        "template": template,
        "items": listed,
        "counts": counts,
        "state_cards": [(key, label, counts.by_state.get(key, 0)) for key, label in State.choices],
        "numeric": template.numeric_fields,
        "rollup": rollup,
        "total": (total, total.cells(keys)) if total else None,
        "can_urge": scope.has_perm_anywhere(user, Perm.URGE) and counts.unfiled > 0,
        "can_export": scope.has_perm_anywhere(user, Perm.EXPORT),
        "can_fill": scope.has_perm_anywhere(user, Perm.SUBMIT_COLLECTION),
    }
    return render(request, "collection/round_detail.html", context)


@require_http_methods(["GET", "POST"])
def round_urge(request: HttpRequest, pk: int) -> HttpResponse:
    """催办未填报单位: one action urging every unit of the round that has not filed yet."""
    user = actor(request)
    round_ = load_round(user, pk)
    if not scope.has_perm_anywhere(user, Perm.URGE):
        raise NotAllowed(_("您无权催办。"))
    form = cforms.UrgeForm(request.POST or None, initial={"message": services.urge_message(round_)})
    urged, status = submitted(
        request, form, lambda: services.urge_unfiled(user, round_, message=form.cleaned_data["message"])
    )
    if urged is not None:
        messages.success(request, _("已催办 %(n)s 个未填报单位。") % {"n": len(urged)})
        return redirect("collection:round", pk=round_.pk)
    return _form_page(request, form, _("催办未填报单位"), f"/collection/rounds/{round_.pk}/", status, round=round_)


@require_GET
def round_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = actor(request)
    round_ = load_round(user, pk)
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))
    name = _("{title}-{date}.xlsx").format(title=round_.title, date=f"{timezone.localdate():%Y%m%d}")
    return download(exports.round_workbook(user, round_), name.replace(" · ", "-"))


@require_GET
def round_fill_template(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The round's fill-in workbook: a row per unit the user may file for."""
    user = actor(request)
    round_ = load_round(user, pk)
    if not scope.has_perm_anywhere(user, Perm.SUBMIT_COLLECTION):
        raise NotAllowed(_("您无权填报。"))
    name = _("{title}-填报表.xlsx").format(title=round_.title)
    return download(exports.fill_workbook(user, round_), name.replace(" · ", "-"))


@require_http_methods(["GET", "POST"])
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    """导入填报表 of a round: every row checked, nothing written when any row is wrong."""
    user = actor(request)
    round_ = load_round(user, pk)
    if not scope.has_perm_anywhere(user, Perm.SUBMIT_COLLECTION):
        raise NotAllowed(_("您无权填报。"))
    form = cforms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "round": round_, "errors": []}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.import_values(user, round_, form.cleaned_data["file"], submit=form.cleaned_data["submit"])
        except imports.ValuesRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except NotAllowed as exc:
            form.add_error(None, str(exc))
            status = 403
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, report.summary())
            return redirect("collection:round", pk=round_.pk)
    return render(request, "collection/import.html", context, status=status)


# --- submissions --------------------------------------------------------------------------------------------------


def _submission_context(user: Any, item: Submission, form: Any) -> dict[str, Any]:
    template = item.round.template
    values = item.values or {}
    files = {f.pk: f for f in item.files.all()}
    rows = []
    for f in template.fields:
        value = values.get(f["key"])
        attached = (
            [files[i] for i in value if i in files] if f["kind"] == FieldKind.FILE and isinstance(value, list) else []
        )
        rows.append({"field": f, "value": shown(f, value), "files": attached})
    allowed = services.available_actions(user, item)
    return {
        "item": item,
        "round": item.round,
        "template": template,
        "rows": rows,
        "form": form,
        "allowed": allowed,
        "editable": "save" in allowed or "submit" in allowed,
        "events": item.events.select_related("actor").order_by("at", "id"),
        "refusals": engine.refusals(services.TRACKER, user, item),
    }


@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submission: its values, its timeline, and for its unit's liaison the form (暂存 / 报送)."""
    user = actor(request)
    item = load_submission(user, pk)
    template = item.round.template
    initial = {"version": item.version, **{f"f_{k}": v for k, v in (item.values or {}).items()}}
    form = cforms.SubmissionForm(request.POST or None, request.FILES or None, template=template, initial=initial)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action not in ("save", "submit"):
            return render(request, "collection/submission.html", _submission_context(user, item, form), status=400)
        if form.is_valid():
            call = services.submit if action == "submit" else services.save_draft
            try:
                call(
                    user,
                    item,
                    values=form.values(template),
                    files=form.files_by_key(template),
                    version=form.cleaned_data.get("version"),
                )
            except ValuesInvalid as exc:
                for key, message in exc.errors.items():
                    name = f"f_{key}"
                    form.add_error(name if name in form.fields else None, message)
            except NotAllowed as exc:
                form.add_error(None, str(exc))
                status = 403
            except RuleViolation as exc:
                form.add_error(None, str(exc))
            else:
                done = _("已报送。") if action == "submit" else _("已暂存。")
                messages.success(request, done)
                return redirect("collection:submission", pk=item.pk)
    return render(request, "collection/submission.html", _submission_context(user, item, form), status=status)


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a submission's file field: scope-checked, as an attachment, audited."""
    found = scope.get_visible_or_404(SubmissionFile.objects.all(), request.user, Perm.VIEW, pk=pk)
    return evidence_response(
        request.user,
        found,
        item_key="submission",
        item_id=found.submission_id,
        item_noun="报送",
        file_noun="报送附件",
    )


def mine(request: HttpRequest) -> HttpResponse:
    """我的报送: the submissions of the user's units (open ones by default), with the to-do filters."""
    user = actor(request)
    require_view(user)
    params = request.GET.copy()
    if not params.get("todo") and not params.get("state") and scope.has_perm_anywhere(user, Perm.SUBMIT_COLLECTION):
        params["todo"] = "to_fill"
    base = Submission.objects.visible_to(user, Perm.VIEW)
    filterset = SubmissionFilterSet(params, queryset=base, user=user, request=request)
    style_filters(filterset.form)
    rows = filterset.qs.select_related("round__template", "unit")
    page = Paginator(rows, LIST_ORDER, PAGE_SIZE).page(request.GET)
    context = {"filterset": filterset, "page": page, "todo": params.get("todo", "")}
    return render(request, "collection/mine.html", context)
