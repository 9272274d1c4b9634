from rest_framework.routers import DefaultRouter

from luoshi.campaigns.api.views import CampaignViewSet

router = DefaultRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")
urlpatterns = router.urls
