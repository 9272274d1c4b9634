"""Suggestions (建言献策): collected from members in the platform and from the public, triaged, referred to a
unit with a deadline, answered, and decided (全部采纳 / 部分采纳 / 未采纳, with a reason).

A suggestion runs on the tracked-work engine; ``org_path`` is the campaign unit's until it is referred, then the
unit's it is referred to. Similar suggestions are grouped (``SuggestionGroup``) and can be answered together. A
public suggester may stay anonymous; a name and phone, when given, are SM4-encrypted and shown masked. The
tracking code lets the suggester see the answer. A suggestion may become a key task, a problem or a livelihood
project proposal, linked back through ``SuggestionConversion``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.suggestions.choices import Adoption, EventKind, Source, SuggestionCategory, SuggestionState
from luoshi.tracking.models import LightedItem, TimelineEvent

USER = settings.AUTH_USER_MODEL


class SuggestionGroup(TimeStamped, Scoped):
    """Similar suggestions grouped together (同类建议), answered together when the office chooses."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="suggestion_groups"
    )
    title = models.CharField(_("归类名称"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("同类建议")
        verbose_name_plural = _("同类建议")

    def __str__(self) -> str:
        return self.title


class Suggestion(LightedItem):
    """A suggestion (意见建议) with its referral, answer and adoption."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="suggestions"
    )
    number = models.CharField(_("编号"), max_length=24)
    tracking_code = models.CharField(_("查询码"), max_length=16)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    category = models.CharField(
        _("类别"), max_length=20, choices=SuggestionCategory.choices, default=SuggestionCategory.OTHER
    )
    topic = models.CharField(_("主题"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("建议内容"))
    member = models.ForeignKey(
        "members.Member", verbose_name=_("建议人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    name_enc = models.TextField(_("姓名（密文）"), blank=True)
    name_masked = models.CharField(_("姓名"), max_length=20, blank=True)
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True)
    phone_index = models.CharField(_("电话索引"), max_length=64, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    group = models.ForeignKey(
        SuggestionGroup,
        verbose_name=_("同类建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    deadline = models.DateField(_("答复时限"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answer_public = models.BooleanField(_("公开答复"), default=False)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adoption = models.CharField(_("采纳情况"), max_length=10, choices=Adoption.choices, blank=True)
    adoption_reason = models.TextField(_("采纳说明"), blank=True)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=SuggestionState.choices, default=SuggestionState.SUBMITTED
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="suggestion_number_unique"),
            models.UniqueConstraint(fields=["tracking_code"], name="suggestion_tracking_code_unique"),
        ]
        indexes = [
            models.Index(fields=["campaign", "state"], name="suggestion_campaign_state"),
            models.Index(fields=["org_path", "state"], name="suggestion_path_state"),
            models.Index(fields=["phone_index"], name="suggestion_phone_index"),
        ]

    def __str__(self) -> str:
        return self.title


class SuggestionEvent(TimelineEvent):
    """One entry of a suggestion's timeline; ``private`` entries (内部备注) are never shown to the suggester."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("意见建议"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=20, choices=SuggestionState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=SuggestionState.choices, blank=True)
    private = models.BooleanField(_("内部"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["suggestion_id", "at", "id"]
        verbose_name = _("意见建议记录")
        verbose_name_plural = _("意见建议记录")


class AnswerTemplate(TimeStamped, Scoped):
    """An answer template (答复模板) of a campaign, to start an answer from; ``org_path`` is the campaign unit's."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="answer_templates"
    )
    title = models.CharField(_("模板名称"), max_length=100)
    text = models.TextField(_("答复内容"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "title"]
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")

    def __str__(self) -> str:
        return self.title


class SuggestionConversion(TimeStamped, Scoped):
    """What a suggestion became (转化): a key task, a problem or a livelihood project proposal, linked back."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("意见建议"), on_delete=models.CASCADE, related_name="conversions"
    )
    task = models.OneToOneField(
        "tasks.Task",
        verbose_name=_("重点任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion_link",
    )
    problem = models.OneToOneField(
        "problems.Problem",
        verbose_name=_("问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion_link",
    )
    proposal = models.OneToOneField(
        "livelihood.ProjectProposal",
        verbose_name=_("民生实事项目建议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestion_link",
    )
    made_by = models.ForeignKey(USER, verbose_name=_("转化人"), null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("建议转化")
        verbose_name_plural = _("建议转化")
