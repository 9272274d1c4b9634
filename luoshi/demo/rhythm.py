"""The office's rhythm in the demo: urges on the ladder 提醒 → 催办 → 督办 (some acknowledged), today's
reminder sweep, and a system notice for any demo login whose inbox would otherwise be empty."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from luoshi.access.models import RoleAssignment
from luoshi.access.roles import Perm, roles_with
from luoshi.demo.accounts import DEMO_PREFIX
from luoshi.notices import services as notices
from luoshi.notices.models import NoticeKind, Notification
from luoshi.problems.choices import State as ProblemState
from luoshi.problems.models import Problem
from luoshi.reminders.services import run_sweep
from luoshi.tasks.choices import OPEN_STATES
from luoshi.tasks.models import TaskAssignment
from luoshi.urging import services as urging
from luoshi.urging.models import Urge, UrgeLevel

URGE_TEXTS = {
    UrgeLevel.REMIND: "请注意整改时限，按时报送整改进展。",
    UrgeLevel.URGE: "该事项已逾期，请于本周五前报送整改进展和佐证材料。",
    UrgeLevel.SUPERVISE: "该事项逾期时间较长，领导小组办公室挂牌督办，请主要负责同志亲自过问，三日内书面报告。",
}
WELCOME = "欢迎使用落实平台：待办、消息提醒和催办均在页首。"


def _urge_ladder(office: Any, items: list[Any], rng: random.Random) -> list[Urge]:
    """Each item urged one to three steps up the ladder, the last step on the newest date."""
    made: list[Urge] = []
    for item in items:
        for level in (UrgeLevel.REMIND, UrgeLevel.URGE, UrgeLevel.SUPERVISE)[: rng.randint(1, 3)]:
            made += urging.urge(office, [item], message=URGE_TEXTS[level], level=level)
    return made


def build_rhythm(office: Any, campaign: Any, rng: random.Random, today: dt.date) -> dict[str, int]:
    """Urges on the campaign's overdue problems and key-task assignments, half acknowledged by their units,
    today's reminders, and a notice for every demo login with an empty inbox."""
    late = Problem.objects.filter(campaign=campaign, deadline__lt=today).exclude(state=ProblemState.CLOSED)
    tasks = TaskAssignment.objects.filter(task__campaign=campaign, due_on__lt=today, state__in=OPEN_STATES)
    items = [*late.order_by("deadline", "pk")[:12], *tasks.select_related("task", "unit").order_by("due_on")[:6]]
    urges = _urge_ladder(office, items, rng)
    acknowledged = 0
    for urge in urges[::2]:
        answering = _answering(urge)
        if answering is not None:
            urging.acknowledge(answering, urge, "已安排专人督促整改，按期报告。")
            acknowledged += 1
    sent = run_sweep(today, force=True)
    welcomed = _welcome_empty_inboxes()
    return {"urges": len(urges), "acknowledged": acknowledged, "reminders": sum(sent.values()), "welcomed": welcomed}


def _answering(urge: Urge) -> Any:
    roles = roles_with(Perm.ACKNOWLEDGE_URGE)
    found = RoleAssignment.objects.filter(unit_id=urge.unit_id, role__in=roles).select_related("user").first()
    return found.user if found else None


def _welcome_empty_inboxes() -> int:
    users = get_user_model().objects.filter(username__startswith=DEMO_PREFIX, is_active=True)
    empty = users.exclude(pk__in=Notification.objects.values("recipient_id")).values_list("pk", flat=True)
    return len(notices.notify(list(empty), kind=NoticeKind.OTHER, title=WELCOME, url="/"))


def rhythm_lines(counts: dict[str, int]) -> list[str]:
    return [
        f"催办督办 {counts['urges']} 件（已签收 {counts['acknowledged']} 件），今日到期提醒 {counts['reminders']} 条"
    ]
