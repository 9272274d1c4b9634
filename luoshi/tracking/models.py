"""Abstract models of tracked work (跟踪事项): each mechanism keeps its own tables and indexes.

A tracked item has a unit (its ``org_path``), an owner, a deadline, a state, a light and a
version; the concrete model names its unit, owner and deadline fields in its ``Tracker``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.models import Scoped, TimeStamped
from luoshi.tracking.choices import Light, RequestState

USER = settings.AUTH_USER_MODEL


class TrackedItem(TimeStamped, Scoped):
    """The fields the transition engine moves; subclasses give ``state`` its choices and default."""

    state = models.CharField(_("状态"), max_length=20)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class LightedItem(TrackedItem):
    """A tracked item with a traffic light derived from its deadline (预警)."""

    light = models.CharField(_("预警"), max_length=10, choices=Light.choices, default=Light.GREEN)

    class Meta:
        abstract = True


class TimelineEvent(Scoped):
    """One entry of an item's timeline, separate from the security audit log; subclasses add the item."""

    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(USER, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("事项"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"  # type: ignore[attr-defined]


class DecidedRequest(TimeStamped, Scoped):
    """A request someone other than the requester decides (延期申请, 销号申请, 办结申请)."""

    requested_by = models.ForeignKey(USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        abstract = True


class ExtensionRequestBase(DecidedRequest):
    """An extension request (延期申请): asked before the deadline, with a reason; subclasses add the dates."""

    reason = models.TextField(_("理由"))

    class Meta:
        abstract = True


class ProgressReportBase(TimeStamped, Scoped):
    """A progress report (进展报送) of an item; evidence files hang off it."""

    author = models.ForeignKey(USER, verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("进展情况"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text[:60]


class EvidenceFileBase(TimeStamped, Scoped):
    """An evidence file (佐证材料), stored through the one upload checker; subclasses add the report."""

    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name
