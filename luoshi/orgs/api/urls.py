from rest_framework.routers import DefaultRouter

from luoshi.orgs.api.views import UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
