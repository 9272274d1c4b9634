"""Key tasks (重点任务): a campaign's tasks, decomposed up to three levels and assigned to units.

A task belongs to the office unit that issued it (``unit``, the campaign's unit unless a lower office
issues it); its assignments (任务分解交办) are the tracked items, one per unit, each with its own owner,
deadline, state, light, progress reports and requests.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.tasks.choices import AssignRole, Cycle, EventKind, State
from luoshi.tracking.models import (
    DecidedRequest,
    EvidenceFileBase,
    ExtensionRequestBase,
    LightedItem,
    ProgressReportBase,
    TimelineEvent,
)

USER = settings.AUTH_USER_MODEL


class TaskSource(models.Model):
    """Where a task comes from (任务来源: 会议部署, 领导批示 …), configurable per campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="task_sources"
    )
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["campaign_id", "order", "id"]
        verbose_name = _("任务来源")
        verbose_name_plural = _("任务来源")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="tasks_source_unique_name")]

    def __str__(self) -> str:
        return self.name


class TaskQuerySet(ScopedQuerySet["Task"]):
    def visible_to(self, user: Any, perm: str = "view") -> TaskQuerySet:
        """Tasks issued within the user's scope, tasks assigned to a unit within it, and the tasks above those
        (a sub-task is read under its parent)."""
        mine = TaskAssignment.objects.filter(scope.visible_q(user, perm))
        assigned = Q(Exists(mine.filter(task=OuterRef("pk"))))
        below = Exists(mine.filter(task__parent=OuterRef("pk"))) | Exists(
            mine.filter(task__parent__parent=OuterRef("pk"))
        )
        return self.filter(scope.visible_q(user, perm) | assigned | below)


class Task(TimeStamped, Scoped):
    """A key task (重点任务) of a campaign; ``org_path`` is the path of the issuing unit."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="tasks"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    title = models.CharField(_("任务名称"), max_length=200)
    is_innovation = models.BooleanField(_("创新举措"), default=False)
    source = models.ForeignKey(TaskSource, verbose_name=_("任务来源"), on_delete=models.PROTECT, related_name="tasks")
    description = models.TextField(_("任务描述"), blank=True)
    leader = models.ForeignKey(
        USER, verbose_name=_("责任领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField(_("责任领导姓名"), max_length=50, blank=True)
    weight = models.DecimalField(
        _("权重"), max_digits=8, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    due_on = models.DateField(_("完成时限"))
    cycle = models.CharField(_("报送周期"), max_length=12, choices=Cycle.choices, default=Cycle.MONTHLY)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        indexes = [models.Index(fields=["campaign", "parent"])]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"RW{self.pk:06d}"


class Milestone(TimeStamped, Scoped):
    """A milestone of a task (时间节点): a name, a date, and whether it was reached."""

    task = models.ForeignKey(Task, verbose_name=_("重点任务"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100)
    due_on = models.DateField(_("节点日期"))
    reached = models.BooleanField(_("已达成"), default=False)
    reached_on = models.DateField(_("达成日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["task_id", "due_on", "id"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")

    def __str__(self) -> str:
        return self.name


class TaskAssignment(LightedItem):
    """A task assigned to one unit (任务分解交办), lead or assisting; passed down, it has a ``parent``."""

    task = models.ForeignKey(Task, verbose_name=_("重点任务"), on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级交办"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    role = models.CharField(_("职责"), max_length=10, choices=AssignRole.choices, default=AssignRole.LEAD)
    owner = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("办理时限"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING_SIGN)
    signed_on = models.DateField(_("签收日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度"), default=0, validators=[MaxValueValidator(100)])
    last_report_on = models.DateField(_("最近报送"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        USER, verbose_name=_("交办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["task_id", "org_path", "id"]
        verbose_name = _("任务分解交办")
        verbose_name_plural = _("任务分解交办")
        indexes = [
            models.Index(fields=["task", "state"]),
            models.Index(fields=["task", "light"]),
            models.Index(fields=["org_path", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"], condition=~Q(state=State.REVOKED), name="tasks_assignment_one_open_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"

    @property
    def number(self) -> str:
        return f"JB{self.pk:06d}"


class TaskEvent(TimelineEvent):
    """One entry of an assignment's timeline (办理记录)."""

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("任务分解交办"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["assignment_id", "at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")


class TaskExtension(ExtensionRequestBase):
    """A request to move an assignment's deadline (延期申请), asked before it passes."""

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("任务分解交办"), on_delete=models.CASCADE, related_name="extensions"
    )
    old_due = models.DateField(_("原时限"))
    new_due = models.DateField(_("申请时限"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("任务延期申请")
        verbose_name_plural = _("任务延期申请")

    def __str__(self) -> str:
        return f"{self.assignment} → {self.new_due}"


class FinishRequest(DecidedRequest):
    """A request to finish an assignment (办结申请), decided by the office that issued the task."""

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("任务分解交办"), on_delete=models.CASCADE, related_name="finish_requests"
    )
    summary = models.TextField(_("办结情况说明"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("办结申请")
        verbose_name_plural = _("办结申请")

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_state_display()}"


class TaskProgress(ProgressReportBase):
    """A progress report of one reporting round (进展报送)."""

    assignment = models.ForeignKey(
        TaskAssignment, verbose_name=_("任务分解交办"), on_delete=models.CASCADE, related_name="progress"
    )
    percent = models.PositiveSmallIntegerField(_("完成进度"), validators=[MaxValueValidator(100)])
    difficulties = models.TextField(_("存在困难"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    reported_on = models.DateField(_("报送日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["assignment_id", "reported_on", "id"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        indexes = [models.Index(fields=["assignment", "reported_on"])]


class TaskEvidence(EvidenceFileBase):
    """An evidence file (佐证材料) of a progress report."""

    progress = models.ForeignKey(
        TaskProgress, verbose_name=_("进展"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务佐证材料")
        verbose_name_plural = _("任务佐证材料")
