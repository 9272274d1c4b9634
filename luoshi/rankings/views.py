"""Ranking pages: the published rankings, one ranking (table, chart, red and black lists), the schemes of a
campaign, the scheme form, the draft preview and publishing, and the Excel export. Views validate and call
services; every query is scoped."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download
from luoshi.core.errors import Conflict, NotAllowed, RuleViolation
from luoshi.core.filters import parse_id
from luoshi.core.forms import submitted
from luoshi.core.pagination import Paginator
from luoshi.orgs import queries as org_queries
from luoshi.rankings import exports, periods, queries, services
from luoshi.rankings.choices import Cycle
from luoshi.rankings.forms import PublishForm, SchemeForm
from luoshi.rankings.models import Ranking, RankingScheme
from luoshi.rankings.scoring import BLACK, RED

PAGE_SIZE = 50


def require_view(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.VIEW):
        raise NotAllowed(_("您没有查看晾晒排名的权限。"))


def load_ranking(user: Any, pk: int) -> Ranking:
    related = Ranking.objects.select_related("scheme", "campaign", "published_by", "supersedes")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def load_scheme(user: Any, pk: int) -> RankingScheme:
    related = RankingScheme.objects.select_related("campaign__unit", "unit", "kind")
    return scope.get_visible_or_404(related, user, Perm.VIEW, pk=pk)


def _table(content: dict[str, Any]) -> dict[str, Any]:
    """What the ranking table and chart show of a content (published or draft)."""
    keys = list(content.get("weights", {}))
    rows = [{**row, "values": [row["measures"].get(k) for k in keys]} for row in content.get("rows", [])]
    return {
        "measures": [(k, label, f"{content['weights'][k]:g}") for k, label in queries.measure_labels(keys)],
        "rows": rows,
        "red": [r for r in rows if r.get("band") == RED],
        "black": [r for r in rows if r.get("band") == BLACK],
        "flagged": [r for r in rows if r.get("flagged")],
        "chart_data": {"units": [{"name": r["unit_name"], "value": r["score"], "band": r["band"]} for r in rows]},
    }


# --- published rankings -----------------------------------------------------------------------------------------


def ranking_list(request: HttpRequest) -> HttpResponse:
    """晾晒排名: the published rankings the user may read, newest period first, by campaign."""
    user = actor(request)
    require_view(user)
    campaigns = queries.campaign_choices(user)
    campaign = chosen_campaign(request, campaigns)
    rankings = queries.visible_rankings(user)
    if campaign is not None:
        rankings = rankings.filter(campaign=campaign)
    page = Paginator(rankings, ("-period_start", "-id"), PAGE_SIZE).page(request.GET)
    can_publish = campaign is not None and bool(scope.scope_paths(user, Perm.PUBLISH_RANKING))
    context = {"campaigns": campaigns, "campaign": campaign, "page": page, "can_publish": can_publish}
    return render(request, "rankings/list.html", context)


def ranking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """一期排名: the frozen table with each measure, score, rank and change, the chart, 红榜/黑榜 and the flags."""
    user = actor(request)
    ranking = load_ranking(user, pk)
    correction = Ranking.objects.filter(supersedes=ranking).first()
    can_correct = correction is None and scope.can(user, Perm.PUBLISH_RANKING, ranking.org_path)
    context = {
        "ranking": ranking,
        "content": ranking.content,
        "correction": correction,
        "hash_ok": queries.hash_matches(ranking),
        "can_correct": can_correct,
        "period_label": periods.parse(ranking.period_key, _cycle_of(ranking.period_key)).label,
        **_table(ranking.content),
    }
    return render(request, "rankings/detail.html", context)


def _cycle_of(key: str) -> str:
    return Cycle.WEEKLY if "W" in key else Cycle.MONTHLY


@require_GET
def ranking_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """导出 Excel of one published ranking, as it was published; audited."""
    user = actor(request)
    ranking = load_ranking(user, pk)
    data = exports.export_ranking(user, ranking)
    name = _("晾晒排名-{name}-{period}.xlsx").format(name=ranking.scheme.name, period=ranking.period_key)
    return download(data, name)


# --- schemes -----------------------------------------------------------------------------------------------------


def scheme_list(request: HttpRequest) -> HttpResponse:
    """排名方案 of a campaign, each with its published rankings."""
    user = actor(request)
    require_view(user)
    campaigns = queries.campaign_choices(user)
    campaign = chosen_campaign(request, campaigns)
    schemes: list[RankingScheme] = []
    if campaign is not None:
        schemes = list(queries.visible_schemes(user).filter(campaign=campaign).order_by("id"))
        readable = queries.visible_rankings(user).filter(scheme__in=schemes).current()
        latest: dict[int, list[Ranking]] = {}
        for ranking in readable.order_by("-period_start", "-id"):
            latest.setdefault(ranking.scheme_id, []).append(ranking)
        for scheme in schemes:
            scheme.published = latest.get(scheme.pk, [])[:6]  # type: ignore[attr-defined]
            scheme.manages = scope.can(user, Perm.PUBLISH_RANKING, scheme.org_path)  # type: ignore[attr-defined]
    can_create = campaign is not None and org_queries.units_for(user, Perm.PUBLISH_RANKING, campaign.unit).exists()
    context = {"campaigns": campaigns, "campaign": campaign, "schemes": schemes, "can_create": can_create}
    return render(request, "rankings/schemes.html", context)


def scheme_new(request: HttpRequest) -> HttpResponse:
    """新建排名方案 for a campaign."""
    user = actor(request)
    if not scope.has_perm_anywhere(user, Perm.PUBLISH_RANKING):
        raise NotAllowed(_("您无权设置排名方案。"))
    campaign = chosen_campaign(request, queries.campaign_choices(user))
    if campaign is None:
        raise Http404(_("未找到或无权查看。"))
    form = SchemeForm(request.POST or None, user=user, campaign=campaign)
    scheme, status = submitted(
        request, form, lambda: services.create_scheme(user, campaign=campaign, **form.service_kwargs())
    )
    if scheme is not None:
        messages.success(request, _("排名方案已保存。"))
        return redirect(f"/rankings/schemes/?campaign={campaign.pk}")
    context = {"form": form, "campaign": campaign, "title": _("新建排名方案")}
    return render(request, "rankings/scheme_form.html", context, status=status)


def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改排名方案 (the office of its root)."""
    user = actor(request)
    scheme = load_scheme(user, pk)
    if not scope.can(user, Perm.PUBLISH_RANKING, scheme.org_path):
        raise NotAllowed(_("您无权修改该排名方案。"))
    form = SchemeForm(request.POST or None, user=user, campaign=scheme.campaign, scheme=scheme)
    saved, status = submitted(
        request,
        form,
        lambda: services.update_scheme(user, scheme, version=form.cleaned_data.get("version"), **form.service_kwargs()),
    )
    if saved is not None:
        messages.success(request, _("排名方案已保存。"))
        return redirect(f"/rankings/schemes/?campaign={scheme.campaign_id}")
    context = {"form": form, "campaign": scheme.campaign, "scheme": scheme, "title": _("修改排名方案")}
    return render(request, "rankings/scheme_form.html", context, status=status)


