"""API routes of study plans (学习计划), included in ``luoshi.study.api.urls``."""

from rest_framework.routers import SimpleRouter

from luoshi.study.api.views_plans import StudyPlanViewSet

router = SimpleRouter()
router.register("study-plans", StudyPlanViewSet, basename="study-plan")
urlpatterns = router.urls
