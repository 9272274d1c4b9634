from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.problems.choices import EventKind, Kind, MeasureState, Severity, State
from luoshi.tracking.models import (
    DecidedRequest,
    EvidenceFileBase,
    ExtensionRequestBase,
    LightedItem,
    ProgressReportBase,
    TimelineEvent,
)

USER = settings.AUTH_USER_MODEL


class ProblemClass(TimeStamped, Scoped):
    """A class of similar problems (一类事) so that one fix serves them all."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("归口单位"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")

    def __str__(self) -> str:
        return self.name


class Problem(LightedItem):
    """A problem on the rectification list (问题清单中的问题)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("具体表现"), blank=True)
    channel = models.ForeignKey("campaigns.Channel", verbose_name=_("来源"), on_delete=models.PROTECT, related_name="+")
    aspect = models.ForeignKey("campaigns.Aspect", verbose_name=_("方面"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="problems")
    responsible_leader = models.ForeignKey(
        USER, verbose_name=_("责任领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="led_problems"
    )
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    kind = models.CharField(_("整改类型"), max_length=10, choices=Kind.choices, default=Kind.DEADLINE)
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改时限"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING_CLAIM)
    problem_class = models.ForeignKey(
        ProblemClass,
        verbose_name=_("所属类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    filed_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        indexes = [
            models.Index(fields=["org_path", "state"]),
            models.Index(fields=["campaign", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["light"]),
            # The few open problems whose light is behind their deadline (overdue from the rollups).
            models.Index(fields=["light", "state", "deadline"], name="problem_light_late"),
            # Covers every dashboard GROUP BY, so a subtree's figures are read from the index alone.
            models.Index(
                fields=["org_path", "campaign", "state", "light", "deadline", "aspect", "channel"],
                name="problem_dashboard_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"WT{self.pk:06d}"


class Measure(TimeStamped, Scoped):
    """A rectification measure (整改措施) with its own owner and deadline."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="measures")
    text = models.TextField(_("措施内容"))
    is_innovation = models.BooleanField(_("创新举措"), default=False)
    owner_unit = models.ForeignKey("orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        USER, verbose_name=_("牵头领导"), null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    owner_name = models.CharField(_("牵头领导姓名"), max_length=50, blank=True)
    deadline = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=20, choices=MeasureState.choices, default=MeasureState.IN_PROGRESS)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["problem", "id"]
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")

    def __str__(self) -> str:
        return self.text[:60]


class ProgressEntry(ProgressReportBase):
    """A progress report on a problem (整改进展), optionally about one measure."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="progress")
    measure = models.ForeignKey(
        Measure, verbose_name=_("措施"), null=True, blank=True, on_delete=models.SET_NULL, related_name="progress"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["problem", "created_at", "id"]
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")


class Evidence(EvidenceFileBase):
    """An evidence file (佐证材料) attached to a progress entry."""

    progress = models.ForeignKey(
        ProgressEntry, verbose_name=_("进展"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class ClosureRequest(DecidedRequest):
    """A request to close a problem (销号申请), signed off by the unit's leader, decided by the reviewing level."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="closure_requests"
    )
    summary = models.TextField(_("整改情况说明"))
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")

    def __str__(self) -> str:
        return f"{self.problem} · {self.get_state_display()}"


class ExtensionRequest(ExtensionRequestBase):
    """A request to move a problem's deadline (延期申请), asked before the deadline passes."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("原时限"))
    new_deadline = models.DateField(_("申请时限"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.problem} → {self.new_deadline}"


class ProblemEvent(TimelineEvent):
    """One entry of a problem's timeline (处理记录), separate from the security audit log."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["problem", "at", "id"]
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")


class ProblemRollup(Scoped):
    """Subtree figures of problems per campaign and unit (问题分级汇总), kept as problems change.

    One row per (campaign, unit) holds the totals of the unit's WHOLE subtree: a problem counts in the
    row of its unit and of every ancestor, changed in the same transaction as the problem (see
    ``luoshi.problems.rollups``). A dashboard reads one row per unit shown, whatever the number of
    problems. Lights count open problems only; overdue is derived from ``red`` (see ``rollups``).
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(default=0)
    pending_claim = models.PositiveIntegerField(default=0)
    rectifying = models.PositiveIntegerField(default=0)
    pending_review = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("问题汇总")
        verbose_name_plural = _("问题汇总")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_problem_rollup")]
        indexes = [models.Index(fields=["campaign", "org_path"], name="problem_rollup_path")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.org_path}"


class ProblemFacetRollup(Scoped):
    """How many problems of a unit's whole subtree fall in each aspect (问题方面) or channel (问题来源)."""

    ASPECT = "a"
    CHANNEL = "c"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=1)
    facet_id = models.PositiveBigIntegerField()
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("问题分类汇总")
        verbose_name_plural = _("问题分类汇总")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "facet", "facet_id"], name="unique_problem_facet")
        ]
        indexes = [models.Index(fields=["campaign", "org_path"], name="problem_facet_path")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.org_path} {self.facet}{self.facet_id}"


class ProblemLightsDay(models.Model):
    """The day for which the daily sweep last computed the light of every open problem of a campaign.

    While it is today, red is exactly "open and past the deadline", so the dashboard's overdue figure is
    read from the rollups alone; otherwise it is corrected from the problems (``rollups.tallies``).
    ``swept_on`` is the day the sweep ran (a sweep for a later day says nothing of the lights computed
    after it).
    """

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="+")
    day = models.DateField(_("预警计算日期"))
    swept_on = models.DateField(_("刷新执行日期"))

    class Meta:
        verbose_name = _("预警刷新日期")
        verbose_name_plural = _("预警刷新日期")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day}"
