"""Problems on the tracked-work engine: the rules that decide which actions are open to whom now."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access.roles import Perm
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind
from luoshi.problems import rollups, workflow
from luoshi.problems.choices import EventKind, RequestState, State
from luoshi.problems.models import Problem, ProblemEvent
from luoshi.tracking.engine import Activity, Tracker
from luoshi.tracking.workflow import Transition


def _claimable(actor: Any, problem: Problem) -> str | None:
    if problem.responsible_leader_id and problem.responsible_leader_id != getattr(actor, "pk", None):
        return _("该问题已指定责任领导「{leader}」，只能由其认领。").format(leader=problem.responsible_leader)
    return None


def _decidable(actor: Any, problem: Problem) -> str | None:
    closure = problem.closure_requests.filter(state=RequestState.PENDING).first()
    if closure is None:
        return _("没有待审核的销号申请。")
    if closure.requested_by_id == getattr(actor, "pk", None):
        return _("销号须由审核层级的其他人员审核，不能审核自己的申请。")
    return None


def _extendable(actor: Any, problem: Problem) -> str | None:
    if problem.state == State.CLOSED:
        return _("已销号的问题不能申请延期。")
    if timezone.localdate() > problem.deadline:
        return _("整改时限已过，不能再申请延期。延期须在时限届满前提出。")
    if problem.extensions.filter(state=RequestState.PENDING).exists():
        return _("该问题已有待审批的延期申请。")
    return None


def _extension_to_decide(actor: Any, problem: Problem) -> str | None:
    pending = problem.extensions.filter(state=RequestState.PENDING).first()
    if pending is None:
        return _("没有待审批的延期申请。")
    if pending.requested_by_id == getattr(actor, "pk", None):
        return _("不能审批自己的延期申请。")
    return None


ALL_STATES = tuple(State.values)
RECTIFYING = (State.RECTIFYING,)


class ProblemTracker(Tracker[Problem]):
    def refresh(self, item: Problem) -> None:
        item.light = workflow.light_for(item.state, item.deadline, timezone.localdate(), item.campaign.yellow_days)

    def facts(self, item: Problem) -> rollups.Facts:
        return rollups.facts(item)

    def moved(self, before: Any, item: Problem) -> None:
        rollups.on_saved(before, item)

    def notify(self, actor: Any, item: Problem, step: Transition | str) -> None:
        """销号审核 (approved or sent back) → who asked to close; 延期审批 → who asked for the extension."""
        action = self.workflow.name_of(step) if isinstance(step, Transition) else step
        if action in ("approve_closure", "send_back"):
            to = list(item.closure_requests.order_by("-id").values_list("requested_by_id", flat=True)[:1])
            approved = action == "approve_closure"
            kind = NoticeKind.DECIDED if approved else NoticeKind.SENT_BACK
            text = _("销号申请已通过：{problem}") if approved else _("销号申请被退回：{problem}")
        elif action in (EventKind.EXTENSION_APPROVED, EventKind.EXTENSION_REJECTED):
            approved = action == EventKind.EXTENSION_APPROVED
            state = RequestState.APPROVED if approved else RequestState.REJECTED
            decided = item.extensions.filter(state=state).order_by("-decided_at", "-id")
            to = list(decided.values_list("requested_by_id", flat=True)[:1])
            kind = NoticeKind.DECIDED
            text = _("延期申请已同意：{problem}") if approved else _("延期申请未同意：{problem}")
        else:
            return
        url = reverse("problems:detail", args=[item.pk])
        notices.notify(to, kind=kind, title=text.format(problem=item.title), url=url, obj=item)


PROBLEMS = ProblemTracker(
    model=Problem,
    workflow=workflow.WORKFLOW,
    event_model=ProblemEvent,
    item_field="problem",
    stale_message=gettext_lazy("该问题已被他人修改，请刷新页面后重试。"),
    related=("campaign",),
    guards={"claim": _claimable, "approve_closure": _decidable, "send_back": _decidable},
    activities={
        "edit": Activity(gettext_lazy("修改问题"), Perm.EDIT_PROBLEM, workflow.OPEN_STATES),
        "add_measure": Activity(gettext_lazy("制定整改措施"), Perm.MANAGE_MEASURES, RECTIFYING),
        "complete_measure": Activity(gettext_lazy("措施完成"), Perm.REPORT_PROGRESS, RECTIFYING),
        "report_progress": Activity(gettext_lazy("报送进展"), Perm.REPORT_PROGRESS, RECTIFYING),
        "request_extension": Activity(gettext_lazy("申请延期"), Perm.REQUEST_EXTENSION, ALL_STATES, _extendable),
        "decide_extension": Activity(
            gettext_lazy("审批延期"), Perm.APPROVE_EXTENSION, ALL_STATES, _extension_to_decide
        ),
    },
)
