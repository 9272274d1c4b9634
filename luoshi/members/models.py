"""The member register (党员/干部名册): the people study, attendance, lectures and suggestions refer to.

A member belongs to one unit (``org_path`` is that unit's path) and may have no login. A mobile party member
(流动党员) keeps a home unit and says where they are now (a unit, a place and optional coordinates), which is
where open study groups are offered to them. The phone number is personal data: stored SM4-encrypted with a
blind index for look-ups and shown masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.access.scope import ScopedQuerySet
from luoshi.core.models import Scoped, TimeStamped
from luoshi.members.choices import MemberKind

USER = settings.AUTH_USER_MODEL


class Member(TimeStamped, Scoped):
    """A person on the register (党员/干部); ``number`` is the member number they sign in with."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=60)
    kind = models.CharField(_("类别"), max_length=10, choices=MemberKind.choices, default=MemberKind.PARTY)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    phone_enc = models.TextField(_("手机号（密文）"), blank=True)
    phone_index = models.CharField(_("手机号索引"), max_length=64, blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    home_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("组织关系所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("现所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_place = models.CharField(_("现所在地"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    user = models.OneToOneField(
        USER, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    active = models.BooleanField(_("在册"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["org_path", "number"]
        verbose_name = _("党员干部")
        verbose_name_plural = _("党员干部名册")
        constraints = [models.UniqueConstraint(fields=["number"], name="member_number_unique")]
        indexes = [
            models.Index(fields=["org_path", "kind"], name="member_path_kind"),
            models.Index(fields=["phone_index"], name="member_phone_index"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"
