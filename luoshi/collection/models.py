"""Periodic collection (定期报送 / 周调度): templates the office defines, rounds it opens, one submission per unit.

A template (报送模板) is versioned: every version is a row of one family (``family``); a version a round was
opened on is never edited again, a change makes the next version. Its fields and rules are validated JSON
(``luoshi.collection.fields``). A round (报送轮次) belongs to one version; its submissions (填报) are the tracked
items, one per target unit, on the tracked-work engine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.scope import ScopedQuerySet
from luoshi.collection.choices import FILED_STATES, Cycle, EventKind, State
from luoshi.core.models import Scoped, TimeStamped
from luoshi.core.paths import ancestors, subtree_q
from luoshi.tracking.models import EvidenceFileBase, TimelineEvent, TrackedItem

USER = settings.AUTH_USER_MODEL


def _within_or_above(user: Any, perm: str, field: str = "org_path") -> Q:
    """Rows of a unit within the user's scope, or of a unit above it (a street reads its district's template)."""
    q = Q(pk__in=[])
    for top in scope.scope_paths(user, perm):
        q |= subtree_q(top, field) | Q(**{f"{field}__in": ancestors(top)})
    return q


class TemplateQuerySet(ScopedQuerySet["CollectionTemplate"]):
    def visible_to(self, user: Any, perm: str = "view") -> TemplateQuerySet:
        return self.filter(_within_or_above(user, perm))


class CollectionTemplate(TimeStamped, Scoped):
    """One version of a collection template (报送模板); ``org_path`` is the path of ``unit``, its targets' root."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="collection_templates"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("报送范围"), on_delete=models.PROTECT, related_name="+")
    target_kind = models.ForeignKey(
        "orgs.UnitKind",
        verbose_name=_("报送单位类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    family = models.ForeignKey(
        "self", verbose_name=_("模板系列"), null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    name = models.CharField(_("模板名称"), max_length=100)
    description = models.TextField(_("填报说明"), blank=True)
    cycle = models.CharField(_("报送周期"), max_length=10, choices=Cycle.choices, default=Cycle.WEEKLY)
    fields = models.JSONField(_("字段"), default=list)
    rules = models.JSONField(_("校验规则"), default=list, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "family_id", "number"]
        verbose_name = _("报送模板")
        verbose_name_plural = _("报送模板")
        indexes = [models.Index(fields=["campaign", "is_current"])]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"{self.name}（v{self.number}）"

    @property
    def numeric_fields(self) -> list[dict[str, Any]]:
        from luoshi.collection.choices import NUMERIC_KINDS

        return [f for f in self.fields if f["kind"] in NUMERIC_KINDS]


class RoundQuerySet(ScopedQuerySet["CollectionRound"]):
    def visible_to(self, user: Any, perm: str = "view") -> RoundQuerySet:
        return self.filter(_within_or_above(user, perm))


class CollectionRound(TimeStamped, Scoped):
    """A reporting round (报送轮次) of one template version: a period and a deadline; ``org_path`` is the template's."""

    template = models.ForeignKey(
        CollectionTemplate, verbose_name=_("报送模板"), on_delete=models.PROTECT, related_name="rounds"
    )
    period_label = models.CharField(_("报送期"), max_length=40)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    deadline = models.DateField(_("截止日期"))
    opened_by = models.ForeignKey(
        USER, verbose_name=_("开启人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("报送轮次")
        verbose_name_plural = _("报送轮次")
        indexes = [models.Index(fields=["template", "period_start"]), models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.template.name} · {self.period_label}"


class Submission(TrackedItem):
    """One unit's submission (填报) in a round; ``values`` by field key; late when submitted after the deadline."""

    round = models.ForeignKey(
        CollectionRound, verbose_name=_("报送轮次"), on_delete=models.PROTECT, related_name="submissions"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    values = models.JSONField(_("填报内容"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(_("逾期报送"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "org_path", "id"]
        verbose_name = _("填报")
        verbose_name_plural = _("填报")
        indexes = [models.Index(fields=["round", "state"]), models.Index(fields=["org_path", "state"])]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="collection_one_submission_per_unit")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    @property
    def number(self) -> str:
        return f"TB{self.pk:06d}"

    @property
    def filed(self) -> bool:
        return self.state in FILED_STATES

    @property
    def overdue(self) -> bool:
        """Late: submitted after the deadline, or not filed and the deadline has passed."""
        if self.filed:
            return self.late
        return timezone.localdate() > self.round.deadline


class SubmissionEvent(TimelineEvent):
    """One entry of a submission's timeline (填报记录)."""

    submission = models.ForeignKey(Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=State.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["submission_id", "at", "id"]
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")


class SubmissionFile(EvidenceFileBase):
    """A file of a file field (附件) of a submission, stored through the one upload checker."""

    submission = models.ForeignKey(Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(_("字段"), max_length=40)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送附件")
        verbose_name_plural = _("报送附件")
