"""Pages of the lecture menu (宣讲菜单): the menu by category with each item's figures, an item, the menu's
categories and items, its import and export; orders (list, 我的宣讲, booked half-days, detail, the order form,
export). Views validate and call services."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.acting import actor
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.picker import chosen_campaign
from luoshi.core.downloads import download
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.forms import set_choices, style_filters, submitted
from luoshi.core.pagination import Paginator
from luoshi.core.paths import subtree_q
from luoshi.lectures import exports, imports, queries, services
from luoshi.lectures import forms as lforms
from luoshi.lectures.choices import BOOKED, OrderState
from luoshi.lectures.filters import OrderFilterSet
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.orgs.models import Unit
from luoshi.tracking import engine

PAGE_SIZE = 50
SHOWN_UNITS = 300
SHOWN_ORDERS = 200


def require_view(user: Any) -> None:
    if not queries.may_see_lectures(user):
        raise NotAllowed(_("您没有查看宣讲菜单的权限。"))


def _not_found() -> Http404:
    return Http404(_("未找到或无权查看。"))


def _campaigns(request: HttpRequest) -> tuple[list[Campaign], Campaign | None]:
    user = actor(request)
    require_view(user)
    campaigns = list(queries.campaign_choices(user))
    return campaigns, chosen_campaign(request, campaigns)


def _managed_campaign(request: HttpRequest) -> Campaign:
    """The campaign of ``?campaign=`` when the user is its office; otherwise as if missing (404)."""
    user = actor(request)
    require_view(user)
    managed = [c for c in queries.campaign_choices(user) if services.manages(user, c)]
    campaign = chosen_campaign(request, managed)
    if campaign is None:
        raise _not_found()
    return campaign


def load_item(user: Any, pk: int) -> LectureItem:
    found = queries.items_for(user).filter(pk=pk).first()
    if found is None:
        raise _not_found()
    return found


def load_order(user: Any, pk: int) -> LectureOrder:
    require_view(user)
    found = queries.orders_for(user).filter(pk=pk).select_related("ordered_by").first()
    if found is None:
        raise _not_found()
    return found


def _managed(user: Any, queryset: Any, pk: int) -> Any:
    found = queryset.filter(pk=pk).select_related("campaign__unit").first()
    if found is None or not services.manages(user, found.campaign):
        raise _not_found()
    return found


def _menu_url(campaign: Campaign) -> str:
    return reverse("lectures:index") + f"?campaign={campaign.pk}"


def _form_page(request: HttpRequest, form: Any, title: str, back: str, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "lectures/form.html", {"form": form, "title": title, "back": back, **extra}, status=status)


def _can_order(user: Any) -> bool:
    return scope.has_perm_anywhere(user, Perm.ORDER_LECTURE)


# --- the menu ---------------------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """宣讲菜单: the campaign's categories with their items, each with its orders, held lectures, listeners and
    average rating; units that order see an 点单 button."""
    campaigns, campaign = _campaigns(request)
    user = actor(request)
    context: dict[str, Any] = {"campaigns": campaigns, "campaign": campaign, "rows": []}
    if campaign is not None:
        manages = services.manages(user, campaign)
        context["rows"] = queries.menu(campaign, active_only=not manages)
        context["manages"] = manages
        context["totals"] = queries.totals(campaign)
        context["can_order"] = _can_order(user) and campaign.is_active
    return render(request, "lectures/index.html", context)


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A menu item: its speaker and figures, and the orders the user sees with their ratings."""
    user = actor(request)
    require_view(user)
    item = load_item(user, pk)
    orders = queries.orders_for(user).filter(item=item).order_by("-id")
    context = {
        "item": item,
        "figures": queries.figures([item.pk]).get(item.pk, queries.ItemFigures()),
        "orders": list(orders[:SHOWN_ORDERS]),
        "manages": services.manages(user, item.campaign),
        "can_order": _can_order(user) and item.active and item.campaign.is_active,
    }
    return render(request, "lectures/item_detail.html", context)


