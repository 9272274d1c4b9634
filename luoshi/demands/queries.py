"""The read side of citizen demands for staff pages, exports and the API, with the right joins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.demands import services, workflow
from luoshi.demands.choices import Satisfaction
from luoshi.demands.models import Demand, DemandExtension
from luoshi.orgs import queries as org_queries
from luoshi.orgs.models import Unit

LIST_RELATED = ("channel", "category", "handling_unit", "dispatcher_unit", "company", "project")
DETAIL_RELATED = (*LIST_RELATED, "problem")
PENDING = "pending"
UNIT_OPTIONS_LIMIT = 50


def visible_demands(user: Any) -> QuerySet[Demand]:
    return Demand.objects.visible_to(user, Perm.VIEW_DEMANDS).select_related(*LIST_RELATED)


def load_demand(user: Any, pk: int) -> Demand:
    """A demand the user may see, or 404 (out of scope looks like missing)."""
    return scope.get_visible_or_404(Demand.objects.select_related(*DETAIL_RELATED), user, Perm.VIEW_DEMANDS, pk=pk)


def pending_extension(demand: Demand) -> DemandExtension | None:
    return demand.extensions.filter(state=PENDING).select_related("requested_by").order_by("-id").first()


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


def demand_permissions(user: Any, demand: Demand, extension: DemandExtension | None) -> dict[str, bool]:
    """Exactly the actions ``user`` may offer on ``demand`` now, for the buttons of the detail page."""
    path = demand.org_path

    def may(perm: str) -> bool:
        return scope.can(user, perm, path)

    can = {name: may(workflow.TRANSITIONS[name].perm) for name in workflow.actions_from(demand.state)}
    allowed = {name: can.get(name, False) for name in workflow.TRANSITIONS}
    allowed["redo"] = allowed["redo"] and demand.satisfaction == Satisfaction.UNSATISFIED
    allowed["escalate"] = allowed["escalate"] and not demand.escalated
    allowed["request_extension"] = allowed["request_extension"] and extension is None
    allowed["decide_extension"] = (
        extension is not None and extension.requested_by_id != user.pk and may(Perm.APPROVE_DEMAND_EXTENSION)
    )
    allowed["reveal"] = services.may_reveal(user, demand)
    allowed["link_problem"] = demand.problem_id is None and scope.has_perm_anywhere(user, Perm.EDIT_PROBLEM)
    return allowed
