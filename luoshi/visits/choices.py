"""Choices of the visit calendar (走访报备): visit kinds, states, pile-up rules and what a rule does."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitState(models.TextChoices):
    PLANNED = "planned", _("已报备")
    RECORDED = "recorded", _("已走访")
    CANCELLED = "cancelled", _("已取消")


class RuleKind(models.TextChoices):
    """The anti-pile-up rules (防止扎堆调研); thresholds and windows are per campaign."""

    UNIT_WINDOW = "unit_window", _("同一单位短期内接待次数")
    UNIT_YEAR = "unit_year", _("同一单位一年内接待次数")
    PARTY_SIZE = "party_size", _("单次走访人数")
    COUNTY_MONTH = "county_month", _("同一县级单位一月内接待组数")


class RuleAction(models.TextChoices):
    WARN = "warn", pgettext_lazy("visit rule", "提醒")
    BLOCK = "block", pgettext_lazy("visit rule", "禁止")


# The four kinds of a visit (听 hear a report, 看 look at the site, 查 check the ledgers, 访 talk to people) by field.
KIND_LABELS = (("hears", _("听")), ("looks", _("看")), ("checks", _("查")), ("talks", _("访")))