@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    campaign = _managed_campaign(request)
    user = actor(request)
    form = lforms.CategoryForm(request.POST or None)
    made, status = submitted(
        request, form, lambda: services.create_category(user, campaign=campaign, **form.cleaned_data)
    )
    if made is not None:
        messages.success(request, _("宣讲类别「%(name)s」已新增。") % {"name": made.name})
        return redirect(_menu_url(campaign))
    return _form_page(request, form, _("新增宣讲类别"), _menu_url(campaign), status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    category = _managed(user, LectureCategory.objects.all(), pk)
    form = lforms.CategoryForm(request.POST or None, initial={"name": category.name, "order": category.order})

    def save() -> LectureCategory:
        data = form.cleaned_data
        return services.update_category(user, category, name=data["name"], order=data["order"] or 0)

    made, status = submitted(request, form, save)
    back = _menu_url(category.campaign)
    if made is not None:
        messages.success(request, _("宣讲类别已保存。"))
        return redirect(back)
    return _form_page(request, form, _("修改宣讲类别"), back, status, campaign=category.campaign)


def _item_form(request: HttpRequest, campaign: Campaign, initial: dict[str, Any] | None = None) -> lforms.ItemForm:
    categories = LectureCategory.objects.filter(campaign=campaign).order_by("order", "id")
    return lforms.ItemForm(request.POST or None, initial=initial, categories=categories)


def _item_fields(campaign: Campaign, data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k != "speaker_number"}
    return {**fields, "speaker": services.speaker_for(campaign, data["speaker_number"])}


@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    campaign = _managed_campaign(request)
    user = actor(request)
    form = _item_form(request, campaign, {"active": True, "minutes": 60})

    def create() -> LectureItem:
        return services.create_item(user, campaign=campaign, **_item_fields(campaign, form.cleaned_data))

    made, status = submitted(request, form, create)
    if made is not None:
        messages.success(request, _("菜单项「%(title)s」已新增。") % {"title": made.title})
        return redirect(_menu_url(campaign))
    return _form_page(request, form, _("新增宣讲菜单项"), _menu_url(campaign), status, campaign=campaign)


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    item = _managed(user, LectureItem.objects.select_related("speaker"), pk)
    initial = {
        "category": item.category_id,
        "title": item.title,
        "speaker_number": item.speaker.number,
        "minutes": item.minutes,
        "summary": item.summary,
        "active": item.active,
    }
    form = _item_form(request, item.campaign, initial)
    made, status = submitted(
        request, form, lambda: services.update_item(user, item, **_item_fields(item.campaign, form.cleaned_data))
    )
    if made is not None:
        messages.success(request, _("菜单项已保存。"))
        return redirect("lectures:item", pk=item.pk)
    back = reverse("lectures:item", args=[item.pk])
    return _form_page(request, form, _("修改宣讲菜单项"), back, status, campaign=item.campaign)


@require_GET
def menu_template(request: HttpRequest) -> HttpResponseBase:
    campaign = _managed_campaign(request)
    buffer = io.BytesIO()
    imports.build_template(campaign, buffer)
    return download(buffer.getvalue(), _("宣讲菜单导入模板-{number}.xlsx").format(number=campaign.pk))


@require_GET
def menu_export(request: HttpRequest) -> HttpResponseBase:
    _listed, campaign = _campaigns(request)
    if campaign is None:
        raise _not_found()
    content = exports.menu_workbook(actor(request), campaign)
    return download(content, _("宣讲菜单-{name}.xlsx").format(name=campaign.name))


@require_http_methods(["GET", "POST"])
def menu_import(request: HttpRequest) -> HttpResponse:
    """导入宣讲菜单: every row checked first; any error and nothing is imported, each error by row and column."""
    campaign = _managed_campaign(request)
    user = actor(request)
    form = lforms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "errors": [], "campaign": campaign}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = imports.check_file(upload)
            ids = imports.import_menu(user, campaign, upload, checked.name, checked.sha256)
        except imports.ImportRejected as exc:
            context.update(errors=exc.errors, rejected=str(exc))
        except RuleViolation as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("已导入 %(count)s 个宣讲菜单项。") % {"count": len(ids)})
            return redirect(_menu_url(campaign))
    return render(request, "lectures/import.html", context)


# --- orders -----------------------------------------------------------------------------------------------------


def _unit_choices(user: Any, campaign: Campaign) -> tuple[Any, list[tuple[Any, str]]]:
    """Units the user may order for within the campaign; the first few hundred are listed."""
    queryset = Unit.objects.visible_to(user, Perm.ORDER_LECTURE).filter(subtree_q(campaign.unit.path, "path"))
    shown = [("", _("请选择")), *((u.pk, str(u)) for u in queryset.order_by("path")[:SHOWN_UNITS])]
    return queryset, shown


