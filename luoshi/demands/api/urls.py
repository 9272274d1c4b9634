from rest_framework.routers import SimpleRouter

from luoshi.demands.api.views import DemandExtensionViewSet, DemandViewSet

router = SimpleRouter()
router.register("demands", DemandViewSet, basename="demand")
router.register("demand-extensions", DemandExtensionViewSet, basename="demand-extension")
urlpatterns = router.urls
