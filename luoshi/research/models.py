"""Research (调查研究): directions and topics of a campaign, and the research plans of leaders and units.

A plan (调研方案) is reviewed in rounds (submitted → returned with comments → resubmitted, at most
``ResearchSettings.max_review_rounds`` submissions, 3 by default), approved, carried out with visits filed on
the shared calendar (``luoshi.visits``, organiser ``plan:<id>``), reported (成果) and converted into measures:
key tasks or problems, linked back through ``PlanConversion``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.research.choices import Decision, EventKind, PlanState
from luoshi.tracking.models import EvidenceFileBase, TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


class ResearchSettings(TimeStamped):
    """A campaign's research settings: how many times a plan may be submitted for review."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="research_settings"
    )
    max_review_rounds = models.PositiveSmallIntegerField(_("最多审核轮次"), default=3)

    class Meta:
        verbose_name = _("调研设置")
        verbose_name_plural = _("调研设置")


class ResearchDirection(TimeStamped, Scoped):
    """A research direction of a campaign (调研方向, Chengdu's 14); ``org_path`` is the campaign unit's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="research_directions"
    )
    name = models.CharField(_("方向"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "order", "id"]
        verbose_name = _("调研方向")
        verbose_name_plural = _("调研方向")

    def __str__(self) -> str:
        return self.name


class ResearchTopic(TimeStamped, Scoped):
    """A research topic (调研课题) under a direction; counter-example topics (反面案例) are flagged."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="research_topics"
    )
    direction = models.ForeignKey(
        ResearchDirection,
        verbose_name=_("调研方向"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
    )
    title = models.CharField(_("课题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    is_counter_example = models.BooleanField(_("反面案例"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "direction_id", "id"]
        verbose_name = _("调研课题")
        verbose_name_plural = _("调研课题")

    def __str__(self) -> str:
        return self.title


class ResearchPlan(TrackedItem):
    """A research plan (调研方案) of a leader or unit; ``org_path`` is the owning unit's path."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="research_plans"
    )
    topic = models.ForeignKey(ResearchTopic, verbose_name=_("调研课题"), on_delete=models.PROTECT, related_name="plans")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        USER, verbose_name=_("牵头领导"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leader_name = models.CharField(_("牵头领导姓名"), max_length=60, blank=True)
    title = models.CharField(_("方案名称"), max_length=200)
    questions = models.JSONField(_("拟研究的具体问题"), default=list)
    team = models.CharField(_("调研组成员"), max_length=300, blank=True)
    due_date = models.DateField(_("完成时限"))
    state = models.CharField(_("状态"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    submissions = models.PositiveSmallIntegerField(_("提交次数"), default=0)
    result_summary = models.TextField(_("调研成果"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("调研方案")
        verbose_name_plural = _("调研方案")
        indexes = [models.Index(fields=["campaign", "state"]), models.Index(fields=["org_path", "state"])]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser_key(self) -> str:
        return f"plan:{self.pk}"


class PlanReview(TimeStamped, Scoped):
    """One review of a plan (审核意见): its round, the decision and the comments."""

    plan = models.ForeignKey(ResearchPlan, verbose_name=_("调研方案"), on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("轮次"))
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices)
    comments = models.TextField(_("审核意见"), blank=True)
    reviewer = models.ForeignKey(USER, verbose_name=_("审核人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "round", "id"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")


class PlanEvent(TimelineEvent):
    """One entry of a plan's timeline."""

    plan = models.ForeignKey(ResearchPlan, verbose_name=_("调研方案"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=PlanState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=PlanState.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "at", "id"]
        verbose_name = _("调研方案记录")
        verbose_name_plural = _("调研方案记录")


class PlanFile(EvidenceFileBase):
    """The research report file of a plan's result (调研报告), stored through the one upload checker."""

    plan = models.ForeignKey(ResearchPlan, verbose_name=_("调研方案"), on_delete=models.CASCADE, related_name="files")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")


class PlanConversion(TimeStamped, Scoped):
    """A measure a plan's result was converted into (成果转化): a key task or a problem, linked back."""

    plan = models.ForeignKey(
        ResearchPlan, verbose_name=_("调研方案"), on_delete=models.CASCADE, related_name="conversions"
    )
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("重点任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_plan_link",
    )
    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="research_plan_link",
    )
    made_by = models.ForeignKey(USER, verbose_name=_("转化人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("成果转化")
        verbose_name_plural = _("成果转化")
