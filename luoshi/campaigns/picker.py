"""The campaign a page shows, picked by ``?campaign=`` from those the user may see there."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from luoshi.campaigns.models import Campaign
from luoshi.core.filters import parse_id


def chosen_campaign(request: HttpRequest, campaigns: Sequence[Campaign]) -> Campaign | None:
    """The campaign ``?campaign=`` names among ``campaigns``: the first when none is named, None when there are
    none; what is no id at all (``abc``, ``9e9``, 30 digits) is a bad request (400), an id that is none of them
    404, as if it did not exist."""
    raw = request.GET.get("campaign", "").strip()
    if not raw:
        return campaigns[0] if campaigns else None
    wanted = parse_id(raw)
    if wanted is None:
        raise BadRequest(_("参数无效。"))
    found = next((c for c in campaigns if c.pk == wanted), None)
    if found is None:
        raise Http404(_("未找到或无权查看。"))
    return found
