from rest_framework.routers import SimpleRouter

from luoshi.livelihood.api.views import ProjectViewSet

router = SimpleRouter()
router.register("livelihood-projects", ProjectViewSet, basename="livelihood-project")
urlpatterns = router.urls
