from rest_framework.routers import SimpleRouter

from luoshi.collection.api.views import RoundViewSet, SubmissionViewSet, TemplateViewSet

router = SimpleRouter()
router.register("collection-templates", TemplateViewSet, basename="collection-template")
router.register("collection-rounds", RoundViewSet, basename="collection-round")
router.register("collection-submissions", SubmissionViewSet, basename="collection-submission")
urlpatterns = router.urls
