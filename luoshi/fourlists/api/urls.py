from rest_framework.routers import SimpleRouter

from luoshi.fourlists.api.views import (
    FourListsViewSet,
    InnovationMeasureViewSet,
    InnovationTaskViewSet,
    ListItemViewSet,
)

router = SimpleRouter()
router.register("list-items", ListItemViewSet, basename="list-item")
router.register("four-lists", FourListsViewSet, basename="four-lists")
router.register("innovation-tasks", InnovationTaskViewSet, basename="innovation-task")
router.register("innovation-measures", InnovationMeasureViewSet, basename="innovation-measure")
urlpatterns = router.urls
