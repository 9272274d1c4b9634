from django.urls import path
from rest_framework.routers import SimpleRouter

from luoshi.study.api.urls_groups import urlpatterns as groups_urls
from luoshi.study.api.urls_plans import urlpatterns as plans_urls
from luoshi.study.api.views import StudyClassViewSet, StudyCoverageView, StudySessionViewSet

router = SimpleRouter()
router.register("study-classes", StudyClassViewSet, basename="study-class")
router.register("study-sessions", StudySessionViewSet, basename="study-session")

urlpatterns: list = [
    *router.urls,
    path("study-coverage/", StudyCoverageView.as_view(), name="study-coverage"),
]

urlpatterns += groups_urls + plans_urls