@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, pk: int) -> HttpResponse:
    """点单: a unit orders the item for a wished date and half-day."""
    user = actor(request)
    require_view(user)
    item = load_item(user, pk)
    if not _can_order(user):
        raise NotAllowed(_("您无权点单。"))
    form = lforms.OrderForm(request.POST or None)
    set_choices(form, "unit", *_unit_choices(user, item.campaign))
    order, status = submitted(request, form, lambda: services.order_lecture(user, item=item, **form.cleaned_data))
    if order is not None:
        messages.success(request, _("已点单，等待办公室派单。"))
        return redirect("lectures:order", pk=order.pk)
    back = reverse("lectures:item", args=[item.pk])
    return _form_page(request, form, _("点单：%(title)s") % {"title": item.title}, back, status, campaign=item.campaign)


def _order_list(request: HttpRequest, mine: bool) -> HttpResponse:
    user = actor(request)
    require_view(user)
    params = request.GET.copy()
    if mine:
        params["mine"] = "true"
    filterset = OrderFilterSet(params, queryset=queries.orders_for(user), user=user, request=request)
    style_filters(filterset.form)
    page = Paginator(filterset.qs, ("-id",), PAGE_SIZE).page(request.GET)
    context = {
        "filterset": filterset,
        "page": page,
        "mine": mine,
        "campaigns": list(queries.campaign_choices(user)),
        "units": _filter_units(user),
        "speakers": _filter_speakers(user),
        "query": request.GET.urlencode(),
    }
    return render(request, "lectures/orders.html", context)


def _filter_units(user: Any) -> list[Unit]:
    """The units offered by the unit filter: the user's top units and the units just under them."""
    tops = scope.scope_paths(user, Perm.VIEW)
    found = Unit.objects.filter(Q(path__in=tops) | Q(parent__path__in=tops)).order_by("path")
    return list(found[:SHOWN_UNITS])


def _filter_speakers(user: Any) -> list[Any]:
    """The speakers of the menus the user sees."""
    found = queries.items_for(user).order_by().values_list("speaker_id", "speaker__name", "speaker__number")
    return sorted(set(found[:2000]), key=lambda row: row[2])


def orders(request: HttpRequest) -> HttpResponse:
    """宣讲点单: every order the user sees, with filters (campaign, state, unit, speaker, dates)."""
    return _order_list(request, mine=False)


def mine(request: HttpRequest) -> HttpResponse:
    """我的宣讲: the orders the user speaks at."""
    return _order_list(request, mine=True)


def calendar(request: HttpRequest) -> HttpResponse:
    """宣讲安排: booked half-days by date, a speaker's own (``?speaker=``, or the user's when they speak)."""
    user = actor(request)
    require_view(user)
    own = queries.speaker_of(user)
    found = queries.booked(user)
    speaker_id = request.GET.get("speaker", "").strip()
    if speaker_id:
        filterset = OrderFilterSet({"speaker": speaker_id}, queryset=found, user=user, request=request)
        found = filterset.qs
    elif own is not None and not scope.has_perm_anywhere(user, Perm.VIEW):
        found = found.filter(speaker=own)
    upcoming = request.GET.get("all") != "1"
    if upcoming:
        found = found.filter(date__gte=services.today())
    days: dict[Any, list[LectureOrder]] = {}
    for order in found[:SHOWN_ORDERS]:
        days.setdefault(order.date, []).append(order)
    context = {"days": days, "upcoming": upcoming, "speakers": _filter_speakers(user), "speaker": speaker_id}
    return render(request, "lectures/calendar.html", context)


@require_GET
def order_export(request: HttpRequest) -> HttpResponseBase:
    try:
        content, _count = exports.orders_workbook(actor(request), request.GET)
    except RuleViolation as exc:
        return render(request, "lectures/message.html", {"message": str(exc)}, status=400)
    return download(content, exports.download_name())


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order: what was ordered, when it is dispatched for, its figures, its timeline and the actions open now."""
    user = actor(request)
    order = load_order(user, pk)
    context = {
        "order": order,
        "events": order.events.select_related("actor").order_by("at", "id"),
        "allowed": services.available_actions(user, order),
        "refusals": engine.refusals(services.TRACKER, user, order),
        "booked": order.state in BOOKED,
        "rated": order.state == OrderState.RATED,
    }
    return render(request, "lectures/order_detail.html", context)
