"""The read side of the lecture menu: the campaigns a user sees it in, the menu with each item's figures, the orders
a user sees (their scope, and a speaker's own), a speaker's booked half-days."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.campaigns.models import Campaign, CampaignQuerySet
from luoshi.campaigns.queries import visible_campaigns
from luoshi.lectures.choices import BOOKED, OrderState
from luoshi.lectures.models import LectureCategory, LectureItem, LectureOrder
from luoshi.members.models import Member

HELD_STATES: tuple[str, ...] = (OrderState.HELD, OrderState.RATED)


def may_see_lectures(user: Any) -> bool:
    return scope.has_perm_anywhere(user, Perm.VIEW) or scope.has_perm_anywhere(user, Perm.ACCEPT_LECTURE)


def campaign_choices(user: Any) -> CampaignQuerySet:
    """The campaigns whose menu the user sees: those they take part in, as a viewer or as a speaker."""
    viewed = visible_campaigns(user, Perm.VIEW).values("pk")
    spoken = visible_campaigns(user, Perm.ACCEPT_LECTURE).values("pk")
    found = Campaign.objects.filter(Q(pk__in=viewed) | Q(pk__in=spoken)).select_related("unit")
    return found.order_by("-starts_on", "-id")


def items_for(user: Any) -> QuerySet[LectureItem]:
    """Every item of a menu the user sees (the menu is the campaign's, not a unit's)."""
    found = LectureItem.objects.filter(campaign__in=campaign_choices(user))
    return found.select_related("campaign__unit", "category", "speaker")


def categories_for(user: Any) -> QuerySet[LectureCategory]:
    return LectureCategory.objects.filter(campaign__in=campaign_choices(user)).select_related("campaign")


def orders_q(user: Any) -> Q:
    """Orders within the user's scope, and the orders the user speaks at (a speaker's own)."""
    found = scope.visible_q(user, Perm.VIEW)
    if scope.has_perm_anywhere(user, Perm.ACCEPT_LECTURE):
        found |= scope.visible_q(user, Perm.ACCEPT_LECTURE) & Q(speaker__user=user)
    return found


def orders_for(user: Any) -> QuerySet[LectureOrder]:
    return LectureOrder.objects.filter(orders_q(user)).select_related(
        "campaign__unit", "item__category", "unit", "speaker"
    )


def speaker_of(user: Any) -> Member | None:
    """The member a speaker's login belongs to, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


@dataclass
class ItemFigures:
    orders: int = 0
    held: int = 0
    listeners: int = 0
    rating: float | None = None
    ratings: int = 0


@dataclass
class MenuItem:
    item: LectureItem
    figures: ItemFigures


@dataclass
class MenuCategory:
    category: LectureCategory
    items: list[MenuItem] = field(default_factory=list)


def figures(items: Any) -> dict[int, ItemFigures]:
    """Per item: its orders (all but cancelled), held lectures, listeners and the average rating; one query."""
    rows = (
        LectureOrder.objects.filter(item__in=items)
        .order_by()
        .values("item_id")
        .annotate(
            n_orders=Count("id", filter=~Q(state=OrderState.CANCELLED)),
            n_held=Count("id", filter=Q(state__in=HELD_STATES)),
            n_listeners=Sum("listeners", filter=Q(state__in=HELD_STATES)),
            avg_rating=Avg("rating", filter=Q(state=OrderState.RATED)),
            n_ratings=Count("id", filter=Q(state=OrderState.RATED)),
        )
    )
    return {
        r["item_id"]: ItemFigures(
            r["n_orders"],
            r["n_held"],
            r["n_listeners"] or 0,
            float(r["avg_rating"]) if r["avg_rating"] is not None else None,
            r["n_ratings"],
        )
        for r in rows
    }


def menu(campaign: Campaign, *, active_only: bool = False) -> list[MenuCategory]:
    """The campaign's menu by category, each item with its figures."""
    items = LectureItem.objects.filter(campaign=campaign).select_related("speaker").order_by("category_id", "id")
    if active_only:
        items = items.filter(active=True)
    found = figures(items.values("pk"))
    rows = {c.pk: MenuCategory(c) for c in LectureCategory.objects.filter(campaign=campaign).order_by("order", "id")}
    for item in items:
        rows[item.category_id].items.append(MenuItem(item, found.get(item.pk, ItemFigures())))
    return list(rows.values())


@dataclass
class Totals:
    items: int
    orders: int
    held: int
    listeners: int


def totals(campaign: Campaign) -> Totals:
    """The campaign's menu in figures: items, orders (not cancelled), held lectures, listeners."""
    orders = LectureOrder.objects.filter(campaign=campaign).order_by()
    counted = orders.aggregate(
        n_orders=Count("id", filter=~Q(state=OrderState.CANCELLED)),
        n_held=Count("id", filter=Q(state__in=HELD_STATES)),
        n_listeners=Sum("listeners", filter=Q(state__in=HELD_STATES)),
    )
    items = LectureItem.objects.filter(campaign=campaign).count()
    return Totals(items, counted["n_orders"], counted["n_held"], counted["n_listeners"] or 0)


def booked(user: Any, speaker: Member | None = None) -> QuerySet[LectureOrder]:
    """Booked half-days (dispatched, accepted, held, rated) the user sees, a speaker's own when ``speaker``."""
    found = orders_for(user).filter(state__in=BOOKED)
    if speaker is not None:
        found = found.filter(speaker=speaker)
    return found.order_by("date", "half", "id")
