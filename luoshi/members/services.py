"""The only code that writes the member register (党员/干部名册).

A member is added, edited, moved to another unit or taken off the register (离册) by whoever manages members
(MANAGE_MEMBERS) over the unit, over both units when moving; ``actor=None`` is the system or the demo, unchecked.
Every change is audited without the phone number: it is stored SM4-encrypted, with a blind index for look-ups
and a masked copy for lists. Member numbers are unique across the register.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core import crypto
from luoshi.core.errors import RuleViolation
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit

MOBILE = re.compile(r"^1[3-9]\d{9}$")
NUMBER = re.compile(r"^[0-9A-Za-z_-]{1,30}$")
AUDIT_EXCLUDE = ("phone_enc", "phone_index")
MAX_NAME = 60
MAX_POSITION = 100
MAX_PLACE = 200


# --- checks (shared with the import) ---------------------------------------------------------------------------


def clean_phone(phone: str) -> str:
    """A mainland mobile number (11 digits starting 13–19), spaces and dashes removed; empty stays empty."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if digits and not MOBILE.match(digits):
        raise RuleViolation(_("手机号「{phone}」格式不对，应为 11 位手机号。").format(phone=crypto.mask_phone(digits)))
    return digits


def clean_number(number: str) -> str:
    number = (number or "").strip()
    if not NUMBER.match(number):
        raise RuleViolation(
            _("编号「{number}」不对：须为 1–30 位字母、数字、下划线或短横线。").format(number=number[:40])
        )
    return number


def clean_kind(kind: str) -> str:
    if kind not in MemberKind.values:
        raise RuleViolation(_("类别「{kind}」不对。").format(kind=kind))
    return kind


def clean_text(value: str, limit: int, label: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("{label}不能为空。").format(label=label))
    if len(value) > limit:
        raise RuleViolation(_("{label}不能超过 {n} 个字。").format(label=label, n=limit))
    return value


