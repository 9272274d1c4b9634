from rest_framework.routers import SimpleRouter

from luoshi.urging.api.views import UrgeViewSet

router = SimpleRouter()
router.register("urges", UrgeViewSet, basename="urge")
urlpatterns = router.urls
