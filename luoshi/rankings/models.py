"""Published rankings (晾晒排名 / 红黑榜).

A scheme (排名方案) of a campaign names the ranked units (the children of a root unit, or every unit of a kind
under it), the measures and their weights, and how many units the red and black lists name. A published ranking
(``Ranking``) freezes what was computed for one period: its ``content`` (every row with each measure's value,
the weighted score, the rank, the change against the previous ranking and the flag) and the SHA-256 of that
content. A published ranking is never changed or deleted; a correction is a new ranking that ``supersedes`` it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.access.scope import ScopedQuerySet
from luoshi.core.errors import RuleViolation
from luoshi.core.models import Scoped, TimeStamped
from luoshi.core.paths import ancestors
from luoshi.rankings.choices import DEFAULT_HIGHLIGHT, MAX_HIGHLIGHT, Cycle, UnitsMode

USER = settings.AUTH_USER_MODEL
FROZEN = _("已发布的排名不可修改或删除；如需更正，请发布更正版。")


class SchemeQuerySet(ScopedQuerySet["RankingScheme"]):
    def visible_to(self, user: Any, perm: str = Perm.VIEW) -> SchemeQuerySet:
        """Schemes whose root lies within the user's scope, or above a unit of it (the units a scheme ranks)."""
        above = {path for top in scope.scope_paths(user, perm) for path in ancestors(top)}
        return self.filter(scope.visible_q(user, perm) | Q(org_path__in=above))


class RankingScheme(TimeStamped, Scoped):
    """排名方案: which units a campaign ranks, by which weighted measures; ``org_path`` is the root's path."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="ranking_schemes"
    )
    name = models.CharField(_("方案名称"), max_length=100)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("根单位"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("排名对象"), max_length=10, choices=UnitsMode.choices, default=UnitsMode.CHILDREN)
    kind = models.ForeignKey(
        "orgs.UnitKind", verbose_name=_("单位类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.CharField(_("排名周期"), max_length=10, choices=Cycle.choices, default=Cycle.MONTHLY)
    weights = models.JSONField(_("指标权重"), default=dict)
    highlight = models.PositiveSmallIntegerField(
        _("红黑榜名额"),
        default=DEFAULT_HIGHLIGHT,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HIGHLIGHT)],
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("排名方案")
        verbose_name_plural = _("排名方案")

    def __str__(self) -> str:
        return self.name


class RankingQuerySet(ScopedQuerySet["Ranking"]):
    def visible_to(self, user: Any, perm: str = Perm.VIEW) -> RankingQuerySet:
        """Rankings whose root lies within the user's scope, and those ranking a unit within it (a ranked district
        sees the whole ranking it is part of); nothing else."""
        members = RankingMember.objects.filter(scope.visible_q(user, perm), ranking=OuterRef("pk"))
        return self.filter(scope.visible_q(user, perm) | Q(Exists(members)))

    def current(self) -> RankingQuerySet:
        """Rankings that no correction supersedes."""
        return self.filter(correction__isnull=True)

    def update(self, **kwargs: Any) -> int:
        """Only the org path may follow a moved unit (``orgs.services.move_unit``); the content never changes."""
        if set(kwargs) != {"org_path"}:
            raise RuleViolation(str(FROZEN))
        return super().update(**kwargs)

    def delete(self) -> NoReturn:
        raise RuleViolation(str(FROZEN))


class Ranking(Scoped):
    """A published ranking (已发布排名) of one period, frozen; ``org_path`` is the scheme root's path."""

    scheme = models.ForeignKey(
        RankingScheme, verbose_name=_("排名方案"), on_delete=models.PROTECT, related_name="rankings"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="rankings"
    )
    period_key = models.CharField(_("排名期次"), max_length=10)
    period_start = models.DateField(_("期次开始"))
    period_end = models.DateField(_("期次结束"))
    content = models.JSONField(_("排名内容"))
    content_hash = models.CharField(_("内容哈希（SHA-256）"), max_length=64)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的排名"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    reason = models.TextField(_("更正理由"), blank=True)
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    objects = RankingQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("已发布排名")
        verbose_name_plural = _("已发布排名")
        indexes = [models.Index(fields=["scheme", "period_start"]), models.Index(fields=["campaign", "period_start"])]

    def __str__(self) -> str:
        return f"{self.content.get('scheme', {}).get('name', '')} {self.period_key}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuleViolation(str(FROZEN))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuleViolation(str(FROZEN))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Each ranked unit as a dict: unit_id, unit_name, score, rank, change, flagged, band and measures."""
        return list(self.content.get("rows", []))

    @property
    def weights(self) -> dict[str, Any]:
        return dict(self.content.get("weights", {}))


class RankingMember(Scoped):
    """A unit ranked in a published ranking, for the scope of who may read it."""

    ranking = models.ForeignKey(Ranking, verbose_name=_("排名"), on_delete=models.PROTECT, related_name="members")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名单位")
        verbose_name_plural = _("排名单位")
        constraints = [models.UniqueConstraint(fields=["ranking", "unit"], name="rankings_member_unique")]