def clean_coordinate(value: Any, label: str, bound: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise RuleViolation(_("{label}「{value}」不是数字。").format(label=label, value=str(value)[:20])) from exc
    if not number.is_finite() or abs(number) > bound:
        raise RuleViolation(_("{label}应在 -{n} 到 {n} 之间。").format(label=label, n=bound))
    return number


def phone_fields(phone: str) -> dict[str, str]:
    """The stored forms of a (clean) phone: ciphertext, blind index and masked copy."""
    if not phone:
        return {"phone_enc": "", "phone_index": "", "phone_masked": ""}
    return {
        "phone_enc": crypto.encrypt(phone),
        "phone_index": crypto.blind_index(phone),
        "phone_masked": crypto.mask_phone(phone),
    }


def _require(actor: User | None, unit: Unit, message: str = "") -> None:
    if actor is not None:
        scope.require(actor, Perm.MANAGE_MEMBERS, unit.path, message or _("您无权管理该单位的党员干部名册。"))


def _number_taken(number: str, exclude: int | None = None) -> bool:
    found = Member.objects.filter(number=number)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


def _duplicate(number: str) -> RuleViolation:
    return RuleViolation(_("编号「{number}」已被名册中的其他人使用，编号不能重复。").format(number=number), "duplicate")


def _apply_mobile(member: Member, fields: dict[str, Any]) -> None:
    """A mobile party member's home unit and where they are now; others keep none of it."""
    lat = clean_coordinate(fields.get("latitude"), _("纬度"), 90)
    lon = clean_coordinate(fields.get("longitude"), _("经度"), 180)
    if (lat is None) != (lon is None):
        raise RuleViolation(_("纬度和经度要么都填，要么都不填。"))
    member.home_unit = fields.get("home_unit")
    member.current_unit = fields.get("current_unit")
    member.current_place = clean_text(fields.get("current_place", ""), MAX_PLACE, _("现所在地"))
    member.latitude, member.longitude = lat, lon


# --- writes ----------------------------------------------------------------------------------------------------


def create_member(
    actor: User | None,
    *,
    unit: Unit,
    number: str,
    name: str,
    kind: str = MemberKind.PARTY,
    position: str = "",
    phone: str = "",
    home_unit: Unit | None = None,
    current_unit: Unit | None = None,
    current_place: str = "",
    latitude: Any = None,
    longitude: Any = None,
    user: User | None = None,
) -> Member:
    """Add a person to the register of ``unit``."""
    _require(actor, unit)
    number = clean_number(number)
    member = Member(
        unit=unit,
        org_path=unit.path,
        number=number,
        name=clean_text(name, MAX_NAME, _("姓名"), required=True),
        kind=clean_kind(kind),
        position=clean_text(position, MAX_POSITION, _("职务")),
        user=user,
        **phone_fields(clean_phone(phone)),
    )
    _apply_mobile(
        member,
        {
            "home_unit": home_unit,
            "current_unit": current_unit,
            "current_place": current_place,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    if _number_taken(number):
        raise _duplicate(number)
    _check_user(member, user)
    with transaction.atomic():
        _save(member)
        record(Action.CREATE, actor=actor, obj=member, after=snapshot(member, AUDIT_EXCLUDE))
    return member


def _save(member: Member) -> None:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise _duplicate(member.number) from exc


def _check_user(member: Member, user: User | None) -> None:
    if user is not None and Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise RuleViolation(_("该登录账号已关联名册中的其他人。"))


MOBILE_FIELDS = ("home_unit", "current_unit", "current_place", "latitude", "longitude")
EDITABLE = ("number", "name", "kind", "position", "home_unit", "current_unit", "current_place", "latitude", "longitude")


def update_member(actor: User | None, member: Member, *, phone: str | None = None, **fields: Any) -> Member:
    """Edit a member's details; ``phone=None`` keeps the phone, ``""`` clears it. Moving is ``move_member``."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise RuleViolation(_("不能修改这些字段：{names}").format(names="、".join(sorted(unknown))))
    _require(actor, member.unit)
    before = snapshot(member, AUDIT_EXCLUDE)
    if "number" in fields:
        member.number = clean_number(fields["number"])
        if _number_taken(member.number, member.pk):
            raise _duplicate(member.number)
    if "name" in fields:
        member.name = clean_text(fields["name"], MAX_NAME, _("姓名"), required=True)
    if "kind" in fields:
        member.kind = clean_kind(fields["kind"])
    if "position" in fields:
        member.position = clean_text(fields["position"], MAX_POSITION, _("职务"))
    mobile = {
        key: getattr(member, key) for key in ("home_unit", "current_unit", "current_place", "latitude", "longitude")
    }
    mobile.update({key: value for key, value in fields.items() if key in mobile})
    _apply_mobile(member, mobile)
    if phone is not None:
        for key, value in phone_fields(clean_phone(phone)).items():
            setattr(member, key, value)
    with transaction.atomic():
        _save(member)
        detail = _("修改了手机号") if phone is not None else ""
        _record_update(actor, member, before, detail)
    return member


def _record_update(actor: User | None, member: Member, before: dict[str, Any], detail: str = "") -> None:
    after = snapshot(member, AUDIT_EXCLUDE)
    changed = sorted(key for key in after if before.get(key) != after.get(key))
    record(
        Action.UPDATE,
        actor=actor,
        obj=member,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
        detail=detail,
    )


def move_member(actor: User | None, member: Member, unit: Unit) -> Member:
    """Move a member to another unit: the mover manages members over both the old and the new unit."""
    _require(actor, member.unit)
    _require(actor, unit, _("您无权把党员干部转入该单位。"))
    if unit.pk == member.unit_id:
        return member
    before = snapshot(member, AUDIT_EXCLUDE)
    member.unit, member.org_path = unit, unit.path
    with transaction.atomic():
        member.save(update_fields=["unit", "org_path", "updated_at"])
        _record_update(actor, member, before, _("转到{unit}").format(unit=unit.name))
    return member


def deactivate(actor: User | None, member: Member, reason: str = "") -> Member:
    """Take a member off the register (离册); attendance and orders that name them stay."""
    _require(actor, member.unit)
    if not member.active:
        raise RuleViolation(_("{name}已离册。").format(name=member.name))
    before = snapshot(member, AUDIT_EXCLUDE)
    member.active = False
    with transaction.atomic():
        member.save(update_fields=["active", "updated_at"])
        _record_update(actor, member, before, clean_text(reason, 200, _("离册原因")) or _("离册"))
    return member


def reactivate(actor: User | None, member: Member) -> Member:
    """Put a member who left back on the register."""
    _require(actor, member.unit)
    if member.active:
        return member
    before = snapshot(member, AUDIT_EXCLUDE)
    member.active = True
    with transaction.atomic():
        member.save(update_fields=["active", "updated_at"])
        _record_update(actor, member, before, _("恢复在册"))
    return member


def link_user(actor: User | None, member: Member, user: User | None) -> Member:
    """Give a member a login (or take it away with ``None``), so they can sign in and suggest as themselves."""
    _require(actor, member.unit)
    _check_user(member, user)
    before = snapshot(member, AUDIT_EXCLUDE)
    member.user = user
    with transaction.atomic():
        member.save(update_fields=["user", "updated_at"])
        _record_update(actor, member, before, _("关联登录账号") if user else _("解除登录账号"))
    return member


# --- reads -----------------------------------------------------------------------------------------------------


def member_by_number(number: str) -> Member | None:
    """The active member with this number, or None."""
    number = (number or "").strip()
    if not number:
        return None
    return Member.objects.filter(number=number, active=True).select_related("unit").first()


def member_of(user: Any) -> Member | None:
    """The active member a login belongs to, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user, active=True).first()


def phone_of(member: Member) -> str:
    """The decrypted phone; never log or list it (lists use ``phone_masked``)."""
    return crypto.decrypt(member.phone_enc)


def phone_matches(member: Member, phone: str) -> bool:
    """Whether ``phone`` is the member's phone, by the blind index (no decryption)."""
    try:
        clean = clean_phone(phone)
    except RuleViolation:
        return False
    return bool(clean) and bool(member.phone_index) and crypto.blind_index(clean) == member.phone_index
