"""Excel of research: a campaign's topics (in the import's columns, so an export can be edited and imported into
another campaign) and the research plans a user sees with the list's filters. Every cell from user input is
neutralised by ``luoshi.core.excel``; every export is audited."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.excel import Cells, Column, table_bytes
from luoshi.core.filters import applied_filters, refused_filters
from luoshi.research.choices import PlanState
from luoshi.research.filters import PlanFilterSet
from luoshi.research.imports import COUNTER, DESCRIPTION, DIRECTION, TITLE
from luoshi.research.models import ResearchPlan, ResearchTopic

MAX_ROWS = 100_000
STATES = dict(PlanState.choices)


def _require_export(user: Any) -> None:
    if not scope.has_perm_anywhere(user, Perm.EXPORT):
        raise NotAllowed(_("您无权导出。"))


def topics_workbook(user: Any, campaign: Campaign) -> bytes:
    """The campaign's topics, one row each: direction, title, counter-example, description."""
    _require_export(user)
    topics = ResearchTopic.objects.filter(campaign=campaign).select_related("direction")
    rows = [
        (t.direction.name if t.direction else "", t.title, _("是") if t.is_counter_example else _("否"), t.description)
        for t in topics.order_by("direction__order", "direction_id", "id")
    ]
    columns = [
        Column(DIRECTION, width=24),
        Column(TITLE, width=40),
        Column(COUNTER, width=10),
        Column(DESCRIPTION, width=40),
    ]
    content, count = table_bytes(gettext_lazy("调研课题"), columns, rows)
    record(Action.EXPORT, actor=user, obj=campaign, detail=f"导出调研课题 {count} 个", after={"rows": count})
    return content


def plans_workbook(user: Any, params: QueryDict) -> tuple[bytes, int]:
    """The plans the user sees with the list's filters: a row per plan."""
    _require_export(user)
    filterset = PlanFilterSet(params, queryset=ResearchPlan.objects.visible_to(user, Perm.VIEW), user=user)
    if not filterset.is_valid():
        raise RuleViolation(refused_filters(filterset))
    plans = filterset.qs.select_related("campaign", "topic__direction", "unit").order_by("org_path", "id")
    columns = [
        Column(gettext_lazy("编号"), Cells.INTEGER, 8),
        Column(gettext_lazy("活动"), width=20),
        Column(gettext_lazy("调研方向"), width=20),
        Column(gettext_lazy("调研课题"), width=30),
        Column(gettext_lazy("反面案例"), width=8),
        Column(gettext_lazy("方案名称"), width=30),
        Column(gettext_lazy("牵头单位"), width=18),
        Column(gettext_lazy("牵头领导"), width=12),
        Column(gettext_lazy("拟研究的具体问题"), width=50),
        Column(gettext_lazy("调研组成员"), width=24),
        Column(gettext_lazy("完成时限"), Cells.DATE, 12),
        Column(gettext_lazy("状态"), width=10),
        Column(gettext_lazy("提交次数"), Cells.INTEGER, 8),
        Column(gettext_lazy("调研成果"), width=50),
    ]
    rows = (
        (
            p.pk,
            p.campaign.name,
            p.topic.direction.name if p.topic.direction else "",
            p.topic.title,
            _("是") if p.topic.is_counter_example else "",
            p.title,
            p.unit.name,
            p.leader_name,
            "\n".join(f"{i}. {q}" for i, q in enumerate(p.questions or [], start=1)),
            p.team,
            p.due_date,
            str(STATES.get(p.state, p.state)),
            p.submissions,
            p.result_summary,
        )
        for p in plans[:MAX_ROWS]
    )
    content, count = table_bytes(gettext_lazy("调研方案"), columns, rows)
    record(
        Action.EXPORT,
        actor=user,
        object_type=ResearchPlan._meta.label_lower,
        detail=f"导出调研方案 {count} 个",
        after={"rows": count, "filters": applied_filters(filterset, params)},
    )
    return content, count


def download_name() -> str:
    return _("调研方案-{date}.xlsx").format(date=f"{timezone.localdate():%Y%m%d}")
