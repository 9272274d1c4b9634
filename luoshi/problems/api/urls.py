from rest_framework.routers import SimpleRouter

from luoshi.problems.api.views import ExtensionViewSet, MeasureViewSet, ProblemClassViewSet, ProblemViewSet

router = SimpleRouter()
router.register("problems", ProblemViewSet, basename="problem")
router.register("measures", MeasureViewSet, basename="measure")
router.register("extensions", ExtensionViewSet, basename="extension")
router.register("problem-classes", ProblemClassViewSet, basename="problem-class")
urlpatterns = router.urls
