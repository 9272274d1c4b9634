"""Supervision (督导): groups sent by a campaign to units, their visits' records, findings and reports.

A group (督导组) has a leader, members and a liaison and is assigned units for a time (``GroupAssignment``):
while an assignment runs, its members read the assigned unit's data as supervisors (scope by assignment,
given to ``luoshi.access.scope`` by this app) and lose it when the assignment ends. Visits are filed on the
shared calendar (``luoshi.visits``); what the group saw is a ``VisitRecord``. Findings (督导发现) and the
per-unit report (督导报告) are tracked items on the engine.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.supervision.choices import EventKind, FindingKind, FindingState, MemberRole, ReportState
from luoshi.tracking.models import EvidenceFileBase, TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


class SupervisionGroup(TimeStamped, Scoped):
    """A supervision group (督导组) of a campaign; ``org_path`` is the path of the unit that sends it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="supervision_groups"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "round", "id"]
        verbose_name = _("督导组")
        verbose_name_plural = _("督导组")

    def __str__(self) -> str:
        return self.name

    @property
    def organiser_key(self) -> str:
        return f"group:{self.pk}"


class GroupMember(TimeStamped):
    """A member of a group (督导组成员): its leader (组长), a member or its liaison (联络员)."""

    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("督导组"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        USER, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="supervision_memberships"
    )
    role = models.CharField(_("职务"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        ordering = ["group_id", "role", "id"]
        verbose_name = _("督导组成员")
        verbose_name_plural = _("督导组成员")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="supervision_one_membership")]

    def __str__(self) -> str:
        return f"{self.group} · {self.user}"


class GroupAssignment(TimeStamped, Scoped):
    """A unit assigned to a group (督导对象) from ``starts_on`` to ``ends_on``; ``org_path`` is the unit's."""

    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("督导组"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("督导单位"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["group_id", "org_path"]
        verbose_name = _("督导对象")
        verbose_name_plural = _("督导对象")
        indexes = [models.Index(fields=["unit", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.group} → {self.unit}"


class ChecklistItem(TimeStamped):
    """An item of a campaign's supervision checklist (督导评分细则), scored on each visit up to ``max_score``."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    aspect = models.ForeignKey(
        "campaigns.Aspect", verbose_name=_("方面"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("评分项"), max_length=200)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["campaign_id", "order", "id"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")

    def __str__(self) -> str:
        return self.text


class VisitRecord(TimeStamped, Scoped):
    """What a group saw on a visit (走访记录): notes, scores, files, questionnaires; ``org_path`` is the unit's."""

    visit = models.OneToOneField(
        "visits.Visit", verbose_name=_("走访"), on_delete=models.PROTECT, related_name="record"
    )
    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("督导组"), on_delete=models.PROTECT, related_name="records"
    )
    notes = models.TextField(_("走访情况"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")

    def __str__(self) -> str:
        return str(self.visit)


class ChecklistScore(models.Model):
    """The score a visit gave one checklist item."""

    record = models.ForeignKey(VisitRecord, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    note = models.CharField(_("扣分说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["record", "item"], name="supervision_one_score_per_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.score}"


class Questionnaire(TimeStamped, Scoped):
    """The people talked to on a 访 visit (问卷): how many, and how satisfied."""

    record = models.ForeignKey(
        VisitRecord, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="questionnaires"
    )
    topic = models.CharField(_("问卷主题"), max_length=200)
    respondents = models.PositiveIntegerField(_("受访人数"))
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), default=0)
    dissatisfied = models.PositiveIntegerField(_("不满意"), default=0)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")


class VisitFile(EvidenceFileBase):
    """A photo or file of a visit (走访材料), stored through the one upload checker."""

    record = models.ForeignKey(VisitRecord, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="files")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访材料")
        verbose_name_plural = _("走访材料")


class Finding(TrackedItem):
    """A finding of a group in a unit (督导发现); transferred once into the unit's problem list."""

    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("督导组"), on_delete=models.PROTECT, related_name="findings"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("被督导单位"), on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        VisitRecord,
        verbose_name=_("走访记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    aspect = models.ForeignKey(
        "campaigns.Aspect", verbose_name=_("方面"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=FindingKind.choices, default=FindingKind.PROBLEM)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("具体情况"))
    requirement = models.TextField(_("整改要求"), blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=FindingState.choices, default=FindingState.DRAFT)
    dismiss_reason = models.TextField(_("排除理由"), blank=True)
    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("转办问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_finding",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("督导发现")
        verbose_name_plural = _("督导发现")
        indexes = [models.Index(fields=["group", "state"]), models.Index(fields=["org_path", "state"])]

    def __str__(self) -> str:
        return self.title


class FindingEvent(TimelineEvent):
    """One entry of a finding's timeline."""

    finding = models.ForeignKey(Finding, verbose_name=_("督导发现"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=FindingState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=FindingState.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["finding_id", "at", "id"]
        verbose_name = _("督导发现记录")
        verbose_name_plural = _("督导发现记录")


class SupervisionReport(TrackedItem):
    """The supervision report of one unit in one round (督导反馈报告): draft → issued → acknowledged by the unit."""

    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("督导组"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("被督导单位"), on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    due_date = models.DateField(_("整改时限"), null=True, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, verbose_name=_("签收人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("督导报告")
        verbose_name_plural = _("督导报告")
        constraints = [
            models.UniqueConstraint(fields=["group", "unit", "round"], name="supervision_one_report_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.unit}"


class ReportVersion(TimeStamped, Scoped):
    """One generated version of a report's Word document; every version is kept."""

    report = models.ForeignKey(
        SupervisionReport, verbose_name=_("督导报告"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    file = models.FileField(_("文件"), upload_to="supervision/%Y/%m/")
    sha256 = models.CharField("SHA-256", max_length=64)
    made_by = models.ForeignKey(USER, verbose_name=_("生成人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "number"]
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="supervision_one_version_number")]


class ReportEvent(TimelineEvent):
    """One entry of a report's timeline."""

    report = models.ForeignKey(
        SupervisionReport, verbose_name=_("督导报告"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ReportState.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "at", "id"]
        verbose_name = _("督导报告记录")
        verbose_name_plural = _("督导报告记录")
