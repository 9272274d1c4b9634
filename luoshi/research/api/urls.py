from rest_framework.routers import SimpleRouter

from luoshi.research.api.views import DirectionViewSet, PlanViewSet, TopicViewSet

router = SimpleRouter()
router.register("research-directions", DirectionViewSet, basename="research-direction")
router.register("research-topics", TopicViewSet, basename="research-topic")
router.register("research-plans", PlanViewSet, basename="research-plan")
urlpatterns = router.urls
