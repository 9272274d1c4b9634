"""Choices of the member register (党员/干部名册)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberKind(models.TextChoices):
    PARTY = "party", _("党员")
    CADRE = "cadre", _("干部")
    MOBILE = "mobile", _("流动党员")
