from rest_framework.routers import SimpleRouter

from luoshi.supervision.api.reports import ReportViewSet
from luoshi.supervision.api.views import FindingViewSet, GroupViewSet

router = SimpleRouter()
# groups and findings (督导组、督导发现)
router.register("supervision-groups", GroupViewSet, basename="supervision-group")
router.register("findings", FindingViewSet, basename="finding")
# the per-unit supervision reports (督导反馈报告): api/reports.py
router.register("supervision-reports", ReportViewSet, basename="supervision-report")
urlpatterns = router.urls
