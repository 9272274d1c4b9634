"""``{% analysis_reports_link campaign %}``: the campaign page's link to its monthly reports, for their readers."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from luoshi.analysis.services import can_download

register = template.Library()


@register.simple_tag(takes_context=True)
def analysis_reports_link(context: dict[str, Any], campaign: Any) -> SafeString | str:
    request = context.get("request")
    if request is None or not can_download(request.user, campaign):
        return ""
    url = reverse("analysis:campaign", kwargs={"pk": campaign.pk})
    return format_html('<a class="btn btn-outline-secondary btn-sm me-1" href="{}">{}</a>', url, _("月度分析报告"))
