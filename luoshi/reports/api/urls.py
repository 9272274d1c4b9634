from rest_framework.routers import SimpleRouter

from luoshi.reports.api.views import FigureViewSet, ReportViewSet

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")
router.register("figures", FigureViewSet, basename="figure")
urlpatterns = router.urls
