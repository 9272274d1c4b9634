"""The visit calendar (走访报备): every visit of supervision and research is filed here in advance.

A visit names the visited unit (its ``org_path``), the date, the headcount and who goes, and its organiser
(``organiser_key`` such as ``group:12`` for a supervision group or ``plan:5`` for a research plan, with a
readable ``organiser`` label): the calendar knows no mechanism. Filing checks the campaign's pile-up rules
(``VisitRule``, Yunnan's as defaults); a warning passed over needs a reason, kept on the visit and audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.visits.choices import KIND_LABELS, RuleAction, RuleKind, VisitState

USER = settings.AUTH_USER_MODEL


class VisitRule(TimeStamped):
    """One pile-up rule of a campaign (报备规则): a limit, its window in days, and whether it warns or blocks."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="visit_rules"
    )
    kind = models.CharField(_("规则"), max_length=20, choices=RuleKind.choices)
    limit = models.PositiveIntegerField(_("限值"))
    window_days = models.PositiveIntegerField(_("统计天数"), default=0)
    action = models.CharField(_("处理方式"), max_length=10, choices=RuleAction.choices, default=RuleAction.WARN)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["campaign_id", "kind"]
        verbose_name = _("报备规则")
        verbose_name_plural = _("报备规则")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="visits_one_rule_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.limit}"


class Visit(TimeStamped, Scoped):
    """A visit filed on the calendar (走访报备); ``org_path`` is the visited unit's path.

    The four kinds of Taixing's 一看二查三访 and the report heard: 听 (hears), 看 (looks), 查 (checks), 访 (talks).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="visits"
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("走访单位"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("走访日期"))
    headcount = models.PositiveSmallIntegerField(_("人数"))
    team = models.CharField(_("人员"), max_length=300)
    organiser = models.CharField(_("走访方"), max_length=200)
    organiser_key = models.CharField(_("走访方标识"), max_length=40, blank=True)
    hears = models.BooleanField(_("听汇报"), default=False)
    looks = models.BooleanField(_("看现场"), default=False)
    checks = models.BooleanField(_("查台账"), default=False)
    talks = models.BooleanField(_("访群众"), default=False)
    purpose = models.TextField(_("走访事由"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=VisitState.choices, default=VisitState.PLANNED)
    warnings = models.JSONField(_("触发规则"), default=list, blank=True)
    override_reason = models.TextField(_("仍需走访的理由"), blank=True)
    filed_by = models.ForeignKey(USER, verbose_name=_("报备人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("走访报备")
        verbose_name_plural = _("走访报备")
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["org_path", "date"]),
            models.Index(fields=["campaign", "date"]),
            models.Index(fields=["organiser_key", "date"]),
            # the heat of a subtree and the never-visited list read these alone (index-only scans on PostgreSQL)
            models.Index(
                fields=["campaign", "org_path"],
                include=["state", "date", "organiser_key", "organiser"],
                name="visits_campaign_path_cover",
            ),
            models.Index(fields=["unit", "campaign"], include=["state"], name="visits_unit_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.organiser} → {self.unit} {self.date}"

    @property
    def kinds_display(self) -> str:
        """The visit's kinds as 听/看/查 in the current language."""
        return "/".join(str(label) for name, label in KIND_LABELS if getattr(self, name))
