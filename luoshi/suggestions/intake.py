"""Taking in suggestions (收集建议): from members in the platform and from the public page.

Both ways check the text (plain text, lengths), the category and that the campaign is active, store the
suggestion at the campaign unit (``org_path``), give it a number (``JY`` + date + sequence, from the row's id, so
two filings at once never share one) and a random tracking code, and write the first timeline entry and an audit
record in one transaction.

A public suggester's name and phone are optional; when anonymous, neither is stored at all; otherwise they are
SM4-encrypted and kept masked for display. A member's suggestion is linked to the actor's member record unless
the member asks to stay anonymous.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.access import scope
from luoshi.access.roles import Perm
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.campaigns.models import Campaign
from luoshi.core import crypto
from luoshi.core.errors import NotAllowed, RuleViolation
from luoshi.core.paths import is_within
from luoshi.core.public import check_phone, check_plain_text
from luoshi.suggestions import services
from luoshi.suggestions.choices import EventKind, Source, SuggestionCategory
from luoshi.suggestions.models import Suggestion
from luoshi.tracking import engine

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
NUMBER_PREFIX = "JY"
PUBLIC_ACTOR = "群众"
TITLE_MAX = 100
TITLE_MIN = 4
CONTENT_MAX = 3000
CONTENT_MIN = 10
TOPIC_MAX = 100
NAME_MAX = 20


def accepting_campaigns() -> QuerySet[Campaign]:
    """The campaigns that take suggestions now: the active ones."""
    return Campaign.objects.filter(is_active=True).select_related("unit").order_by("-starts_on", "id")


def _plain(value: Any, label: str, *, required: bool, low: int = 0, high: int) -> str:
    text = str(value or "").strip()
    if not text:
        if required:
            raise RuleViolation(_("请填写{label}。").format(label=label))
        return ""
    try:
        text = check_plain_text(text)
    except ValidationError as exc:
        raise RuleViolation(f"{label}：{exc.messages[0]}") from exc
    if len(text) > high:
        raise RuleViolation(_("{label}不能超过 {n} 个字。").format(label=label, n=high))
    if len(text) < low:
        raise RuleViolation(_("{label}至少 {n} 个字。").format(label=label, n=low))
    return text


def _checked(campaign: Any, title: Any, content: Any, category: Any, topic: Any) -> dict[str, Any]:
    if not isinstance(campaign, Campaign) or not accepting_campaigns().filter(pk=campaign.pk).exists():
        raise RuleViolation(_("该活动不在征集意见建议。"))
    if category not in SuggestionCategory.values:
        raise RuleViolation(_("请选择建议类别。"))
    return {
        "campaign": campaign,
        "category": category,
        "title": _plain(title, _("标题"), required=True, low=TITLE_MIN, high=TITLE_MAX),
        "content": _plain(content, _("建议内容"), required=True, low=CONTENT_MIN, high=CONTENT_MAX),
        "topic": _plain(topic, _("主题"), required=False, high=TOPIC_MAX),
    }


def new_tracking_code() -> str:
    """A random code of 10 characters without look-alikes (0/O, 1/I), not used by another suggestion."""
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _n in range(CODE_LENGTH))
        if not Suggestion.objects.filter(tracking_code=code).exists():
            return code


def _store(actor: Any, suggestion: Suggestion) -> Suggestion:
    """Save, number from the row's id, write the first timeline entry and the audit record (one transaction)."""
    suggestion.org_path = suggestion.campaign.unit.path
    suggestion.number = uuid.uuid4().hex[:24]
    suggestion.tracking_code = new_tracking_code()
    with transaction.atomic():
        suggestion.save()
        suggestion.number = f"{NUMBER_PREFIX}{timezone.localdate():%Y%m%d}{suggestion.pk:06d}"
        suggestion.save(update_fields=["number"])
        engine.event(services.TRACKER, suggestion, actor, EventKind.SUBMITTED)
        record(
            Action.CREATE,
            actor=actor,
            obj=suggestion,
            after=services.TRACKER.snapshot(suggestion),
            actor_name="" if actor is not None else PUBLIC_ACTOR,
        )
    return suggestion


def may_suggest(actor: Any, campaign: Campaign) -> bool:
    """SUGGEST over the campaign's unit, or over any unit of the actor within the campaign's subtree."""
    top = campaign.unit.path
    return any(is_within(path, top) or is_within(top, path) for path in scope.scope_paths(actor, Perm.SUGGEST))


def submit_member_suggestion(
    actor: Any,
    *,
    campaign: Campaign,
    title: str,
    content: str,
    category: str,
    topic: str = "",
    anonymous: bool = False,
) -> Suggestion:
    """提出建议 (member, in the platform): linked to the actor's member record unless anonymous."""
    if actor is None or not isinstance(campaign, Campaign) or not may_suggest(actor, campaign):
        raise NotAllowed(_("您无权在该活动中提出意见建议。"))
    fields = _checked(campaign, title, content, category, topic)
    member = None if anonymous else getattr(actor, "member", None)
    suggestion = Suggestion(
        **fields,
        source=Source.MEMBER,
        member=member,
        submitted_by=actor,
        anonymous=bool(anonymous),
    )
    return _store(actor, suggestion)


def _person(name: Any, phone: Any, anonymous: bool) -> dict[str, str]:
    """The suggester's encrypted and masked name and phone; nothing at all when anonymous."""
    if anonymous:
        return {}
    name = _plain(name, _("姓名"), required=False, high=NAME_MAX)
    try:
        phone = check_phone("".join(str(phone or "").split()))
    except ValidationError as exc:
        raise RuleViolation(exc.messages[0]) from exc
    return {
        "name_enc": crypto.encrypt(name),
        "name_masked": crypto.mask_name(name),
        "phone_enc": crypto.encrypt(phone),
        "phone_index": crypto.blind_index(phone) if phone else "",
        "phone_masked": crypto.mask_phone(phone) if phone else "",
    }


def submit_public_suggestion(
    *,
    campaign: Campaign,
    title: str,
    content: str,
    category: str,
    topic: str,
    name: str,
    phone: str,
    anonymous: bool,
) -> tuple[Suggestion, str]:
    """提出建议 (the public page): returns the suggestion and its tracking code (shown to the suggester once)."""
    fields = _checked(campaign, title, content, category, topic)
    person = _person(name, phone, bool(anonymous))
    suggestion = Suggestion(**fields, **person, source=Source.PUBLIC, anonymous=bool(anonymous))
    _store(None, suggestion)
    return suggestion, suggestion.tracking_code
