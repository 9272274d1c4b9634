"""Choices of suggestions (建言献策): where they come from, states, adoption, timeline events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    MEMBER = "member", _("党员干部")
    PUBLIC = "public", _("群众")


class SuggestionCategory(models.TextChoices):
    DEVELOPMENT = "development", _("经济发展")
    LIVELIHOOD = "livelihood", _("民生服务")
    GOVERNANCE = "governance", _("基层治理")
    STYLE = "style", _("作风建设")
    ENVIRONMENT = "environment", _("生态环境")
    OTHER = "other", _("其他")


class SuggestionState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("suggestion", "待研判")
    TRIAGED = "triaged", pgettext_lazy("suggestion", "已研判")
    REFERRED = "referred", pgettext_lazy("suggestion", "已转办")
    ANSWERED = "answered", pgettext_lazy("suggestion", "已答复")
    CLOSED = "closed", pgettext_lazy("suggestion", "已办结")
    DISMISSED = "dismissed", pgettext_lazy("suggestion", "不予采用")


class Adoption(models.TextChoices):
    FULL = "full", _("全部采纳")
    PARTIAL = "partial", _("部分采纳")
    NONE = "none", _("未采纳")


ADOPTED: tuple[str, ...] = (Adoption.FULL, Adoption.PARTIAL)
OPEN_STATES: tuple[str, ...] = (SuggestionState.SUBMITTED, SuggestionState.TRIAGED, SuggestionState.REFERRED)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "提出建议")
    TRIAGED = "triaged", pgettext_lazy("timeline event", "研判")
    GROUPED = "grouped", pgettext_lazy("timeline event", "归并同类建议")
    REFERRED = "referred", pgettext_lazy("timeline event", "转办")
    ANSWERED = "answered", pgettext_lazy("timeline event", "答复")
    DECIDED = "decided", pgettext_lazy("timeline event", "采纳认定")
    DISMISSED = "dismissed", pgettext_lazy("timeline event", "不予采用")
    NOTE = "note", pgettext_lazy("timeline event", "内部备注")
    CONVERTED = "converted", pgettext_lazy("timeline event", "转化")
