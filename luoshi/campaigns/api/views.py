from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import permissions, viewsets

from luoshi.access.api import HoldsViewPerm
from luoshi.campaigns.api.serializers import CampaignSerializer
from luoshi.campaigns.models import Campaign
from luoshi.campaigns.queries import visible_campaigns
from luoshi.core.api import IdLookupMixin


class CampaignViewSet(IdLookupMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns the caller takes part in (read-only); out of scope is 404."""

    serializer_class = CampaignSerializer
    filterset_fields = ["is_active"]
    permission_classes = [permissions.IsAuthenticated, HoldsViewPerm]

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            visible_campaigns(self.request.user)
            .prefetch_related("phases", "channels", "aspects")
            .order_by("-starts_on", "id")
        )
