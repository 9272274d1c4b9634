from rest_framework.routers import SimpleRouter

from luoshi.study.api.views_groups import StudyGroupViewSet

router = SimpleRouter()
router.register("study-groups", StudyGroupViewSet, basename="study-group")
urlpatterns = router.urls
