from django.urls import path
from rest_framework.routers import SimpleRouter

from luoshi.visits.api.views import VisitRuleViewSet, VisitViewSet

router = SimpleRouter()
router.register("visits", VisitViewSet, basename="visit")
urlpatterns = [
    path("visit-rules/", VisitRuleViewSet.as_view({"get": "list", "put": "put"}), name="visit-rule-list"),
    *router.urls,
]
