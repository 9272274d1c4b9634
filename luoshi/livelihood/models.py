"""Livelihood projects (民生实事): proposals and their vote, projects with milestones, tasks, progress, evaluation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.livelihood import figures
from luoshi.livelihood.choices import (
    Category,
    ProjectEventKind,
    ProjectState,
    ProposalEventKind,
    ProposalSource,
    ProposalState,
    TaskEventKind,
    TaskState,
)
from luoshi.tracking.models import (
    EvidenceFileBase,
    LightedItem,
    ProgressReportBase,
    TimelineEvent,
    TrackedItem,
)

USER = settings.AUTH_USER_MODEL
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class LivelihoodSettings(TimeStamped, Scoped):
    """A campaign's livelihood options: whether its projects are shown to the public and proposals collected."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="livelihood_settings"
    )
    public = models.BooleanField(_("向社会公开"), default=False)
    collecting = models.BooleanField(_("征集群众建议"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民生实事设置")
        verbose_name_plural = _("民生实事设置")

    def __str__(self) -> str:
        return str(self.campaign)


class ProjectProposal(TrackedItem):
    """A proposed project (项目建议): from a unit in the platform or from the public page."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="livelihood_proposals"
    )
    source = models.CharField(_("来源"), max_length=10, choices=ProposalSource.choices)
    title = models.CharField(_("建议项目"), max_length=100)
    description = models.TextField(_("具体内容"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("提报单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("拟牵头单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("提报人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    citizen_name_enc = models.TextField(_("姓名（密文）"), blank=True)
    citizen_name_masked = models.CharField(_("姓名"), max_length=20, blank=True)
    citizen_phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    citizen_phone_index = models.CharField(_("电话索引"), max_length=64, blank=True)
    citizen_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=ProposalState.choices, default=ProposalState.SUBMITTED)
    decision_note = models.TextField(_("筛选意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("项目建议")
        verbose_name_plural = _("项目建议")
        indexes = [
            models.Index(fields=["campaign", "state"], name="lh_proposal_campaign_state"),
            models.Index(fields=["org_path", "state"], name="lh_proposal_path_state"),
            models.Index(fields=["citizen_phone_index"], name="lh_proposal_phone"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"JY{self.pk:06d}"


class VoteRound(TimeStamped, Scoped):
    """A vote (票决) on a campaign's shortlisted proposals, by ``voters`` people (应参加票决人数)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="livelihood_votes"
    )
    name = models.CharField(_("票决会议"), max_length=100)
    held_on = models.DateField(_("票决日期"))
    voters = models.PositiveIntegerField(_("应参加票决人数"))
    note = models.TextField(_("说明"), blank=True)
    held_by = models.ForeignKey(USER, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("票决")
        verbose_name_plural = _("票决")

    def __str__(self) -> str:
        return self.name


class VoteResult(TimeStamped, Scoped):
    """The counts of one proposal in a vote; adopted when more than half of ``voters`` voted for it."""

    round = models.ForeignKey(VoteRound, verbose_name=_("票决"), on_delete=models.CASCADE, related_name="results")
    proposal = models.OneToOneField(
        ProjectProposal, verbose_name=_("项目建议"), on_delete=models.CASCADE, related_name="vote"
    )
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    votes_abstain = models.PositiveIntegerField(_("弃权"))
    adopted = models.BooleanField(_("通过"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("票决结果")
        verbose_name_plural = _("票决结果")

    def __str__(self) -> str:
        return f"{self.proposal} {self.votes_for}/{self.votes_against}/{self.votes_abstain}"


class LivelihoodProject(LightedItem):
    """A livelihood project (民生实事项目) of a campaign, led by one unit and carried out through its tasks."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="livelihood_projects"
    )
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER)
    leader_name = models.CharField(_("责任领导"), max_length=50, blank=True)
    leader = models.ForeignKey(
        USER, verbose_name=_("责任领导账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_unit = models.ForeignKey("orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    assisting_units = models.ManyToManyField("orgs.Unit", verbose_name=_("配合单位"), blank=True, related_name="+")
    budget = models.DecimalField(_("投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("计划完成时间"))
    state = models.CharField(_("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.IN_PROGRESS)
    proposal = models.OneToOneField(
        ProjectProposal,
        verbose_name=_("来源建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    reported_percent = models.PositiveSmallIntegerField(_("报送进度"), default=0, validators=PERCENT)
    progress = models.DecimalField(_("进度（%）"), max_digits=4, decimal_places=1, default=Decimal("0.0"))
    stop_reason = models.TextField(_("终止原因"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    satisfied = models.PositiveIntegerField(_("满意"), null=True, blank=True)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), null=True, blank=True)
    dissatisfied = models.PositiveIntegerField(_("不满意"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("测评时间"), null=True, blank=True)
    evaluation_note = models.TextField(_("测评说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("立项人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        indexes = [
            models.Index(fields=["campaign", "state"], name="lh_project_campaign_state"),
            models.Index(fields=["org_path", "state"], name="lh_project_path_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"MS{self.pk:06d}"

    @property
    def evaluation_total(self) -> int:
        return (self.satisfied or 0) + (self.basically_satisfied or 0) + (self.dissatisfied or 0)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(满意 + 基本满意) / total in percent, one decimal; None before the evaluation."""
        return figures.satisfaction_rate(self.satisfied or 0, self.basically_satisfied or 0, self.dissatisfied or 0)


class ProjectMilestone(TimeStamped, Scoped):
    """A time node (时间节点) of a project: planned, and reached on a day."""

    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("节点"), max_length=100)
    planned_on = models.DateField(_("计划日期"))
    reached_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "planned_on", "id"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")

    def __str__(self) -> str:
        return self.name


class ProjectTask(LightedItem):
    """A task (子项) of a project, carried out by its owner unit."""

    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="tasks"
    )
    name = models.CharField(_("子项"), max_length=200)
    owner_unit = models.ForeignKey("orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("完成时限"))
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0, validators=PERCENT)
    state = models.CharField(_("状态"), max_length=20, choices=TaskState.choices, default=TaskState.NOT_STARTED)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "deadline", "id"]
        verbose_name = _("项目子项")
        verbose_name_plural = _("项目子项")
        indexes = [models.Index(fields=["org_path", "state"], name="lh_task_path_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_percent(self) -> int:
        """A finished task counts as 100 %, whatever was last reported."""
        return 100 if self.state == TaskState.DONE else self.percent


class ProjectProgress(ProgressReportBase):
    """A progress report (进展报送) on a project or one of its tasks, with the percent reached."""

    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    task = models.ForeignKey(
        ProjectTask,
        verbose_name=_("子项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    percent = models.PositiveSmallIntegerField(_("进度（%）"), validators=PERCENT)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "created_at", "id"]
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")


class ProjectEvidence(EvidenceFileBase):
    """An evidence file (佐证材料) of a progress report."""

    report = models.ForeignKey(
        ProjectProgress, verbose_name=_("进展"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目佐证材料")
        verbose_name_plural = _("项目佐证材料")


class ProposalEvent(TimelineEvent):
    proposal = models.ForeignKey(
        ProjectProposal, verbose_name=_("项目建议"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=ProposalEventKind.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "at", "id"]
        verbose_name = _("建议处理记录")
        verbose_name_plural = _("建议处理记录")


class ProjectEvent(TimelineEvent):
    project = models.ForeignKey(
        LivelihoodProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=ProjectEventKind.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "at", "id"]
        verbose_name = _("项目处理记录")
        verbose_name_plural = _("项目处理记录")


class TaskEvent(TimelineEvent):
    task = models.ForeignKey(ProjectTask, verbose_name=_("子项"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=TaskEventKind.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("子项处理记录")
        verbose_name_plural = _("子项处理记录")