# --- draft and publishing ------------------------------------------------------------------------------------------


def _publisher_scheme(user: Any, pk: int) -> RankingScheme:
    scheme = load_scheme(user, pk)
    if not scope.can(user, Perm.PUBLISH_RANKING, scheme.org_path):
        raise NotAllowed(_("您无权发布该方案的排名。"))
    return scheme


def _superseded(user: Any, raw: str | None) -> Ranking | None:
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise BadRequest(_("参数无效。"))
    return load_ranking(user, pk)


def _period(text: str | None, scheme: RankingScheme) -> periods.Period:
    try:
        return periods.parse(text or "", scheme.cycle)
    except RuleViolation as exc:
        raise BadRequest(str(exc)) from exc


def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """预览 the draft of a period (only the office of the scheme's root sees drafts), with the publish button."""
    user = actor(request)
    scheme = _publisher_scheme(user, pk)
    supersedes = _superseded(user, request.GET.get("supersedes"))
    default = periods.last_complete(scheme.cycle, timezone.localdate()).key
    raw = supersedes.period_key if supersedes else request.GET.get("period") or default
    period = _period(raw, scheme)
    found = queries.draft(scheme, period)
    current = queries.current_for(scheme, period)
    form = PublishForm(
        initial={
            "period": period.key,
            "expected": found.hash,
            "supersedes": supersedes.pk if supersedes else "",
        }
    )
    context = {
        "scheme": scheme,
        "period": period,
        "draft": found,
        "form": form,
        "supersedes": supersedes,
        "current": current,
        **_table(found.content),
    }
    return render(request, "rankings/preview.html", context)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """发布: the previewed draft, if the data did not change since; a correction needs a reason."""
    user = actor(request)
    scheme = _publisher_scheme(user, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        raise BadRequest(_("参数无效。"))
    data = form.cleaned_data
    period = _period(data["period"], scheme)
    supersedes = _superseded(user, data.get("supersedes"))
    back = f"/rankings/schemes/{scheme.pk}/preview/?period={period.key}"
    if supersedes is not None:
        back += f"&supersedes={supersedes.pk}"
    try:
        ranking = services.publish(
            user,
            scheme,
            period=period,
            expected_hash=data.get("expected") or "",
            supersedes=supersedes,
            reason=data.get("reason") or "",
        )
    except (Conflict, RuleViolation) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("排名已发布。"))
    return redirect("rankings:detail", pk=ranking.pk)
