"""The read side of citizen demands for staff pages, exports and the API, with the right joins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.demands import services
from luoshi.demands.models import Demand, DemandExtension
from luoshi.orgs import queries as org_queries
from luoshi.orgs.models import Unit
from luoshi.tracking import engine
from luoshi.tracking.choices import RequestState

LIST_RELATED = ("channel", "category", "handling_unit", "dispatcher_unit", "company", "project")
DETAIL_RELATED = (*LIST_RELATED, "problem")
UNIT_OPTIONS_LIMIT = 50


def visible_demands(user: Any) -> QuerySet[Demand]:
    return Demand.objects.visible_to(user, Perm.VIEW_DEMANDS).select_related(*LIST_RELATED)


def load_demand(user: Any, pk: int) -> Demand:
    """A demand the user may see, or 404 (out of scope looks like missing)."""
    return scope.get_visible_or_404(Demand.objects.select_related(*DETAIL_RELATED), user, Perm.VIEW_DEMANDS, pk=pk)


def pending_extension(demand: Demand) -> DemandExtension | None:
    return demand.extensions.filter(state=RequestState.PENDING).select_related("requested_by").order_by("-id").first()


def dispatch_units(user: Any, text: str = "") -> list[Unit]:
    """Units a dispatcher may send a ticket to, searched by name or code, short enough for one select."""
    if not text:
        return org_queries.unit_shortlist(user, Perm.DISPATCH_DEMAND, limit=UNIT_OPTIONS_LIMIT)
    units = Unit.objects.visible_to(user, Perm.DISPATCH_DEMAND).order_by("path")
    return list(units.filter(Q(name__icontains=text) | Q(code__iexact=text))[:UNIT_OPTIONS_LIMIT])


@dataclass(frozen=True)
class Deadline:
    """One step's time limit (时限) on the detail page: late ones are shown red."""

    label: str
    due: Any
    done_at: Any

    @property
    def late(self) -> bool:
        if self.due is None:
            return False
        return (self.done_at or timezone.now()) > self.due


def deadlines(demand: Demand) -> list[Deadline]:
    fields = (
        ("sign_due", "signed_at"),
        ("respond_due", "responded_at"),
        ("resolve_due", "finished_at"),
        ("callback_due", "called_back_at"),
    )
    labels = {f.name: str(f.verbose_name) for f in Demand._meta.concrete_fields}
    return [
        Deadline(labels[due], getattr(demand, due), getattr(demand, done))
        for due, done in fields
        if getattr(demand, due) is not None
    ]


def demand_permissions(user: Any, demand: Demand) -> dict[str, bool]:
    """The engine's answer as booleans by action, for the buttons of the detail page."""
    tracker = services.DEMANDS
    open_now = set(engine.available_actions(tracker, user, demand))
    return {name: name in open_now for name in (*tracker.workflow.transitions, *tracker.activities)}
